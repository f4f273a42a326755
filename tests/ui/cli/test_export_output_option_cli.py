"""``assetdesk export -o OUT``: the file named as ``labels``, ``kit checkout`` and
``audit report`` name theirs.

The lead's new-user pass (2026-12-07): after ``kit checkout … -o kit.db`` and
``labels … -o labels.pdf``, ``assetdesk export -o all.csv`` answered "unrecognized
arguments: -o" and wrote nothing. Both spellings write the file; two different files,
or none, are refused in one line. Run as a subprocess.
"""

from __future__ import annotations

import csv
from pathlib import Path

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def _tags(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row[0] for row in list(csv.reader(handle))[1:]]


def test_export_takes_its_file_after_o_as_the_other_commands_do(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1", name="Finance laptop")

    for option in ("-o", "--output"):
        out = tmp_path / f"all{option}.csv"
        done = run_cli("export", option, str(out), "--as", "tech", database=sqlite_db)
        assert done.returncode == 0, done.stderr
        assert _tags(out) == ["LAP-1"]

    # A file that exists is replaced only with --overwrite, however it is named.
    again = run_cli("export", "-o", str(out), "--as", "tech", database=sqlite_db)
    assert again.returncode != 0 and "exists already" in again.stderr
    assert "Traceback" not in again.stderr
    again = run_cli("export", "-o", str(out), "--overwrite", "--as", "tech", database=sqlite_db)
    assert again.returncode == 0, again.stderr

    plain = tmp_path / "plain.csv"
    done = run_cli("export", str(plain), "--as", "tech", database=sqlite_db)
    assert done.returncode == 0, done.stderr
    assert _tags(plain) == ["LAP-1"]


def test_export_refuses_two_files_or_none_in_one_line(sqlite_db: Database, tmp_path: Path) -> None:
    seed_world(sqlite_db).receive(tag="LAP-1", name="Finance laptop")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"

    done = run_cli("export", str(first), "-o", str(second), database=sqlite_db)
    assert done.returncode != 0
    assert "two files named" in done.stderr and "Traceback" not in done.stderr
    assert not first.exists() and not second.exists()

    done = run_cli("export", "--as", "tech", database=sqlite_db)
    assert done.returncode != 0
    assert "name the file to write" in done.stderr and "Traceback" not in done.stderr
