"""The log: the platform's log folder, rotation, SQL timing with --debug, no passwords."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop import logging_setup
from desktop.logging_setup import configure_logging, log_file_path, redact_secrets
from desktop.redaction import forget_secrets
from desktop.storage.database import Database, open_database
from desktop.storage.urls import parse_url


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    names = ("", "assetdesk.sql", "sqlalchemy", "alembic", "alembic.runtime.migration")
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(root.handlers)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging_setup._active_log_file = None


def _read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_logs_to_the_platforms_log_folder() -> None:
    path = configure_logging()
    assert path is not None
    # tests/conftest.py points XDG_STATE_HOME at a temporary home: Linux logs live there.
    assert path == Path(os.environ["XDG_STATE_HOME"]) / "Assetdesk" / "log" / "assetdesk.log"
    assert log_file_path() == path
    logging.getLogger("desktop.services.procedures").warning("asset LAP-000001 received")
    content = _read(path)
    assert "desktop.services.procedures: asset LAP-000001 received" in content
    assert "WARNING" in content


def test_rotates_the_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    path = configure_logging(directory=tmp_path)
    assert path is not None
    for n in range(400):
        logging.getLogger("desktop.test").info("line %d of a long log: %s", n, "x" * 40)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "assetdesk.log",
        *(f"assetdesk.log.{n}" for n in range(1, logging_setup.BACKUP_COUNT + 1)),
    ]
    assert all(p.stat().st_size <= 2_200 for p in tmp_path.iterdir())
    assert "line 399 of a long log" in _read(path)


def test_calling_it_again_does_not_double_the_lines(tmp_path: Path) -> None:
    configure_logging(directory=tmp_path)
    path = configure_logging(directory=tmp_path)
    assert path is not None
    logging.getLogger("desktop.test").warning("only once")
    assert _read(path).count("only once") == 1


def test_passwords_never_reach_the_log(tmp_path: Path) -> None:
    path = configure_logging(directory=tmp_path)
    assert path is not None
    log = logging.getLogger("desktop.storage.database")
    log.warning("opening %s", "postgresql+psycopg://alice:s3cr3t-pw@db.example.org/assetdesk")
    try:
        raise RuntimeError("connect failed: host=db user=bob password=hunter2 dbname=x")
    except RuntimeError:
        log.exception("could not connect")
    content = _read(path)
    assert "s3cr3t-pw" not in content
    assert "hunter2" not in content
    assert "postgresql+psycopg://alice:***@db.example.org/assetdesk" in content
    assert "password=*** dbname=x" in content


@pytest.mark.parametrize(
    ("text_", "expected"),
    [
        ("mariadb://root:pw@127.0.0.1:3306/a", "mariadb://root:***@127.0.0.1:3306/a"),
        ("sqlite:////home/me/assetdesk.sqlite3", "sqlite:////home/me/assetdesk.sqlite3"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
        ("PWD=abc;UID=x", "PWD=***;UID=x"),
        # A password may hold "/" (base64): the URL parser reads up to the "@".
        ("postgresql://ana:ab/c+d=@db/x", "postgresql://ana:***@db/x"),
        (
            "postgresql://a@h/d?sslmode=require&sslpassword=k3y",
            "postgresql://a@h/d?sslmode=require&sslpassword=***",
        ),
    ],
)
def test_redact_secrets(text_: str, expected: str) -> None:
    assert redact_secrets(text_) == expected


@pytest.mark.parametrize("debug", [True, False])
def test_debug_logs_sql_with_timing(tmp_path: Path, debug: bool) -> None:
    path = configure_logging(directory=tmp_path / "logs", debug=debug)
    assert path is not None
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}", log_sql_timing=debug)
    try:
        with database.read() as session:
            session.execute(text("SELECT 42 AS answer"))
    finally:
        database.dispose()
    content = _read(path)
    lines = [line for line in content.splitlines() if "assetdesk.sql" in line]
    # SQLAlchemy's own engine log (statements with parameters and result rows) stays out.
    assert "sqlalchemy.engine" not in content
    if debug:
        assert any(line.endswith("ms  SELECT 42 AS answer") for line in lines), lines
    else:
        assert lines == []


def test_falls_back_to_the_temp_folder_when_the_log_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = configure_logging(directory=blocker / "log")
    assert path == tmp_path / "tmp" / "Assetdesk-logs" / "assetdesk.log"
    assert "cannot write a log in" in capsys.readouterr().err
    logging.getLogger("desktop.test").warning("still logged")
    assert "still logged" in _read(path)


def test_a_migration_is_logged(tmp_path: Path) -> None:
    path = configure_logging(directory=tmp_path / "logs")
    assert path is not None
    database = open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    database.dispose()
    content = _read(path)
    assert "alembic.runtime.migration: Running upgrade  -> 0001" in content
    assert "alembic.runtime.plugins" not in content


def test_a_password_used_in_this_run_is_masked_wherever_it_turns_up() -> None:
    parse_url("postgresql://ana:Remembered-pw@db/x")  # the program handled it once
    try:
        assert (
            redact_secrets("driver said: 'Remembered-pw' is wrong") == "driver said: '***' is wrong"
        )
    finally:
        forget_secrets()
    assert redact_secrets("Remembered-pw") == "Remembered-pw"
    parse_url("postgresql://postgres:postgres@db/x")  # the user's name: nothing to hide
    assert redact_secrets("role postgres") == "role postgres"
