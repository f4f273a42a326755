"""``assetdesk export OUT`` on a file that exists: refused, naming it, unless --overwrite
(it replaced last week's edited copy without a word, found by newuser16; ``db backup``
and the window's Export ask the same way). Run as a subprocess; the file is read back.
"""

from __future__ import annotations

import csv
from pathlib import Path

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _tags(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row["Asset tag"] for row in csv.DictReader(handle)]


def test_an_existing_file_is_replaced_only_with_overwrite(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    out = tmp_path / "register.csv"
    edited = "Asset tag,Name\nLAP-1,Edited in a spreadsheet program\n"
    out.write_text(edited, encoding="utf-8")

    refused = run_cli("export", str(out), database=sqlite_db, timeout=120)
    assert refused.returncode == 2, refused.stderr  # as every refusal the user can fix
    assert refused.stderr.strip() == (
        f"assetdesk: {out} exists already; choose another name or pass --overwrite to replace it"
    )
    assert "Traceback" not in refused.stderr
    assert out.read_text(encoding="utf-8") == edited  # untouched

    done = run_cli("export", str(out), "--overwrite", database=sqlite_db, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _tags(out) == ["LAP-1"]
