"""What ``assetdesk kit sync`` says of each record, run as a person runs it: procedures
recorded with ``assetdesk procedure`` in the kit (and on the server), then ``kit sync``
and ``kit conflicts`` as subprocesses.

A conflict on a category's own field names it as the category does: a technician who set a laptop's RAM to 32 in the kit while the server set it to 24 read
"the server changed Ram gb to “24” meanwhile" in the sync's results and "Ram gb" in the
conflict queue, under an asset detail that calls the field "RAM (GB)".
"""

from __future__ import annotations

import shlex
from pathlib import Path

from tests.backends import make_database
from tests.factories import World
from tests.ui.kits.test_kit_cli import (
    _checkout,
    _fill,
    assetdesk,
    ok,
    ok_json,
    one_line_failure,
    source,
)

__all__ = ["source"]  # the fixture, imported for the tests below


def _set_ram(database: Path | str, gigabytes: int, by: str) -> None:
    ok(
        "--database",
        database,
        "procedure",
        "change",
        "LAP-1003",
        "--set",
        f"custom.ram_gb={gigabytes}",
        "--answer",
        "change_type=Upgrade",
        "--as",
        by,
    )


def test_a_conflict_on_a_custom_field_is_titled_as_the_category_names_it(
    source: tuple[Path, World], tmp_path: Path
) -> None:
    path, _world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)
    _set_ram(kit, 32, "tech")  # offline
    _set_ram(path, 24, "tech2")  # meanwhile, on the server

    report = ok_json("kit", "sync", kit)
    (result,) = report["results"]
    assert result["outcome"] == "conflict"
    assert "the server changed RAM (GB) to “24” meanwhile" in result["reason"], result
    assert "Ram gb" not in result["reason"]

    (conflict,) = ok_json("--database", path, "kit", "conflicts")
    (field,) = conflict["fields"]
    assert field["field"] == "custom.ram_gb"
    assert field["label"] == "RAM (GB)"
    assert (field["base_text"], field["server_text"], field["kit_text"]) == ("", "24", "32")
    listing = ok("--database", path, "kit", "conflicts")
    assert "RAM (GB)" in listing and "Ram gb" not in listing


def test_a_procedure_waiting_for_approvers_says_how_many_in_words(
    source: tuple[Path, World], tmp_path: Path
) -> None:
    """The sync said "waits for 2 approval(s) on the server"."""
    path, _world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)
    ok("--database", kit, "procedure", "decommission", "LAP-1003",
       "--set", "location=Branch store",
       "--answer", "sanitisation_method=Purge: cryptographic erase (NIST SP 800-88)",
       "--answer", "evidence_reference=WIPE-9", "--check", "accounts_removed",
       "--as", "tech")  # fmt: skip
    (result,) = ok_json("kit", "sync", kit)["results"]
    assert result["outcome"] == "pending approval", result
    assert result["reason"] == "waits for 2 approvals on the server"


def test_the_command_to_settle_conflicts_is_typed_as_a_person_types_it(tmp_path: Path) -> None:
    """After a sync from a PostgreSQL server the command to copy read ``assetdesk
    --database postgresql+psycopg://postgres@127.0.0.1:5432/… kit conflicts``: the URL
    carried the driver's name. It is the URL as typed, and the command runs as printed."""
    made = make_database("postgresql", tmp_path, tmp_path)
    database = next(made)
    try:
        _fill(database)
        url = database.url.render_as_string(hide_password=False)
        typed = url.replace("postgresql+psycopg://", "postgresql://")
        kit = tmp_path / "pg.adkit"
        ok("--database", typed, "kit", "checkout", "--scope", "Room A2", "--as", "tech", "-o", kit)
        _set_ram(kit, 32, "tech")
        _set_ram(typed, 24, "tech2")
        text = ok("kit", "sync", kit)
        (line,) = [x for x in text.splitlines() if x.startswith("Settle the conflict with: ")]
        command = shlex.split(line.removeprefix("Settle the conflict with: "))
        assert command[:2] == ["assetdesk", "--database"]
        assert command[2] == typed and "+psycopg" not in line
        (conflict,) = ok_json(*command[1:])
        assert conflict["asset_tag"] == "LAP-1003"
    finally:
        for _ in made:  # drops the server database
            pass


def test_a_busy_register_file_is_named_once(source: tuple[Path, World], tmp_path: Path) -> None:
    """``kit sync`` while another program holds the register's write lock (a long import
    from the command line): after the busy timeout it said "Cannot reach the database the
    kit came from (local file …/a.db): The database local file …/a.db
    (sqlite:////…/a.db) is busy…" — the file three times (newuser25). A local file's URL
    only repeats its path: named twice now (the kit's source, the busy database), and
    nothing is synced."""
    import sqlite3

    path, _world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)
    _set_ram(kit, 32, "tech")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        line = one_line_failure(assetdesk("kit", "sync", kit), "is busy")
    finally:
        writer.close()
    assert line.count(str(path)) <= 2, line
    assert "sqlite:" not in line, line
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 1  # nothing synced
