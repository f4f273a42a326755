"""``assetdesk db backup``: a consistent copy of the live SQLite file, and refusals that help."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.errors import DesktopError
from desktop.storage.backup import BackupCancelled, backup_database
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.factories import seed_world
from ui.cli.main import main


def _counts(database: Database) -> tuple[int, int]:
    with database.read() as session:
        assets = session.execute(select(func.count()).select_from(Asset)).scalar_one()
        procedures = session.execute(select(func.count()).select_from(Procedure)).scalar_one()
    return assets, procedures


def test_backup_while_another_connection_is_writing(sqlite_db: Database, tmp_path: Path) -> None:
    world = seed_world(sqlite_db)
    for _ in range(5):
        world.receive()
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def keep_receiving() -> None:
        # A second Database = a second set of connections, like a running app.
        writer = Database(sqlite_db.url)
        writer_world = replace(world, db=writer)
        try:
            while not stop.is_set():
                written.append(writer_world.receive().asset_tag)
        except BaseException as exc:  # pragma: no cover - reported below  # noqa: BLE001
            errors.append(exc)
        finally:
            writer.dispose()

    thread = threading.Thread(target=keep_receiving)
    thread.start()
    try:
        while len(written) < 3:  # the writer is well under way
            threading.Event().wait(0.01)
        target = tmp_path / "backup.sqlite3"
        result = backup_database(sqlite_db, target)
        during = len(written)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(written) > during  # the writer was not blocked by the backup

    assert target.is_file()
    assert not Path(f"{target}-wal").exists()  # one self-contained file
    connection = sqlite3.connect(target)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()
    copy = Database(f"sqlite:///{target}")
    try:
        assets, procedures = _counts(copy)
        with copy.read() as session:
            tags = set(session.execute(select(Asset.tag)).scalars())
    finally:
        copy.dispose()
    # A consistent snapshot: every asset in the copy has its receive procedure.
    assert assets == procedures == result.asset_count
    assert 5 + 3 <= assets <= 5 + len(written)
    assert set(written[: assets - 5]) <= tags
    assert result.schema_version is not None
    assert result.size_bytes == target.stat().st_size


def test_existing_target_is_kept_unless_overwrite(sqlite_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    target.write_text("an older backup")
    with pytest.raises(DesktopError, match=r"backup\.sqlite3 exists already.*--overwrite"):
        backup_database(sqlite_db, target)
    assert target.read_text() == "an older backup"
    backup_database(sqlite_db, target, overwrite=True)
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def test_missing_folder_and_the_database_itself_are_refused(
    sqlite_db: Database, tmp_path: Path
) -> None:
    with pytest.raises(DesktopError, match=r"the folder .*nowhere does not exist"):
        backup_database(sqlite_db, tmp_path / "nowhere" / "backup.sqlite3")
    assert sqlite_db.sqlite_path is not None
    with pytest.raises(DesktopError, match="would overwrite the database itself"):
        backup_database(sqlite_db, sqlite_db.sqlite_path, overwrite=True)


def test_cancel_leaves_no_file(sqlite_db: Database, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BackupCancelled):
        backup_database(sqlite_db, tmp_path / "backup.sqlite3", cancel=cancel)
    assert list(tmp_path.glob("*backup*")) == []


@pytest.mark.parametrize(
    ("url", "tool"),
    [
        ("postgresql://alice:s3cret@db.example.org/assets", "pg_dump"),
        ("mariadb://alice:s3cret@db.example.org/assets", "mariadb-dump"),
    ],
)
def test_server_databases_are_refused_with_the_right_tool(
    url: str, tool: str, tmp_path: Path
) -> None:
    database = Database(url)  # never connects: the refusal comes first
    with pytest.raises(DesktopError) as caught:
        backup_database(database, tmp_path / "backup")
    message = caught.value.message
    assert tool in message
    assert "db.example.org" in message
    assert "s3cret" not in message
    assert not (tmp_path / "backup").exists()


def test_command_line_backup(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_world(sqlite_db).receive(tag="LAP-000777")
    target = tmp_path / "copy.sqlite3"
    assert main(["--database", str(sqlite_db.sqlite_path), "db", "backup", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"to {target}" in out
    assert "1 assets" in out
    copy = Database(f"sqlite:///{target}")
    try:
        with copy.read() as session:
            assert session.execute(select(Asset.tag)).scalars().all() == ["LAP-000777"]
    finally:
        copy.dispose()


def test_command_line_refuses_a_server(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        ["--database", "postgresql://u:pw@127.0.0.1:1/x", "db", "backup", str(tmp_path / "o")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "pg_dump" in err
    assert ":pw@" not in err
