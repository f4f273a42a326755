"""``assetdesk approvals list``, ``approve``, ``reject``, ``withdraw``: the same rules apply."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureOutcome, ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.factories import World, seed_world
from ui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db.url.render_as_string(hide_password=False), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pending(sqlite_db: Database) -> tuple[World, ProcedureOutcome]:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    world.install("LAP-1")
    outcome = record_procedure(
        sqlite_db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-1",
            values={"status": "in_repair"},
            answers={"change_type": "Repair"},
            impact="high",
            likelihood="medium",
            reason="screen replacement",
        ),
    )
    return world, outcome


def state_and_status(db: Database, outcome: ProcedureOutcome) -> tuple[str, str]:
    with db.read() as s:
        state = s.execute(select(Procedure.state).where(Procedure.id == outcome.procedure_id))
        status = s.execute(select(Asset.status).where(Asset.id == outcome.asset_id))
        return state.scalar_one(), status.scalar_one()


def test_list_json_says_who_may_decide(
    pending: tuple[World, ProcedureOutcome], capsys: pytest.CaptureFixture[str]
) -> None:
    world, outcome = pending
    code, out, _ = run(capsys, world.db, "approvals", "list", "--as", "tech2", "--json")
    assert code == 0
    payload = json.loads(out)
    (item,) = payload["pending"]
    assert item["procedure_id"] == str(outcome.procedure_id)
    assert item["asset_tag"] == "LAP-1"
    assert item["decidable"] is False
    assert "Service desk" in item["why_not"]
    code, out, _ = run(capsys, world.db, "approvals", "list", "--as", "infra")
    assert "you may decide" in out
    assert outcome.procedure_id.hex[:8] in out


def test_approve_twice_by_outsiders_completes(
    pending: tuple[World, ProcedureOutcome], capsys: pytest.CaptureFixture[str]
) -> None:
    world, outcome = pending
    short = outcome.procedure_id.hex[:8]
    code, out, _ = run(capsys, world.db, "approve", short, "--as", "infra", "--comment", "fine")
    assert code == 0
    assert "1 of 2 approvals" in out
    code, out, _ = run(capsys, world.db, "approve", short, "--as", "approver", "--json")
    assert code == 0
    assert json.loads(out)["state"] == "completed"
    assert state_and_status(world.db, outcome) == ("completed", "in_repair")


def test_segregation_holds_on_the_command_line(
    pending: tuple[World, ProcedureOutcome], capsys: pytest.CaptureFixture[str]
) -> None:
    world, outcome = pending
    pid = str(outcome.procedure_id)
    code, _, err = run(capsys, world.db, "approve", pid, "--as", "tech2")
    assert code == 2
    assert "same group as Tess Tech, who performs it (Service desk)" in err
    code, _, err = run(capsys, world.db, "approve", pid, "--as", "tech")
    assert "their own procedure" in err
    with pytest.raises(SystemExit):  # argparse: --comment is required to reject
        run(capsys, world.db, "reject", pid, "--as", "approver")
    code, _, err = run(capsys, world.db, "reject", pid, "--as", "approver", "--comment", " ")
    assert code == 2
    assert "comment" in err
    assert state_and_status(world.db, outcome) == ("pending_approval", "in_service")


def test_reject_and_withdraw(
    pending: tuple[World, ProcedureOutcome], capsys: pytest.CaptureFixture[str]
) -> None:
    world, outcome = pending
    pid = str(outcome.procedure_id)
    code, _, err = run(capsys, world.db, "withdraw", pid, "--as", "approver")
    assert code == 2
    assert "only the person who requested it" in err
    code, out, _ = run(capsys, world.db, "withdraw", pid, "--as", "tech", "--reason", "typo")
    assert code == 0
    assert "Withdrew" in out
    assert state_and_status(world.db, outcome) == ("cancelled", "in_service")
    code, _, err = run(capsys, world.db, "reject", pid, "--as", "approver", "--comment", "no")
    assert code == 2
    assert "withdrawn" in err


def test_a_conflict_is_reported_with_its_own_exit_status(
    pending: tuple[World, ProcedureOutcome], capsys: pytest.CaptureFixture[str]
) -> None:
    world, outcome = pending
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-1",
            values={"status": "missing"},
            answers={"change_type": "Other"},
        ),
    )
    pid = str(outcome.procedure_id)
    run(capsys, world.db, "approve", pid, "--as", "infra")
    code, out, _ = run(capsys, world.db, "approve", pid, "--as", "approver")
    assert code == 3
    assert "could not be applied" in out
    assert "Status: wanted 'In repair', now 'Missing'" in out
    assert state_and_status(world.db, outcome) == ("conflict", "missing")


def test_a_custom_field_is_titled_as_its_category_names_it(
    pending: tuple[World, ProcedureOutcome], tmp_path: object
) -> None:
    """newuser6: ``procedure change`` and ``approvals list`` titled the laptops' "RAM (GB)"
    by its key ("Ram gb", "custom.ram_gb") while the asset's details say "RAM (GB)"."""
    import os
    import subprocess
    import sys

    world, _outcome = pending
    url = world.db.url.render_as_string(hide_password=False)
    env = {k: v for k, v in os.environ.items() if k != "ASSETDESK_DATABASE"}

    def assetdesk(*argv: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "ui.cli.main", "--database", url, *argv],
            capture_output=True, text=True, env=env, check=False, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    out = assetdesk("procedure", "change", "LAP-1", "--set", "custom.ram_gb=32",
                    "--answer", "change_type=Upgrade", "--impact", "high",
                    "--likelihood", "high", "--reason", "more memory", "--as", "tech")  # fmt: skip
    assert "RAM (GB): — → 32" in out and "Ram gb" not in out
    listed = assetdesk("approvals", "list", "--as", "infra")
    assert "RAM (GB): — → 32" in listed
    assert "ram_gb" not in listed and "Ram gb" not in listed
