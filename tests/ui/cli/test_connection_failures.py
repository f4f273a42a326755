"""A database that cannot be used fails in one line, with a non-zero exit, and changes nothing.

Each case runs the real command line as a subprocess, as a person or a script would.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import sqlite3
import struct
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.errors import DatabaseUnavailableError
from desktop.storage.database import Database
from desktop.storage.folding import register_sqlite_functions
from tests.backends import make_database, server_for
from tests.cli_run import run_cli
from tests.factories import seed_world

PASSWORD = "n0t-in-any-message"


def assetdesk(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, home=tmp_path, timeout=120)


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("assetdesk: ")
    for word in words:
        assert word in lines[0]
    assert PASSWORD not in result.stderr + result.stdout
    return lines[0]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:abc/assets", ["port", "1 to 65535"]),
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:70000/assets", ["port 70000"]),
        (f"postgresql://postgres:{PASSWORD}@[::1/assets", ["brackets"]),
        (f"mariadb://root:{PASSWORD}@127.0.0.1:3306/x?charset=klingon", ["klingon"]),
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/assets", ["port 1 failed"]),
        (f"mariadb://root:{PASSWORD}@127.0.0.1:3306/x?foo=1", ["URL option 'foo'"]),
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1/x?sslmod=require", ["'sslmod'"]),
    ],
)
def test_a_malformed_or_unreachable_url_is_one_line(
    tmp_path: Path, url: str, words: list[str]
) -> None:
    for command in (["db", "info"], ["asset", "show", "LAP-000001"]):
        assert_one_line_failure(assetdesk(tmp_path, "--database", url, *command), *words)


@pytest.fixture
def local_file(tmp_path: Path, _sqlite_template_dir: Path) -> Path:
    made = make_database("sqlite", tmp_path, _sqlite_template_dir)
    database = next(made)
    seed_world(database)
    path = database.sqlite_path
    assert path is not None
    for _ in made:
        pass
    return path


def _digest(path: Path) -> str:
    """What the file holds (its schema and rows), whatever the journal mode's header says."""
    with sqlite3.connect(path) as connection:
        dump = "\n".join(connection.iterdump())
    return hashlib.sha256(dump.encode()).hexdigest()


def test_two_rows_in_the_version_table_are_refused(tmp_path: Path, local_file: Path) -> None:
    with sqlite3.connect(local_file) as connection:
        connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    before = _digest(local_file)
    result = assetdesk(tmp_path, "--database", str(local_file), "asset", "show", "X-1")
    assert_one_line_failure(result, "2 schema versions", "Nothing was changed")
    assert _digest(local_file) == before


def test_a_schema_changed_under_the_app_is_named(tmp_path: Path, local_file: Path) -> None:
    with sqlite3.connect(local_file) as connection:
        # Renaming re-reads the search index's triggers, which call this function (0017).
        register_sqlite_functions(connection)
        connection.execute("ALTER TABLE assets RENAME COLUMN serial_number TO sn")
    result = assetdesk(tmp_path, "--database", str(local_file), "asset", "show", "X-1")
    assert_one_line_failure(result, "does not have the schema", "serial_number")


def test_a_file_full_of_data_without_a_schema_version_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "someone-elses.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.executemany("INSERT INTO contacts VALUES (?)", [("a",), ("b",)])
    before = _digest(path)
    for command in (["db", "info"], ["db", "upgrade"], ["asset", "show", "X-1"]):
        result = assetdesk(tmp_path, "--database", str(path), *command)
        assert_one_line_failure(result, "no Assetdesk schema version", str(path))
    assert _digest(path) == before
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master")]
    assert tables == ["contacts"]


def test_our_own_tables_without_a_version_are_refused_on_a_copy(
    tmp_path: Path, local_file: Path
) -> None:
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(local_file, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("DROP TABLE alembic_version")
    result = assetdesk(tmp_path, "--database", str(copy), "db", "upgrade")
    assert_one_line_failure(result, "no Assetdesk schema version")


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_statement_timeout_is_one_clear_message(backend: str, tmp_path: Path) -> None:
    made = make_database(backend, tmp_path, tmp_path)  # a server database: no SQLite template
    database = next(made)
    try:
        url = database.url
        if backend == "postgresql":
            url = url.update_query_dict({"options": "-c statement_timeout=50"})
        limited = Database(url)
        try:
            with pytest.raises(DatabaseUnavailableError, match="did not answer in time") as raised:
                if backend == "mariadb":
                    with limited.write() as session:
                        session.execute(text("SET SESSION max_statement_time=0.05"))
                        session.execute(text("SELECT SLEEP(2) FROM (SELECT 1 UNION SELECT 2) t"))
                else:
                    with limited.connect() as connection:
                        connection.execute(text("SELECT pg_sleep(2)"))
            assert "\n" not in raised.value.message
        finally:
            limited.dispose()
    finally:
        for _ in made:
            pass
    server_for(backend)  # the server is still there for the next test


def _server_that_asks_for_a_password() -> tuple[int, threading.Event]:
    """A PostgreSQL server as a client sees one whose pg_hba.conf wants a password: it
    declines encryption and answers the startup packet with "send your password"
    (AuthenticationCleartextPassword). Enough for libpq to say "no password supplied"."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            with client:
                client.settimeout(5)
                while True:
                    head = client.recv(8)
                    if len(head) < 8:
                        break
                    length, code = struct.unpack("!ii", head)
                    client.recv(length - 8)
                    if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest
                        client.sendall(b"N")
                        continue
                    client.sendall(b"R" + struct.pack("!ii", 8, 3))
                    client.recv(1024)  # the client gives up: no password to send
                    break
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return port, stop


def test_a_server_that_wants_a_password_none_given_says_where_to_put_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner ran ``db upgrade`` with no keyring and no ~/.pgpass: "an internal error
    stopped this command … please send that file with a bug report" (found by a new
    user). It is the database refusing a login without a password: one line saying so
    and where the password goes."""
    port, stop = _server_that_asks_for_a_password()
    url = f"postgresql://owner@127.0.0.1:{port}/assets"
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    try:
        for command in (["db", "upgrade"], ["db", "info"]):
            result = assetdesk(tmp_path, "--database", url, *command)
            line = assert_one_line_failure(result, "no password supplied", "~/.pgpass")
            assert "internal error" not in line and "bug report" not in line
    finally:
        stop.set()
