"""``assetdesk procedure KIND TAG...`` run as a subprocess: the form's rules, all or nothing.

The same service as the procedure form records each procedure, so the template's
questions and checklist, the lifecycle, the roles and the approval rule all apply. All
tags are recorded in one transaction: a refused tag leaves the database as it was.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.services.approvals import pending_approvals
from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.backends import make_database
from tests.cli_run import run_cli
from tests.factories import World, seed_world


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli("procedure", *argv, database=db, timeout=120)


def snapshot(db: Database) -> tuple[int, int, list[tuple[str, str, int]]]:
    """Procedures, assets, and every asset's (tag, status, version): what must not move."""
    with db.read() as s:
        procedures = s.execute(select(func.count()).select_from(Procedure)).scalar_one()
        assets = s.execute(select(Asset.tag, Asset.status, Asset.version).order_by(Asset.tag))
        rows = [tuple(r) for r in assets]
        return procedures, len(rows), rows  # type: ignore[return-value]


def stored(session: Session, tag: str) -> Asset:
    return session.execute(select(Asset).where(Asset.tag == tag)).scalar_one()


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-2", "LAP-3"):
        world.receive(tag=tag)
    return world


INSTALL = ("--set", "location=ROOM-A2", "--set", "Assigned to=una@example.org")
INSTALL_CHECKS = ("--check", "powers_on", "--check", "handover", "--ticket", "INC-7")


def test_install_several_assets_in_one_go(world: World) -> None:
    done = assetdesk(world.db, "install", "LAP-1", "LAP-2", *INSTALL, *INSTALL_CHECKS, "--as",
                     "tech", "--json")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["recorded"] is True
    assert [(p["tag"], p["kind"], p["state"]) for p in payload["procedures"]] == [
        ("LAP-1", "install", "completed"),
        ("LAP-2", "install", "completed"),
    ]
    changes = {
        c["field"]: (c["before_text"], c["after_text"]) for c in payload["procedures"][0]["changes"]
    }
    assert changes == {
        "status": ("In stock", "In service"),
        "location": ("Room A1", "Room A2"),
        "assigned_to": ("", "Una User"),
    }
    with world.db.read() as s:
        for tag, procedure in zip(("LAP-1", "LAP-2"), payload["procedures"], strict=True):
            asset = stored(s, tag)
            assert (asset.status, asset.location_id) == ("in_service", world.room_b)
            assert asset.assigned_to_id == world.people["user"]
            (install,) = [h for h in asset_detail(s, tag=tag).history if h.kind == "install"]
            assert str(install.procedure_id) == procedure["procedure_id"]
            assert (install.origin, install.ticket_ref) == ("command_line", "INC-7")
        assert stored(s, "LAP-3").status == "in_stock"


def test_one_refused_tag_records_nothing_and_every_refusal_is_named(world: World) -> None:
    world.install("LAP-2")  # already in service: it cannot be installed again
    before = snapshot(world.db)
    refused = assetdesk(world.db, "install", "LAP-1", "LAP-2", "LAP-404", *INSTALL, "--check",
                        "powers_on", "--as", "tech")  # fmt: skip
    assert refused.returncode == 2
    message = refused.stderr.strip()
    assert message.startswith("assetdesk: nothing was recorded: asset LAP-1: handover: checklist: ")
    assert (
        "must be done; status: the asset is already in service: give it with --check "
        "handover; " in message
    )
    assert message.endswith("asset LAP-404: there is no asset with the tag 'LAP-404'")
    assert "Traceback" not in refused.stdout + refused.stderr
    assert snapshot(world.db) == before


def test_a_procedure_that_needs_approval_is_pending_and_the_asset_stays(world: World) -> None:
    world.install("LAP-1")
    before = snapshot(world.db)
    done = assetdesk(
        world.db, "decommission", "LAP-1",
        "--answer", "sanitisation_method=Purge: cryptographic erase (NIST SP 800-88)",
        "--answer", "evidence_reference=WIPE-9", "--check", "accounts_removed",
        "--set", "location=Branch store", "--reason", "end of life", "--as", "tech",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LAP-1: decommission " in done.stdout
    assert "is pending: it waits for 2 approvals (assetdesk approvals list)" in done.stdout
    after = snapshot(world.db)
    assert after[0] == before[0] + 1 and after[2] == before[2]  # the asset is as it was
    with world.db.read() as s:
        (pending,) = pending_approvals(s)
    assert (pending.asset_tag, pending.kind, pending.approvals_required) == (
        "LAP-1",
        "decommission",
        2,
    )


def test_receive_new_tags_or_allocated_ones(world: World) -> None:
    receive = ("--set", "category=Laptop", "--set", "location=Room A1", "--set", "name=Loaner",
               "--check", "inspected", "--check", "contents_match", "--as", "tech", "--json")  # fmt: skip
    named = assetdesk(world.db, "receive", "LAP-50", "LAP-51", "--set", "custom.encrypted=yes",
                      *receive)  # fmt: skip
    assert named.returncode == 0, named.stdout + named.stderr
    assert [p["tag"] for p in json.loads(named.stdout)["procedures"]] == ["LAP-50", "LAP-51"]
    made = assetdesk(world.db, "receive", "--allocate", "2", *receive)
    assert made.returncode == 0, made.stdout + made.stderr
    tags = [p["tag"] for p in json.loads(made.stdout)["procedures"]]
    assert tags == ["LAP-000004", "LAP-000005"]  # LAP-1 to LAP-3 spell 1 to 3: skipped
    with world.db.read() as s:
        assert stored(s, "LAP-50").custom_fields == {"encrypted": True}
        assert stored(s, "LAP-000005").name == "Loaner"

    before = snapshot(world.db)
    taken = assetdesk(world.db, "receive", "LAP-52", "LAP-1", *receive)
    assert taken.returncode == 2
    error = json.loads(taken.stdout)
    assert error["recorded"] is False and error["procedures"] == []
    assert error["error"] == (
        "nothing was recorded: new asset LAP-1: tag: the tag 'LAP-1' is already used by "
        "another asset"
    )
    assert snapshot(world.db) == before


def test_the_role_is_checked_and_bad_input_is_one_line(world: World) -> None:
    before = snapshot(world.db)
    approver = assetdesk(world.db, "change", "LAP-1", "--set", "name=X", "--as", "approver")
    assert approver.returncode == 2
    assert approver.stderr.strip() == (
        "assetdesk: Abe Approver (approver) may not record a change procedure: that needs the "
        "technician or administrator role; they hold approver"
    )
    wrong = assetdesk(world.db, "change", "LAP-1", "--set", "location", "--as", "tech")
    assert wrong.stderr.strip() == "assetdesk: --set: 'location' is not KEY=VALUE"
    nowhere = assetdesk(world.db, "change", "LAP-1", "--set", "location=Mars", "--as", "tech")
    assert nowhere.stderr.strip() == (
        "assetdesk: --set: location: there is no location with the code or name 'Mars'"
    )
    none = assetdesk(world.db, "change", "--set", "name=X", "--as", "tech")
    assert none.stderr.strip() == "assetdesk: name the assets to change by their tags"
    for done in (approver, wrong, nowhere, none):
        assert done.returncode == 2 and "Traceback" not in done.stderr
    assert snapshot(world.db) == before


@pytest.fixture(params=["postgresql", "mariadb"])
def shared(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[World]:
    for db in make_database(request.param, tmp_path, _sqlite_template_dir):
        world = seed_world(db)
        for tag in ("LAP-1", "LAP-2"):
            world.receive(tag=tag)
        yield world


def test_all_or_nothing_on_a_shared_server(shared: World) -> None:
    before = snapshot(shared.db)
    refused = assetdesk(shared.db, "change", "LAP-1", "LAP-2", "--set", "serial_number=SN-1",
                        "--set", "status=disposed", "--as", "tech")  # fmt: skip
    assert refused.returncode == 2, refused.stdout + refused.stderr
    for tag in ("LAP-1", "LAP-2"):
        assert (
            f"asset {tag}: change_type: Type of change is required; status: an asset that is in stock cannot become disposed"
            in refused.stderr
        )
    assert snapshot(shared.db) == before
    done = assetdesk(shared.db, "change", "LAP-1", "LAP-2", "--set", "serial_number=SN-1",
                     "--answer", "change_type=Record correction", "--as", "tech", "--json")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    states = [(p["tag"], p["state"]) for p in json.loads(done.stdout)["procedures"]]
    assert states == [("LAP-1", "completed"), ("LAP-2", "completed")]
    with shared.db.read() as s:
        assert stored(s, "LAP-2").serial_number == "SN-1"


def test_a_choice_is_taken_whatever_its_case(world: World) -> None:
    """``--answer change_type=upgrade`` was refused: "'upgrade' is not one of Move,
    Reassignment, Repair, Upgrade, …" (newuser10). A choice is matched as every pick list
    matches it, accents and case ignored, and recorded as the template spells it; a word
    that is none of them is still refused, naming them."""
    done = assetdesk(world.db, "change", "LAP-1", "--set", "serial_number=SN-9",
                     "--answer", "change_type=upgrade", "--as", "tech", "--json")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    with world.db.read() as s:
        (entry,) = [h for h in asset_detail(s, tag="LAP-1").history if h.kind == "change"]
    assert entry.answers["change_type"] == "Upgrade"

    before = snapshot(world.db)
    wrong = assetdesk(world.db, "change", "LAP-2", "--set", "serial_number=SN-8",
                      "--answer", "change_type=upgrades", "--as", "tech")  # fmt: skip
    assert wrong.returncode == 2
    assert "'upgrades' is not one of Move, Reassignment, Repair, Upgrade" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert snapshot(world.db) == before


def test_a_custom_choice_is_taken_whatever_its_case(world: World) -> None:
    """A category's own choice field (the demo's laptops: Operating system) is matched
    the same way: ``--set "custom.os=windows 11"`` is "Windows 11"."""
    from desktop.services import reference

    with world.db.write() as s:
        reference.create_category(
            s,
            name="Tablet",
            tag_prefix="TAB",
            custom_fields=[
                {"key": "os", "label": "OS", "type": "choice", "choices": ["Windows 11", "iPadOS"]}
            ],
        )
    done = assetdesk(world.db, "receive", "TAB-1", "--set", "category=Tablet",
                     "--set", "location=ROOM-A1", "--set", "custom.os=WINDOWS 11",
                     "--check", "inspected", "--check", "contents_match", "--as", "tech")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    with world.db.read() as s:
        assert stored(s, "TAB-1").custom_fields == {"os": "Windows 11"}


def test_a_question_left_unanswered_says_how_to_answer_it(world: World) -> None:
    """ "change_type: Type of change is required" did not say how to give it from the
    command line, nor its choices (newuser10)."""
    before = snapshot(world.db)
    done = assetdesk(world.db, "change", "LAP-1", "--set", "serial_number=SN-9", "--as", "tech")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        "Type of change is required: give it with --answer change_type=VALUE, one of Move, "
        "Reassignment, Repair, Upgrade, Record correction, Other (nothing was recorded)"
    ) in done.stderr, done.stderr
    assert snapshot(world.db) == before


def test_a_checklist_item_left_unticked_says_how_to_tick_it(world: World) -> None:
    """ "checklist: 'Device and packaging inspected: …' must be done" did not say that it
    is ``--check inspected`` (the lead's new-user pass, 2026-12-07)."""
    before = snapshot(world.db)
    done = assetdesk(world.db, "receive", "LAP-9", "--as", "tech")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "give it with --check inspected; --check contents_match" in done.stderr, done.stderr
    assert snapshot(world.db) == before
