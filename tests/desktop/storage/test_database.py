"""Opening databases: the embedded default, shared servers, schema checks, clear errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from desktop.errors import DatabaseBusyError, DatabaseUnavailableError, SchemaMismatchError
from desktop.storage import migrate
from desktop.storage.database import Database, open_database
from desktop.storage.urls import choose_url, default_database_path, parse_url, redact
from tests.backends import drop_logins, server_for


def test_embedded_default_is_created_and_migrated_on_first_start() -> None:
    path = default_database_path()
    assert not path.exists()
    database = open_database(choose_url())
    try:
        assert database.sqlite_path == path
        assert path.exists()
        assert database.schema_state().up_to_date
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        database.dispose()


def test_url_choice_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_url(None, None).startswith("sqlite:///")
    assert choose_url(None, "postgresql://saved/db") == "postgresql://saved/db"
    monkeypatch.setenv("ASSETDESK_DATABASE", "mariadb://env/db")
    assert choose_url(None, "postgresql://saved/db") == "mariadb://env/db"
    assert choose_url("sqlite:///cli.sqlite3", "postgresql://saved/db") == "sqlite:///cli.sqlite3"


def test_drivers_and_redaction() -> None:
    assert parse_url("postgresql://u:secret@h/db").drivername == "postgresql+psycopg"
    assert parse_url("mariadb://u@h/db").drivername == "mariadb+pymysql"
    assert "secret" not in redact("postgresql://u:secret@h/db")


def test_a_shared_database_is_not_migrated_by_a_client() -> None:
    server = server_for("postgresql")
    name = f"adtest_unmigrated_{os.getpid()}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.database_url(name).render_as_string(hide_password=False)
        with pytest.raises(SchemaMismatchError, match=f"assetdesk --database .*/{name} db upgrade"):
            open_database(url)
        database = Database(url)
        assert database.schema_state().current is None  # still empty: nothing was migrated
        database.upgrade()
        open_database(url).dispose()  # now it opens
        database.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        drop_logins(server, name)  # db upgrade made this database's roles


def test_an_older_shared_schema_asks_for_an_upgrade() -> None:
    server = server_for("mariadb")
    name = f"adtest_older_{os.getpid()}"
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        connection.execute(text(f"CREATE DATABASE `{name}`"))
    try:
        url = server.database_url(name)
        database = Database(url)
        migrate.upgrade(database.engine, "0001")
        with pytest.raises(SchemaMismatchError, match="older Assetdesk schema"):
            database.ensure_schema()
        database.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


def test_an_unknown_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    database = open_database(f"sqlite:///{path}")
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    database.dispose()
    with pytest.raises(SchemaMismatchError, match="newer version"):
        open_database(f"sqlite:///{path}")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://postgres@127.0.0.1:1/assetdesk", "Connection refused"),
        ("postgresql://nobody:wrong@127.0.0.1:5432/assetdesk", "nobody"),
        ("mariadb://nobody:wrong@127.0.0.1:3306/assetdesk", "Access denied"),
        ("mariadb://root@127.0.0.1:1/assetdesk", "Can't connect"),
        ("postgresql://postgres@no-such-host.invalid/assetdesk", "no-such-host.invalid"),
    ],
)
def test_connection_failures_give_one_clear_message(url: str, words: str) -> None:
    with pytest.raises(DatabaseUnavailableError) as caught:
        open_database(url)
    message = str(caught.value)
    assert message.startswith("Cannot use the database")
    assert words in message
    assert "wrong" not in message  # the password is never shown
    assert "\n" not in message and "Traceback" not in message


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseUnavailableError, match=r"notes\.sqlite3"):
        open_database(f"sqlite:///{path}")
    assert sqlite3.connect(":memory:")  # the process is fine


_CORE_ONLY = """
import json, sys
from desktop.services.register_rows import first_page_rows
from desktop.storage.database import Database
database = Database("sqlite:///" + sys.argv[1])
with database.connect() as connection:
    rows = first_page_rows(connection, "tag", False, 10)
report = {"rows": len(rows), "before": sorted(m for m in sys.modules if m.startswith(
    ("sqlalchemy.orm", "desktop.storage.models", "desktop.storage.guards")))}
with database.read() as session:  # the first session brings the ORM and the guards
    report["after"] = sorted(m for m in sys.modules if m in (
        "sqlalchemy.orm", "desktop.storage.models", "desktop.storage.guards"))
print(json.dumps(report))
"""


def test_a_plain_connection_needs_no_orm(tmp_path: Path) -> None:
    path = tmp_path / "core.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    done = subprocess.run(
        [sys.executable, "-c", _CORE_ONLY, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report == {
        "rows": 0,
        "before": [],
        "after": ["desktop.storage.guards", "desktop.storage.models", "sqlalchemy.orm"],
    }


def test_a_plain_connection_translates_connection_errors(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    database = Database(f"sqlite:///{path}")
    try:
        with (
            pytest.raises(DatabaseUnavailableError, match=r"notes\.sqlite3"),
            database.connect() as connection,
        ):
            connection.execute(text("SELECT version_num FROM alembic_version"))
    finally:
        database.dispose()


def test_the_drivers_own_errors_are_translated_too(tmp_path: Path) -> None:
    """Reads that go to the sqlite3 connection itself (the register's pages, the kit
    marks) meet a file that became unreadable with sqlite3's own error: it is named like
    any other; an error that is not about the database stays what it was."""
    path = tmp_path / "register.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    database = Database(f"sqlite:///{path}")
    try:
        with database.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("SELECT 1 FROM assets LIMIT 1").fetchall()
        path.write_bytes(b"this is not a database" * 400)
        with (
            pytest.raises(DatabaseUnavailableError, match=r"register\.sqlite3"),
            database.connect() as connection,
        ):
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("SELECT 1 FROM assets LIMIT 1").fetchall()
        with pytest.raises(ZeroDivisionError), database.connect():
            _ = 1 / 0
    finally:
        database.dispose()


def test_a_pool_that_gives_no_connection_in_time_is_named(tmp_path: Path) -> None:
    """Reads that wait hold every pooled connection; the next read's pool timeout was
    SQLAlchemy's own error (a bug report), not a message. On a local file they wait for
    another program writing it: the file is named busy (it said "a server that does not
    answer")."""
    path = tmp_path / "register.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    database = Database(f"sqlite:///{path}")
    pool: Any = database.read_engine.pool
    pool._timeout = 0.2  # as 30 s, sooner
    held = [database.read_engine.connect() for _ in range(pool.size() + pool._max_overflow)]
    try:
        with (
            pytest.raises(DatabaseBusyError, match=r"register\.sqlite3.*is busy") as raised,
            database.connect() as connection,
        ):
            connection.execute(text("SELECT 1"))
        assert "server" not in raised.value.sentence
        assert "another program" in raised.value.sentence
    finally:
        for connection in held:
            connection.close()
        database.dispose()


def test_a_returned_kits_trigger_is_one_capitalised_sentence(tmp_path: Path) -> None:
    """Whatever writes to a returned field kit (a form, an audit scan, the CLI) meets its
    trigger: the database layer turns the abort into a PermissionDeniedError with the
    trigger's sentence, capitalised (kits returned by older versions say it in lower
    case) — never an IntegrityError traceback (new-user finding 4)."""
    from desktop.errors import PermissionDeniedError

    path = tmp_path / "returned.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE audit_scans (raw TEXT)")
        connection.execute(
            "CREATE TRIGGER kit_returned_audit_scans_insert BEFORE INSERT ON audit_scans "
            "BEGIN SELECT RAISE(ABORT, 'this field kit was returned to its server on "
            "2026-12-05 09:00 UTC: it takes no more work and cannot be synced again; check "
            "out a new kit'); END"
        )
    database = Database(f"sqlite:///{path}")
    try:
        with (
            pytest.raises(PermissionDeniedError) as refused,
            database.write() as session,
        ):
            session.execute(text("INSERT INTO audit_scans (raw) VALUES ('LAP-1')"))
        assert str(refused.value) == (
            "This field kit was returned to its server on 2026-12-05 09:00 UTC: it takes no "
            "more work and cannot be synced again; check out a new kit."
        )
        with database.read() as session:
            assert session.execute(text("SELECT count(*) FROM audit_scans")).scalar_one() == 0
    finally:
        database.dispose()


def _bulk_writer(path: Path) -> sqlite3.Connection:
    """What a long import from the command line does to a file nobody else has open: a
    rollback journal and the write lock held (:mod:`desktop.storage.bulk_journal`)."""
    writer = sqlite3.connect(path, isolation_level=None)
    assert writer.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    writer.execute("BEGIN EXCLUSIVE")
    return writer


def test_a_file_another_program_is_writing_is_busy_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads and writes refused after the busy timeout ("database is locked") say the file
    is busy with another program's writing, naming it, and to try again: not that it
    cannot be used. Both engines wait the busy timeout set for local files."""
    from desktop.errors import DatabaseBusyError
    from desktop.storage import database as database_module

    path = tmp_path / "register.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    database = Database(f"sqlite:///{path}")
    for engine in (database.engine, database.read_engine):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    database.dispose()
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 200)  # 10 s, sooner
    database = Database(f"sqlite:///{path}")
    try:
        writer = _bulk_writer(path)
        try:
            for work in (database.read, database.write):
                with pytest.raises(DatabaseBusyError) as caught, work() as session:
                    session.execute(text("SELECT COUNT(*) FROM assets")).scalar_one()
                assert "register.sqlite3" in caught.value.message
                assert "busy: another program is writing to it" in caught.value.message
                assert "try again in a moment" in caught.value.message
                assert "Cannot use" not in caught.value.message
        finally:
            writer.execute("COMMIT")
            writer.execute("PRAGMA journal_mode=WAL")
            writer.close()
        with database.read() as session:  # free again
            assert session.execute(text("SELECT COUNT(*) FROM assets")).scalar_one() == 0
    finally:
        database.dispose()


def test_new_connections_to_a_file_another_program_holds_wait_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window opened while an import holds the file (its pool has never connected): the
    reads of its workers each wait the busy timeout at the same time and are refused as
    busy, not one after another (SQLAlchemy's pool makes its first connection under one
    lock: the journal pragma waited there, and five reads took five busy timeouts while
    the window kept asking). Once the file is free, connections are on WAL, committing
    durably, even though the other program left a rollback journal."""
    from desktop.errors import DatabaseBusyError
    from desktop.storage import database as database_module

    path = tmp_path / "register.sqlite3"
    open_database(f"sqlite:///{path}").dispose()
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 1000)
    database = Database(f"sqlite:///{path}")
    readers = 5
    refusals: list[BaseException] = []

    def read() -> None:
        try:
            with database.read() as session:
                session.execute(text("SELECT COUNT(*) FROM assets")).scalar_one()
        except BaseException as exc:  # noqa: BLE001 - checked below
            refusals.append(exc)

    try:
        writer = _bulk_writer(path)
        try:
            threads = [threading.Thread(target=read) for _ in range(readers)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            waited = time.monotonic() - started
            writer.execute("COMMIT")  # and it leaves its rollback journal behind
        finally:
            writer.close()
        assert len(refusals) == readers
        assert all(isinstance(refusal, DatabaseBusyError) for refusal in refusals), refusals
        assert waited < readers * 1.0 / 2, f"{readers} reads took {waited:.1f} s"
        with database.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1000
    finally:
        database.dispose()
