"""An import that retires an existing asset gives the form's evidence, or the row is refused.

A new user's finding (2026-12-06): ``Asset Tag,Status`` / ``LAP-000002,Archived`` recorded
a decommission with no data-sanitisation method and no evidence reference, pending (or
silently completed with approvals "never"), though the form refuses without them. Through
``assetdesk import`` as a subprocess, with a real CSV file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from desktop.storage.models import Procedure
from tests.approval_templates import set_approval_rule
from tests.cli_run import run_cli
from tests.factories import World, seed_world

METHOD = "sanitisation_method=Purge: cryptographic erase (NIST SP 800-88)"
EVIDENCE = "evidence_reference=WIPE-2026-114"


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def _register(db: Database) -> World:
    world = seed_world(db)
    world.receive(tag="LAP-000001", name="Kept")
    world.receive(tag="LAP-000002", name="Retired")
    return world


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "retire.csv"  # as a spreadsheet program saves it: BOM, CRLF
    path.write_bytes(
        "\ufeffAsset Tag,Name,Status\r\nLAP-000001,Kept renamed,\r\nLAP-000002,,Archived\r\n".encode()
    )
    return path


def _procedures(db: Database, tag: str) -> list[tuple[str, str, dict[str, object]]]:
    with db.read() as s:
        asset_id = asset_detail(s, tag=tag).row.id
        found = s.scalars(
            select(Procedure).where(Procedure.asset_id == asset_id).order_by(Procedure.performed_at)
        )
        return [(p.kind, p.state, dict(p.answers)) for p in found]


def test_a_retirement_without_its_evidence_is_refused_naming_row_and_question(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _register(sqlite_db)
    set_approval_rule(sqlite_db, ProcedureKind.DECOMMISSION, mode="never")  # the silent case
    path = _file(tmp_path)

    dry = assetdesk(sqlite_db, "import", str(path), "--dry-run", "--as", "tech")
    assert dry.returncode == 1, dry.stdout + dry.stderr
    out = dry.stdout + dry.stderr
    assert (
        "row 3, Status: asset LAP-000002: the decommission this row records needs "
        "'Data sanitisation method' (sanitisation_method), which the import is not given"
    ) in out
    assert "--answer sanitisation_method=VALUE" in out
    assert "--answer evidence_reference=VALUE" in out

    refused = assetdesk(sqlite_db, "import", str(path), "--as", "tech")
    assert refused.returncode != 0
    assert "Nothing was imported" in refused.stdout + refused.stderr
    assert [k for k, _, _ in _procedures(sqlite_db, "LAP-000002")] == ["receive"]
    with sqlite_db.read() as s:
        assert asset_detail(s, tag="LAP-000001").row.name == "Kept"

    # The rest of the file imports when the user chooses so; the retirement does not.
    valid = assetdesk(sqlite_db, "import", str(path), "--valid-only", "--as", "tech")
    assert valid.returncode in (0, 1), valid.stdout + valid.stderr
    with sqlite_db.read() as s:
        assert asset_detail(s, tag="LAP-000001").row.name == "Kept renamed"
        assert asset_detail(s, tag="LAP-000002").row.status == "in_stock"
    assert [k for k, _, _ in _procedures(sqlite_db, "LAP-000002")] == ["receive"]


def test_the_answers_given_are_recorded_on_the_decommission(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _register(sqlite_db)
    set_approval_rule(sqlite_db, ProcedureKind.DECOMMISSION, mode="never")
    path = _file(tmp_path)

    wrong = assetdesk(
        sqlite_db, "import", str(path), "--dry-run", "--answer", "sanitisation_method=wiped",
        "--answer", EVIDENCE, "--as", "tech",
    )  # fmt: skip
    assert wrong.returncode == 1
    assert (
        "row 3, Status: asset LAP-000002: the decommission this row records cannot record "
        "'wiped' for sanitisation_method"
    ) in wrong.stdout
    assert "'wiped' is not one of Clear: overwrite" in wrong.stdout

    done = assetdesk(
        sqlite_db, "import", str(path), "--answer", METHOD, "--answer", EVIDENCE, "--as", "tech"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite_db.read() as s:
        assert asset_detail(s, tag="LAP-000002").row.status == "decommissioned"
    kind, state, answers = _procedures(sqlite_db, "LAP-000002")[-1]
    assert (kind, state) == ("decommission", "completed")
    assert answers["sanitisation_method"] == "Purge: cryptographic erase (NIST SP 800-88)"
    assert answers["evidence_reference"] == "WIPE-2026-114"


def test_a_pending_decommission_and_a_disposal_ask_too(sqlite_db: Database, tmp_path: Path) -> None:
    _register(sqlite_db)  # the shipped rule: a decommission waits for 2 approvals
    path = tmp_path / "dispose.csv"
    path.write_text("Asset Tag,Status\nLAP-000002,Archived\nLAP-000001,Disposed\n")
    set_approval_rule(sqlite_db, ProcedureKind.DECOMMISSION, mode="never")
    set_approval_rule(sqlite_db, ProcedureKind.DISPOSE, mode="always", approvers=2)

    dry = assetdesk(
        sqlite_db, "import", str(path), "--dry-run", "--answer", METHOD, "--answer", EVIDENCE,
        "--json", "--as", "tech",
    )  # fmt: skip
    payload = json.loads(dry.stdout)
    assert payload["answers_for_all_rows"]["evidence_reference"] == "WIPE-2026-114"
    assert {(e["row"], e["column"]) for e in payload["errors"]} == {(3, "Status")}
    text = json.dumps(payload["errors"])
    assert "disposal_method" in text and "certificate_number" in text
    assert "LAP-000002" not in text  # its decommission is answered

    done = assetdesk(
        sqlite_db, "import", str(path), "--answer", METHOD, "--answer", EVIDENCE,
        "--answer", "disposal_method=Resale", "--answer", "certificate_number=CERT-9",
        "--as", "tech",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    recorded = _procedures(sqlite_db, "LAP-000001")[-2:]
    assert [(k, s) for k, s, _ in recorded] == [
        ("decommission", "completed"),
        ("dispose", "pending_approval"),
    ]
    assert recorded[1][2]["certificate_number"] == "CERT-9"
    assert recorded[1][2]["disposal_method"] == "Resale"


def test_the_same_file_again_while_its_retirement_waits_changes_nothing(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """newuser13: a GLPI file's "Rebut" row left its decommission waiting for the two
    approvers; the same file imported again refused the whole file ("a decommission of
    INV-0004 already waits for approval … cancel it first"). The row asks for what
    already waits: it is unchanged, said on the row, and the rest of the file imports."""
    _register(sqlite_db)  # the shipped rule: a decommission waits for 2 approvals
    path = tmp_path / "retire.csv"
    path.write_text("Asset Tag,Name,Status\nLAP-000001,Kept,\nLAP-000002,,Archived\n")
    first = assetdesk(
        sqlite_db, "import", str(path), "--answer", METHOD, "--answer", EVIDENCE, "--as", "tech"
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert [(k, s) for k, s, _ in _procedures(sqlite_db, "LAP-000002")][-1] == (
        "decommission",
        "pending_approval",
    )

    path.write_text("Asset Tag,Name,Status\nLAP-000001,Kept renamed,\nLAP-000002,,Archived\n")
    again = assetdesk(
        sqlite_db, "import", str(path), "--answer", METHOD, "--answer", EVIDENCE, "--as", "tech"
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 update, 1 unchanged, 0 conflicts, 0 errors" in again.stdout
    assert (
        "a decommission of LAP-000002 already waits for approval, as this row asks: left as "
        "it is (the approvers decide it)" in again.stdout
    )
    with sqlite_db.read() as s:
        assert asset_detail(s, tag="LAP-000001").row.name == "Kept renamed"
        assert asset_detail(s, tag="LAP-000002").row.status == "in_stock"
    assert [(k, s) for k, s, _ in _procedures(sqlite_db, "LAP-000002")] == [
        ("receive", "completed"),
        ("decommission", "pending_approval"),
    ]
