"""``assetdesk templates``: a one-person local file sets decommission and disposal to need
no approval and then completes them (new-user finding 1), through the CLI as a subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import select

from desktop.storage.database import Database
from desktop.storage.models import Asset, ProcedureTemplate
from tests.cli_run import run_cli
from tests.factories import seed_world


def run(tmp_path: Path, database: str, *argv: str) -> subprocess.CompletedProcess[str]:
    config = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    return run_cli(*argv, database=database, env=config, cwd=tmp_path, timeout=120)


def test_a_solo_local_file_sets_retirement_to_never_and_completes_it(tmp_path: Path) -> None:
    database = str(tmp_path / "solo.sqlite3")
    assert run(tmp_path, database, "db", "upgrade").returncode == 0
    sheet = tmp_path / "solo.csv"
    sheet.write_text(
        "Asset tag,Name,Category,Location,Status\nSOLO-0001,Solo laptop,Laptop,Office,In stock\n",
        encoding="utf-8",
    )
    assert run(tmp_path, database, "import", str(sheet)).returncode == 0
    listing = run(tmp_path, database, "templates", "list")
    assert listing.returncode == 0, listing.stderr
    assert any(
        line.startswith("decommission") and "always, 2 approvers" in line
        for line in listing.stdout.splitlines()
    ), listing.stdout
    for kind in ("decommission", "dispose"):
        done = run(tmp_path, database, "templates", "set-approval", kind, "--approvers", "never")
        assert done.returncode == 0, done.stderr
        # Version 1 is 0002's, version 2 migration 0018's (its evidence field takes scans).
        assert done.stdout.strip() == f"{kind}: approval never (template version 3)"
    decommission = run(
        tmp_path,
        database,
        "procedure",
        "decommission",
        "SOLO-0001",
        "--answer",
        "sanitisation_method=No data-bearing media",
        "--answer",
        "evidence_reference=N/A",
        "--check",
        "accounts_removed",
    )
    assert decommission.returncode == 0, decommission.stderr
    dispose = run(
        tmp_path,
        database,
        "procedure",
        "dispose",
        "SOLO-0001",
        "--answer",
        "disposal_method=Certified recycling (WEEE / R2 / e-Stewards)",
        "--answer",
        "certificate_number=C-1",
    )
    assert dispose.returncode == 0, dispose.stderr
    db = Database(f"sqlite:///{database}")
    try:
        with db.read() as s:
            status = s.execute(select(Asset.status).where(Asset.tag == "SOLO-0001")).scalar_one()
            versions = s.execute(
                select(ProcedureTemplate.version_number, ProcedureTemplate.is_current).where(
                    ProcedureTemplate.kind == "decommission"
                )
            ).all()
    finally:
        db.dispose()
    assert status == "disposed"
    assert sorted(versions) == [(1, False), (2, False), (3, True)]  # old versions stay


def test_only_an_administrator_sets_approvals_and_bad_values_are_named(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    url = sqlite_db.url.render_as_string(hide_password=False)
    refused = run(
        tmp_path,
        url,
        "templates",
        "set-approval",
        "dispose",
        "--approvers",
        "never",
        "--as",
        "tech",
    )
    assert refused.returncode == 2, refused.stdout
    assert "administrator" in refused.stderr, refused.stderr
    wrong = run(
        tmp_path,
        url,
        "templates",
        "set-approval",
        "dispose",
        "--approvers",
        "lots",
        "--as",
        "admin",
    )
    assert wrong.returncode == 2
    assert "'lots' is not a number of approvers (0–9) or 'never'" in wrong.stderr
    nowhere = run(
        tmp_path,
        url,
        "templates",
        "set-approval",
        "dispose",
        "--category",
        "Spaceship",
        "--approvers",
        "1",
        "--as",
        "admin",
    )
    assert nowhere.returncode != 0
    assert "there is no category called 'Spaceship'" in nowhere.stderr
    laptop = run(
        tmp_path,
        url,
        "templates",
        "set-approval",
        "dispose",
        "--category",
        "Laptop",
        "--approvers",
        "1",
        "--as",
        "admin",
    )
    assert laptop.returncode == 0, laptop.stderr
    assert (
        laptop.stdout.strip()
        == "dispose for Laptop: approval always, 1 approver (template version 1)"
    )
    listing = run(tmp_path, url, "templates", "list").stdout
    assert "dispose            Laptop" in listing, listing
    with sqlite_db.read() as s:
        general = s.execute(
            select(ProcedureTemplate.definition).where(
                ProcedureTemplate.kind == "dispose",
                ProcedureTemplate.scope_key == "",
                ProcedureTemplate.is_current.is_(True),
            )
        ).scalar_one()
    assert general["approval"]["approvers"] == 2  # the general template is untouched


def test_set_scan_lets_a_text_field_take_scans_and_says_what_cannot(tmp_path: Path) -> None:
    """``templates set-scan receive delivery_reference``: a new template version whose
    delivery note takes a scan, shown by ``templates list``; --off undoes it; a choice
    field or an unknown one is refused with a message naming it, nothing written."""
    database = str(tmp_path / "scan.sqlite3")
    assert run(tmp_path, database, "db", "upgrade").returncode == 0
    done = run(tmp_path, database, "templates", "set-scan", "receive", "Delivery_Reference")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("receive: delivery_reference takes a scan (template version 2)")
    listing = run(tmp_path, database, "templates", "list").stdout
    receive = next(line for line in listing.splitlines() if line.startswith("receive"))
    assert receive.endswith("text fields: delivery_reference (takes scans)"), receive
    off = run(tmp_path, database, "templates", "set-scan", "receive", "delivery_reference", "--off")
    assert off.stdout.strip() == "receive: delivery_reference ignores scans (template version 3)"

    choice = run(tmp_path, database, "templates", "set-scan", "change", "change_type")
    assert choice.returncode != 0
    assert "'change_type' is a choice field: only a text field can take a scan" in choice.stderr
    unknown = run(tmp_path, database, "templates", "set-scan", "install", "nope")
    assert unknown.returncode != 0
    assert "the install template has no field 'nope' (its fields: hostname)" in unknown.stderr
    db = Database(f"sqlite:///{database}")
    try:
        with db.read() as session:
            versions = session.execute(
                select(ProcedureTemplate.kind, ProcedureTemplate.version_number).where(
                    ProcedureTemplate.is_current.is_(True),
                    ProcedureTemplate.kind.in_(["change", "install"]),
                )
            ).all()
    finally:
        db.dispose()
    assert sorted(versions) == [("change", 1), ("install", 1)]
