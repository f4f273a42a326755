"""``--answer KEY=VALUE`` and ``--set FIELD=VALUE`` naming nothing are refused, listing what exists.

A new user's finding (2026-12-06): ``assetdesk import retire.csv --answer
sanitization_method=...`` (American spelling) was silently ignored: the dry run then
said the rows lacked the answer they had just been given. ``assetdesk procedure`` named
an unknown key but not the ones that exist. Each run here is ``assetdesk`` as a
subprocess, on a real CSV file, and leaves the database as it was.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.cli_run import run_cli
from tests.factories import World, seed_world


def assetdesk(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def _world(db: Database) -> World:
    world = seed_world(db)
    world.receive(tag="LAP-000001", name="Kept")
    world.receive(tag="LAP-000002", name="Retired")
    return world


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        return (
            s.execute(select(func.count()).select_from(Asset)).scalar_one(),
            s.execute(select(func.count()).select_from(Procedure)).scalar_one(),
        )


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "retire.csv"  # as a spreadsheet program saves it: BOM, CRLF
    path.write_bytes(
        "\ufeffAsset Tag,Name,Status\r\nLAP-000001,Kept renamed,\r\nLAP-000002,,Archived\r\n".encode()
    )
    return path


def test_import_refuses_an_answer_no_form_asks_naming_the_questions(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _world(sqlite_db)
    before = _counts(sqlite_db)
    path = _csv(tmp_path)
    args = ("--answer", "sanitization_method=No data-bearing media",
            "--answer", "evidence_reference=WIPE-114", "--as", "tech")  # fmt: skip

    for dry in (("--dry-run",), ()):
        run = assetdesk(sqlite_db, "import", str(path), *dry, *args)
        assert run.returncode == 2, run.stdout + run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1, run.stderr
        assert "--answer sanitization_method" in lines[0]
        assert "no procedure an import records asks 'sanitization_method'" in lines[0]
        # the questions that exist are listed, the one meant among them
        assert "sanitisation_method" in lines[0].split("the questions are:")[1]
        assert "evidence_reference" in lines[0]
        assert "Nothing was imported" in lines[0]
    assert _counts(sqlite_db) == before

    as_json = assetdesk(sqlite_db, "import", str(path), "--json", *args)
    assert as_json.returncode == 2
    payload = json.loads(as_json.stdout)
    assert payload["committed"] is False
    assert "sanitization_method" in payload["refused"]
    assert _counts(sqlite_db) == before

    # The right key imports (the guard does not refuse what a form asks).
    right = assetdesk(
        sqlite_db, "import", str(path),
        "--answer", "sanitisation_method=No data-bearing media",
        "--answer", "evidence_reference=WIPE-114", "--as", "tech",
    )  # fmt: skip
    assert right.returncode == 0, right.stdout + right.stderr
    with sqlite_db.read() as s:
        assert s.scalars(select(Asset.name).where(Asset.tag == "LAP-000001")).one() == (
            "Kept renamed"
        )


def test_import_refuses_a_value_for_all_rows_of_no_field(
    sqlite_db: Database, tmp_path: Path
) -> None:
    _world(sqlite_db)
    before = _counts(sqlite_db)
    run = assetdesk(
        sqlite_db, "import", str(_csv(tmp_path)), "--set", "colour=Black", "--as", "tech"
    )
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    assert "'colour' is not a field a value can be given for" in line
    assert "location" in line and "category" in line
    assert _counts(sqlite_db) == before


def test_procedure_refuses_an_unknown_answer_listing_the_form_questions(
    sqlite_db: Database,
) -> None:
    _world(sqlite_db)
    before = _counts(sqlite_db)
    run = assetdesk(
        sqlite_db, "procedure", "decommission", "LAP-000002",
        "--answer", "sanitization_method=No data-bearing media",
        "--answer", "evidence_reference=WIPE-114", "--as", "tech",
    )  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert "'sanitization_method' is not a question of the" in line
    assert "its questions: " in line
    assert "sanitisation_method" in line.split("its questions: ")[1]
    assert _counts(sqlite_db) == before


def test_procedure_refuses_an_unknown_field_listing_the_ones_it_sets(
    sqlite_db: Database,
) -> None:
    _world(sqlite_db)
    before = _counts(sqlite_db)
    run = assetdesk(
        sqlite_db, "procedure", "change", "LAP-000001", "--set", "colour=Black",
        "--answer", "change_type=Record correction", "--as", "tech",
    )  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert "'colour' is not a field of an asset" in line
    assert "(the Change an asset form sets: " in line
    assert "location" in line.split("form sets: ")[1]
    assert _counts(sqlite_db) == before

    check = assetdesk(
        sqlite_db, "procedure", "install", "LAP-000001", "--set", "location=ROOM-A2",
        "--check", "powers_on", "--check", "handed_over", "--as", "tech",
    )  # fmt: skip
    assert check.returncode == 2
    (line,) = check.stderr.strip().splitlines()
    assert "'handed_over' is not a checklist item of the" in line
    assert "handover" in line.split("its items: ")[1]
    assert _counts(sqlite_db) == before
