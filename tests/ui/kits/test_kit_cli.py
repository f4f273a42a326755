"""``assetdesk kit ...`` run as a subprocess, as a person or a script runs it (issue 16,
point 6): check out a scope, look at the kit, work in it, preview and sync, list and
settle conflicts — and one clear line with a non-zero exit for what cannot be done.

The source database is a local file here (a kit can be checked out from one, for testing
and for handing a site between two laptops); the last tests use PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Asset, Incident, Procedure
from tests.backends import make_database, server_for
from tests.factories import World, seed_world

PASSWORD = "kit-secret-not-kept"
#: Received into Room A2 (the kit's scope) and Room A1 (outside it).
IN_SCOPE = ("LAP-1001", "LAP-1002", "LAP-1003")
OUT_OF_SCOPE = ("LAP-2001",)


def assetdesk(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("ASSETDESK_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *map(str, argv)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )


def ok(*argv: str | Path) -> str:
    done = assetdesk(*argv)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done.stdout


def ok_json(*argv: str | Path) -> Any:
    return json.loads(ok(*argv, "--json"))


def one_line_failure(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("assetdesk: ")
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _fill(database: Database) -> World:
    world = seed_world(database)
    for tag in IN_SCOPE:
        world.receive(tag=tag, values={"location": world.room_b})
    for tag in OUT_OF_SCOPE:
        world.receive(tag=tag)
    return world


@pytest.fixture
def source(tmp_path: Path, sqlite_db: Database) -> tuple[Path, World]:
    """A local register file: three laptops in Room A2, one in Room A1."""
    world = _fill(sqlite_db)
    path = sqlite_db.sqlite_path
    assert path is not None
    return path, world


def _change_location(db: Database, tag: str, location: object, by: str = "tech") -> None:
    """Set-up: a move recorded through the services (the form's door is tested elsewhere)."""
    record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=by,
            asset_tag=tag,
            values={"location": location},
            answers={"change_type": "Move"},
        ),
    )


def _checkout(source: Path, kit: Path) -> str:
    return ok(
        "--database", source, "kit", "checkout", "--scope", "ROOM-A2", "--as", "tech", "-o", kit
    )


def checked_out(database: Database, kit: Path) -> Path:
    """Set-up: the register filled (``_fill``) and Room A2 checked out into ``kit`` by
    the command line; the register file's path."""
    _fill(database)
    path = database.sqlite_path
    assert path is not None
    _checkout(path, kit)
    return path


def test_check_out_work_preview_and_sync_back(source: tuple[Path, World], tmp_path: Path) -> None:
    path, world = source
    kit = tmp_path / "site visit.adkit"
    out = _checkout(path, kit)
    assert f"Checked out {len(IN_SCOPE)} assets into {kit}" in out
    assert "assetdesk kit sync" in out

    status = ok_json("--database", kit, "kit", "status")
    assert status["asset_count"] == len(IN_SCOPE)
    assert status["waiting"] == 0 and status["checked_out_by"] == "tech"
    text = ok("--database", kit, "kit", "status")
    assert "waiting to sync: 0 records" in text and "Room A2" in text

    # Offline: an incident logged through the command line in the kit, and a move.
    ok(
        "--database",
        kit,
        "incidents",
        "log",
        "--asset",
        "LAP-1001",
        "--title",
        "Cracked hinge",
        "--description",
        "The left hinge is cracked",
        "--severity",
        "low",
        "--group",
        "Service desk",
        "--as",
        "tech",
    )
    kit_db = Database(f"sqlite:///{kit}")
    try:
        with kit_db.read() as session:
            room_a1 = session.execute(
                select(Asset.location_id).where(Asset.tag == "LAP-1002")
            ).scalar_one()
        _change_location(kit_db, "LAP-1002", world.room_a)
    finally:
        kit_db.dispose()
    assert room_a1 == world.room_b
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 2

    # The dry run says what each record would become, and writes nothing on either side.
    server = Database(f"sqlite:///{path}")
    try:
        procedures_before = _count(server, Procedure)
        preview = ok_json("kit", "sync", kit, "--dry-run")
        assert preview["dry_run"] is True
        assert [r["outcome"] for r in preview["results"]] == ["applied", "applied"]
        assert {r["record"] for r in preview["results"]} == {"incident", "procedure"}
        assert _count(server, Procedure) == procedures_before
        assert _count(server, Incident) == 0
        assert ok_json("--database", kit, "kit", "status")["waiting"] == 2
        text = ok("kit", "sync", kit, "--dry-run")
        assert "2 records would become: 2 applied." in text
        assert "Dry run: nothing was written on either side." in text

        report = ok_json("kit", "sync", kit)
        assert report["dry_run"] is False
        assert [r["outcome"] for r in report["results"]] == ["applied", "applied"]
        assert _count(server, Incident) == 1
        with server.read() as session:
            moved = session.execute(
                select(Asset.location_id).where(Asset.tag == "LAP-1002")
            ).scalar_one()
        assert moved == world.room_a
    finally:
        server.dispose()
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 0
    assert "Nothing waited to sync." in ok("kit", "sync", kit)


def test_a_conflict_is_listed_field_by_field_and_settled(
    source: tuple[Path, World], tmp_path: Path
) -> None:
    path, world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)
    kit_db, server = Database(f"sqlite:///{kit}"), Database(f"sqlite:///{path}")
    try:
        _change_location(kit_db, "LAP-1003", world.room_a)  # offline: to Room A1
        _change_location(server, "LAP-1003", world.other_site_room, by="tech2")  # meanwhile
    finally:
        kit_db.dispose()
        server.dispose()
    text = ok("kit", "sync", kit)
    assert "1 record became: 1 conflict." in text
    assert f"Settle the conflict with: assetdesk --database sqlite:///{path} kit conflicts" in text
    report = ok_json("kit", "sync", kit, "--dry-run")
    assert report["results"] == []  # queued: it does not wait in the kit any more

    (conflict,) = ok_json("--database", path, "kit", "conflicts")
    assert conflict["asset_tag"] == "LAP-1003" and conflict["procedure_kind"] == "change"
    fields = {f["field"]: f for f in conflict["fields"]}
    location = fields["location"]
    assert location["base_text"].endswith("Room A2")  # a name or a full path
    assert location["server_text"].endswith("Branch store")
    assert location["kit_text"].endswith("Room A1")
    # Asked in the kit, the queue is read on the database the kit came from.
    assert ok_json("--database", kit, "kit", "conflicts") == [conflict]
    listing = ok("--database", path, "kit", "conflicts")
    assert f"#{conflict['number']}" in listing and "LAP-1003" in listing
    assert "Branch store" in listing and "Room A1" in listing

    # Edit without values is refused in one line; then the server's values are kept.
    one_line_failure(
        assetdesk(
            "--database",
            path,
            "kit",
            "resolve",
            str(conflict["number"]),
            "--take",
            "edit",
            "--as",
            "tech2",
        ),
        "--set FIELD=VALUE",
    )
    out = ok(
        "--database",
        path,
        "kit",
        "resolve",
        str(conflict["number"]),
        "--take",
        "server",
        "--note",
        "it was moved to the branch",
        "--as",
        "tech2",
    )
    assert f"Conflict #{conflict['number']} (LAP-1003) settled" in out
    assert ok_json("--database", path, "kit", "conflicts") == []
    # The kit counted it at the sync; reading the queue from the kit counts it again
    # (a new user saw "2 conflicts to settle" after settling both).
    assert ok_json("--database", kit, "kit", "status", "--json")["open_conflicts"] == 1
    assert ok_json("--database", kit, "kit", "conflicts") == []
    assert ok_json("--database", kit, "kit", "status", "--json")["open_conflicts"] == 0
    assert "No open conflicts." in ok("--database", path, "kit", "conflicts")
    (settled,) = ok_json("--database", path, "kit", "conflicts", "--all")
    assert settled["resolution"] == "server" and settled["resolved_by"] == "tech2"
    assert settled["resolution_note"] == "it was moved to the branch"
    one_line_failure(
        assetdesk(
            "--database",
            path,
            "kit",
            "resolve",
            str(conflict["number"]),
            "--take",
            "kit",
            "--as",
            "tech2",
        ),
    )

    # Another: settled with values typed as a person types them (a room's name).
    kit_db, server = Database(f"sqlite:///{kit}"), Database(f"sqlite:///{path}")
    try:
        _change_location(kit_db, "LAP-1002", world.room_a)
        _change_location(server, "LAP-1002", world.other_site_room, by="tech2")
    finally:
        kit_db.dispose()
        server.dispose()
    (second,) = ok_json("kit", "sync", kit)["results"]
    assert second["outcome"] == "conflict"
    (open_one,) = ok_json("--database", path, "kit", "conflicts")
    number = str(open_one["number"])
    resolve = ("--database", path, "kit", "resolve", number, "--take", "edit", "--as", "tech2")
    one_line_failure(assetdesk(*resolve, "--set", "location=Narnia"), "Location", "Narnia")
    one_line_failure(assetdesk(*resolve, "--set", "location"), "not FIELD=VALUE")
    assert ok_json("--database", kit, "kit", "status", "--json")["open_conflicts"] == 1
    in_kit = ("--database", kit, *resolve[2:])  # settled from the kit: its count follows
    out = ok(*in_kit, "--set", "location=room a2", "--note", "Seen in Room A2 today.")
    assert ok_json("--database", kit, "kit", "status", "--json")["open_conflicts"] == 0
    # The settler's why is in the asset's history, beside the procedure it recorded (it
    # was kept in the conflict queue only: the lead's new-user pass, 2026-12-07).
    history = ok("--database", path, "asset", "show", "LAP-1002")
    assert f"conflict #{number}" in history and "Seen in Room A2 today." in history
    assert f"Conflict #{number} (LAP-1002) settled by tech2: the values given recorded" in out
    assert "recorded as the procedure" in out
    server = Database(f"sqlite:///{path}")
    try:
        with server.read() as session:
            where = session.execute(
                select(Asset.location_id).where(Asset.tag == "LAP-1002")
            ).scalar_one()
    finally:
        server.dispose()
    assert where == world.room_b


def test_what_cannot_be_done_is_one_line(source: tuple[Path, World], tmp_path: Path) -> None:
    path, _ = source
    missing = tmp_path / "nowhere.adkit"
    one_line_failure(assetdesk("kit", "sync", missing), str(missing), "no such file")
    assert not missing.exists()
    one_line_failure(
        assetdesk("--database", missing, "kit", "status"), str(missing), "no such file"
    )
    assert not missing.exists()  # asking created nothing

    text_file = tmp_path / "notes.adkit"
    text_file.write_text("not a kit at all\n" * 100)
    one_line_failure(assetdesk("kit", "sync", text_file), str(text_file), "not a field kit")
    one_line_failure(assetdesk("kit", "sync", path), str(path), "not a field kit")
    one_line_failure(assetdesk("--database", path, "kit", "status"), "not a field kit")
    one_line_failure(assetdesk("kit", "sync", tmp_path), "not a file")

    kit = tmp_path / "kit.adkit"
    one_line_failure(
        assetdesk(
            "--database", path, "kit", "checkout", "--scope", "Narnia", "--as", "tech", "-o", kit
        ),
        "Narnia",
    )
    assert not kit.exists()
    _checkout(path, kit)
    one_line_failure(
        assetdesk(
            "--database", path, "kit", "checkout", "--scope", "ROOM-A2", "--as", "tech", "-o", kit
        ),
        str(kit),
    )
    one_line_failure(
        assetdesk("--database", path, "kit", "resolve", "999", "--take", "server", "--as", "tech"),
        "999",
    )

    # The database the kit came from is gone: said in one line, and nothing is created.
    moved = path.with_name("moved.sqlite3")
    path.rename(moved)
    one_line_failure(assetdesk("kit", "sync", kit), "cannot reach the database the kit came from")
    assert not path.exists()
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 0


def test_a_kit_from_a_server_keeps_no_password_and_finds_its_server(tmp_path: Path) -> None:
    made = make_database("postgresql", tmp_path, tmp_path)
    database = next(made)
    try:
        world = _fill(database)
        # The server does not need the password (trust), but the URL given carries one.
        url = database.url.set(password=PASSWORD).render_as_string(hide_password=False)
        kit = tmp_path / "pg.adkit"
        ok("--database", url, "kit", "checkout", "--scope", "Room A2", "--as", "tech", "-o", kit)
        assert PASSWORD.encode() not in kit.read_bytes()
        status = ok_json("--database", kit, "kit", "status")
        assert PASSWORD not in json.dumps(status)
        assert status["source_url"].startswith("postgresql")
        kit_db = Database(f"sqlite:///{kit}")
        try:
            _change_location(kit_db, "LAP-1001", world.room_a)
        finally:
            kit_db.dispose()
        # No --database: the kit names its server.
        (result,) = ok_json("kit", "sync", kit)["results"]
        assert result["outcome"] == "applied"
        with database.read() as session:
            moved = session.execute(
                select(Asset.location_id).where(Asset.tag == "LAP-1001")
            ).scalar_one()
        assert moved == world.room_a
        # Refreshed: LAP-1001 left the scope (Room A2), the two others are still there.
        assert ok_json("--database", kit, "kit", "status")["asset_count"] == 2
        kit_db = Database(f"sqlite:///{kit}")
        try:
            _change_location(kit_db, "LAP-1002", world.room_a)
        finally:
            kit_db.dispose()
    finally:
        for _ in made:  # drops the server database
            pass
    server_for("postgresql")
    line = one_line_failure(
        assetdesk("kit", "sync", kit), "cannot reach the database the kit came from"
    )
    assert PASSWORD not in line
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 1  # still waits, kept


def _count(database: Database, model: Any) -> int:
    with database.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_scope_of_locations_and_people(source: tuple[Path, World], tmp_path: Path) -> None:
    path, world = source
    world.install("LAP-2001", location=world.other_site_room)  # Una User's, at the branch
    people = tmp_path / "una.adkit"
    ok("--database", path, "kit", "checkout", "--assigned-to", "user", "--as", "tech", "-o", people)
    assert ok_json("--database", people, "kit", "status")["asset_count"] == 1
    both = tmp_path / "both.adkit"
    out = ok(
        "--database", path, "kit", "checkout", "--scope", "ROOM-A2", "Branch store",
        "--assigned-to", "user", "--as", "tech", "-o", both,
    )  # fmt: skip
    assert f"Checked out {len(IN_SCOPE) + 1} assets" in out
    assert "new LAP tags in the kit:" in out
    one_line_failure(
        assetdesk(
            "--database",
            path,
            "kit",
            "checkout",
            "--assigned-to",
            "nobody",
            "--as",
            "tech",
            "-o",
            tmp_path / "x.adkit",
        ),
        "nobody",
    )
    one_line_failure(
        assetdesk("--database", path, "kit", "checkout", "--as", "tech", "-o", tmp_path / "y.adkit")
    )
    assert not (tmp_path / "x.adkit").exists() and not (tmp_path / "y.adkit").exists()


def test_kit_status_counts_the_assets_the_kit_holds_with_those_received_in_it(
    source: tuple[Path, World], tmp_path: Path
) -> None:
    """A new user received a laptop in a kit of 7: the register showed 8 while ``kit
    status`` (and the banner) still said 7 — the count was of the assets checked out."""
    path, _world = source
    kit = tmp_path / "kit.adkit"
    _checkout(path, kit)
    ok("--database", kit, "procedure", "receive", "LAP-9001", "--set", "category=Laptop",
       "--set", "location=ROOM-A2", "--set", "name=Loaner", "--check", "inspected",
       "--check", "contents_match", "--as", "tech")  # fmt: skip
    exported = tmp_path / "register.csv"
    ok("--database", kit, "export", exported, "--as", "tech")
    with exported.open(newline="", encoding="utf-8-sig") as handle:
        register = list(csv.DictReader(handle))
    status = ok_json("--database", kit, "kit", "status")
    assert status["asset_count"] == len(IN_SCOPE) + 1 == len(register)
    assert status["received_here"] == 1
    text = ok("--database", kit, "kit", "status")
    assert f"Room A2 (and below) ({len(IN_SCOPE) + 1} assets, 1 received here)" in text

    # Synced, the received laptop is on the server: the kit holds the same 4, none new.
    ok("kit", "sync", kit)
    status = ok_json("--database", kit, "kit", "status")
    assert (status["asset_count"], status["received_here"]) == (len(IN_SCOPE) + 1, 0)
    assert f"Room A2 (and below) ({len(IN_SCOPE) + 1} assets)" in ok(
        "--database", kit, "kit", "status"
    )


def test_a_kit_file_is_readable_by_its_owner_only(
    source: tuple[Path, World], tmp_path: Path
) -> None:
    """A kit holds people's names and the register's data: like a local register, its
    file (and SQLite's -wal and -shm beside it) is 0600 whatever the umask, and stays so
    through a sync that refreshes it."""
    import stat

    path, _world = source
    kit = tmp_path / "site visit.adkit"
    env = dict(os.environ)
    env.pop("ASSETDESK_DATABASE", None)
    argv = ["--database", path, "kit", "checkout", "--scope", "ROOM-A2", "--as", "tech"]
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *map(str, [*argv, "-o", kit])],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
        umask=0o022,  # the usual one: files readable by everyone unless made otherwise
    )
    assert done.returncode == 0, done.stderr[-3000:]

    def modes() -> dict[str, int]:
        return {
            side.name: stat.S_IMODE(side.stat().st_mode)
            for side in tmp_path.iterdir()
            if side.name.startswith(kit.name)
        }

    assert kit.name in modes()
    assert set(modes().values()) == {0o600}, modes()

    ok("kit", "sync", kit)
    assert set(modes().values()) == {0o600}, modes()
