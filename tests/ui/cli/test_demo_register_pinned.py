"""The register a seed makes is the one it made before: every speed change of the demo
keeps it, row for row (issue 17: a speed change keeps an equivalence test).

``assetdesk demo --assets 4500 --seed 7 --today 2026-11-30`` — large enough that the
command line forks a worker and makes chunks in both processes — is compared, table by
table, with the digests in ``tests/data/demo/register_seed7_4500.json``, recorded from
main at 7624dd2 (2026-12-07) before the changes of that day's session demo18. The rows
are compared as :func:`tests.ui.cli.test_demo_seed_cli.canonical` writes them (ids
replaced by labels made from what they name, the reference data's wall-clock columns
left out), each table by the columns it had then, so that a column added later by a
migration does not count; the search index by its rows in rank order.

A deliberate change of the data (another distribution, a fixed bug) makes new digests:
record them with ``uv run python -m tests.ui.cli.test_demo_register_pinned`` and say in
the commit why the rows changed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.cli_run import run_cli
from tests.ui.cli.test_demo_seed_cli import canonical

PINNED = Path(__file__).resolve().parents[2] / "data" / "demo" / "register_seed7_4500.json"
ARGV = ("demo", "--assets", "4500", "--seed", "7", "--today", "2026-11-30")
#: The tables the demo writes (and those their rows name: roles, procedure templates).
TABLES = (
    "groups",
    "people",
    "group_memberships",
    "person_roles",
    "roles",
    "locations",
    "categories",
    "tag_sequences",
    "manufacturers",
    "asset_models",
    "suppliers",
    "procedure_templates",
    "assets",
    "procedures",
    "approvals",
    "incidents",
    "incident_assets",
    "incident_events",
)
_SEARCH = "SELECT id, c0, c1, c2, c3, c4, c5 FROM asset_search_content ORDER BY id"


def register(database: Path, columns: dict[str, list[str]]) -> dict[str, Any]:
    """Per table its row count and the digest of its canonical rows; the search index's."""
    rows = canonical(database, columns)
    found: dict[str, Any] = {
        name: {"rows": len(rows[name]), "sha1": _digest(rows[name])} for name in sorted(rows)
    }
    with sqlite3.connect(database) as connection:
        index = [repr(row) for row in connection.execute(_SEARCH)]
    found["asset_search_content"] = {"rows": len(index), "sha1": _digest(index)}
    return found


def _digest(lines: list[str]) -> str:
    return hashlib.sha1("\n".join(lines).encode()).hexdigest()


def _demo(database: Path) -> None:
    # a forked worker whatever else runs on the machine (under load the demo makes
    # everything in its own process, desktop.demo.fill._workers)
    done = run_cli(*ARGV, database=database, env={"ASSETDESK_DEMO_WORKERS": "on"}, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the demo forks its worker on Linux only"
)
def test_a_seed_makes_the_register_it_made_before(tmp_path: Path) -> None:
    pinned = json.loads(PINNED.read_text())
    _demo(tmp_path / "demo.sqlite3")
    found = register(tmp_path / "demo.sqlite3", pinned["columns"])
    changed = [name for name in pinned["tables"] if found[name] != pinned["tables"][name]]
    assert changed == [], f"rows changed in {changed}: {found}"


def record() -> None:
    """Write :data:`PINNED` from the demo as it is (each table's columns as they are)."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "demo.sqlite3"
        _demo(database)
        with sqlite3.connect(database) as connection:
            columns = {
                name: [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
                for name in TABLES
            }
        tables = register(database, columns)
    PINNED.write_text(json.dumps({"columns": columns, "tables": tables}, indent=1) + "\n")


if __name__ == "__main__":
    record()
