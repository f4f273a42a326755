"""``assetdesk import`` on hostile files, as a user runs it (issue 14 point 8): the process
ends by itself with a non-zero status and one line naming the file — no abort, no
traceback — and the database is as it was, with ``--dry-run``, ``--json`` or neither."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.storage.database import Database
from tests.desktop.spreadsheets import hostile
from tests.factories import seed_world

ROOT = Path(__file__).resolve().parents[3]

#: The worst files: (file name, builder, what the message says).
WORST: tuple[tuple[str, Callable[[Path], Path], str], ...] = (
    ("tiny.xlsx", lambda p: hostile.far_cell(p, dimension="XFD1048576"), "column 16,384"),
    ("grid.xlsx", lambda p: hostile.far_cell_spelled(p, "wide_grid"), "40,000,000 cells"),
    (
        "doubled.xlsx",
        lambda p: hostile.far_cell_spelled(p, "second_address", prefix="x"),
        "damaged",
    ),
    ("wide.xlsx", lambda p: hostile.wide_row(p, 10_000), "at most 2,000 columns"),
    ("laughs.xlsx", hostile.billion_laughs, "declares a DTD or entities"),
    ("bomb.xlsx", lambda p: hostile.lying_sizes(p, declared=0xFFFFFFFF), "would unpack"),
    ("far.ods", lambda p: hostile.ods_far(p, rows=1_048_576, columns=16_384), "far.ods, sheet"),
    ("old.xlsx", lambda p: _bytes(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), "97-2003"),
    (
        "nul.csv",
        lambda p: _bytes(p, b"Asset tag,Name\n" + b"LAP-7,x\n" * 800 + b"LAP-8,a\x00b\n"),
        "NUL character",
    ),
)
MODES: tuple[list[str], ...] = (["--dry-run"], ["--dry-run", "--json"], ["--json"], [])


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_hostile_files_through_the_command_line(sqlite_db: Database, tmp_path: Path) -> None:
    seed_world(sqlite_db).receive(tag="LAP-1", name="Already here")
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    before = _dump(path)
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    for number, (name, build, says) in enumerate(WORST):
        file = build(tmp_path / name)
        mode = MODES[number % len(MODES)]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.cli.main",
                "--database",
                str(path),
                "import",
                str(file),
                "--as",
                "admin",
                *mode,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
            check=False,
        )
        where = f"{name} {mode}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert done.returncode not in (0, 1) and done.returncode > 0, where  # 1: rows rejected
        assert "Traceback" not in done.stdout + done.stderr, where
        errors = done.stderr.strip().splitlines()
        assert len(errors) <= 1, where
        said = errors[0] if errors else ""
        if done.stdout.strip():  # --json: one object, which says why
            said += json.dumps(json.loads(done.stdout))
        assert name in said and says in said, where
    assert _dump(path) == before


def _text_row(number: int, texts: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


def test_a_register_claiming_the_whole_grid_still_imports_its_rows(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Like the gnumeric file in calamine's tests (issue_174.xlsx): the dimension claims
    A1:XFD1048576 and styled empty cells reach ZZ1048576, but only a few rows hold values."""
    seed_world(sqlite_db)
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    rows = [
        _text_row(1, ["Asset Tag", "Asset Name", "Category", "Location"]),
        _text_row(2, ["LAP-501", "Claimed grid one", "Laptop", "Room A1"]),
        _text_row(3, ["LAP-502", "Claimed grid two", "Laptop", "Room A1"]),
        '<row r="1048576"><c r="ZZ1048576" s="0"/><c r="XFD1048576" s="0"></c></row>',
    ]
    sheet = hostile.sheet_xml("".join(rows), dimension="A1:XFD1048576")
    file = hostile.workbook(tmp_path / "claimed.xlsx", sheet)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.cli.main",
            "--database",
            str(path),
            "import",
            str(file),
            "--as",
            "tech",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    connection = sqlite3.connect(path)
    try:
        names = connection.execute(
            "SELECT tag, name FROM assets WHERE tag LIKE 'LAP-50%' ORDER BY tag"
        ).fetchall()
    finally:
        connection.close()
    assert names == [("LAP-501", "Claimed grid one"), ("LAP-502", "Claimed grid two")]
