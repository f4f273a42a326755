"""``assetdesk asset show``: the newest procedures, how many there are, and all on request."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import HISTORY_SHOWN
from desktop.storage.database import open_database
from tests.cli_run import run_cli
from tests.factories import seed_world

CHANGES = HISTORY_SHOWN + 2


def _assetdesk(path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=path, timeout=120)


def test_asset_show_prints_the_newest_procedures_and_all_on_request(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    database = open_database(f"sqlite:///{path}")
    world = seed_world(database)
    world.receive(tag="LAP-42", values={"serial_number": "SN-1"})
    for n in range(CHANGES):
        record_procedure(
            database,
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by="tech",
                asset_tag="LAP-42",
                values={"serial_number": f"SN-{n + 2}"},
                answers={"change_type": "Record correction"},
                reason=f"relabelled {n:02d}",
            ),
        )
    database.dispose()
    total = CHANGES + 1

    shown = _assetdesk(path, "asset", "show", "lap-42")
    assert shown.returncode == 0, shown.stderr
    assert (
        f"History (the newest {HISTORY_SHOWN} of {total} procedures, newest first; times in "
        in (shown.stdout)
    )
    assert f"reason: relabelled {CHANGES - 1:02d}" in shown.stdout
    assert "reason: relabelled 00" not in shown.stdout
    assert f"… {total - HISTORY_SHOWN} older: assetdesk asset show LAP-42 --history all" in (
        shown.stdout
    )

    every = _assetdesk(path, "asset", "show", "LAP-42", "--history", "all")
    assert every.returncode == 0, every.stderr
    assert f"History ({total} procedures, newest first; times in " in every.stdout
    assert "reason: relabelled 00" in every.stdout and "receive" in every.stdout
    assert "older:" not in every.stdout

    three = _assetdesk(path, "asset", "show", "LAP-42", "--history", "3")
    assert f"History (the newest 3 of {total} procedures" in three.stdout

    as_json = _assetdesk(path, "asset", "show", "LAP-42", "--json")
    assert len(json.loads(as_json.stdout)["history"]) == total  # scripts get every one

    wrong = _assetdesk(path, "asset", "show", "LAP-42", "--history", "some")
    assert wrong.returncode != 0
    assert "--history takes a number of procedures or 'all', not 'some'" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_asset_show_titles_the_changed_fields_as_its_fields_above(tmp_path: Path) -> None:
    """The history named the changes by their keys ("assigned_to: — → Alice Kumar",
    "custom.ram_gb: 24 → 48") under fields titled "Assigned to" and "RAM (GB)"."""
    path = tmp_path / "a.sqlite3"
    database = open_database(f"sqlite:///{path}")
    world = seed_world(database)
    world.receive(tag="LAP-42", values={"serial_number": "SN-1"})
    database.dispose()
    changed = _assetdesk(
        path, "procedure", "change", "LAP-42", "--set", "custom.ram_gb=48",
        "--set", "serial_number=SN-2", "--answer", "change_type=Upgrade", "--as", "tech",
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr

    shown = _assetdesk(path, "asset", "show", "LAP-42")
    assert shown.returncode == 0, shown.stderr
    assert "        RAM (GB): 48" in shown.stdout  # the field, as before
    assert "      RAM (GB): — → 48" in shown.stdout
    assert "      Serial number: SN-1 → SN-2" in shown.stdout
    assert "custom.ram_gb" not in shown.stdout and "serial_number" not in shown.stdout
