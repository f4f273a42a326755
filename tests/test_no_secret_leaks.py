"""Nothing secret leaks: a session that used a known password leaves it nowhere.

A PostgreSQL server of the test's own (tests/tls_servers.py) makes every login but the
test's administrator give a password (scram-sha-256), so each session below really uses
the password: a login made for the test connects with it through the URL, the keyring and
the settings dialog. Afterwards every artifact is searched for the password (as typed and
as percent-encoded): the settings file, the log files (``--debug``), the crash report, the
output of ``db info``, the error messages, and the exported .xlsx and .csv files.
"""

from __future__ import annotations

import itertools
import logging
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import keyring
import psycopg
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop import credentials, logging_setup
from desktop.logging_setup import configure_logging
from desktop.redaction import forget_secrets
from desktop.settings import DATABASE_URL, Settings
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.file_keyring import BACKEND, FILE_VAR, FileKeyring
from tests.keyrings import MemoryKeyring
from tests.tls_servers import TLS_USER, Pki, TlsServer, make_pki, postgresql_server
from tests.ui.test_settings_dialog import open_dialog
from ui.cli.context import CliContext
from ui.gui.crash_dialog import CrashHandler

#: The known password: a "/" in it (base64 passwords have them), so it needs the URL
#: parser's rule (everything up to the "@"), not just "no slash", to be found.
PASSWORD = "Kx7/leak-probe-Q2"
FORMS = (PASSWORD, quote(PASSWORD, safe=""))
_logins = itertools.count()


@dataclass(frozen=True)
class Login:
    server: TlsServer
    pki: Pki
    name: str
    database: str

    def url(self, *, password: str | None = PASSWORD, database: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return (
            f"postgresql://{self.name}{secret}@127.0.0.1:{self.server.port}/"
            f"{database or self.database}?sslmode=verify-full&sslrootcert={self.pki.ca}"
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TlsServer, Pki]]:
    pki = make_pki(tmp_path_factory.mktemp("pki"))
    with postgresql_server(pki) as running:
        yield running, pki


@pytest.fixture
def login(server: tuple[TlsServer, Pki]) -> Iterator[Login]:
    """A login with the known password and a database it owns; both dropped afterwards."""
    running, pki = server
    name = f"leak_{os.getpid()}_{next(_logins)}"
    admin = f"host=127.0.0.1 port={running.port} user={TLS_USER} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {name} LOGIN CREATEROLE PASSWORD '{PASSWORD}'")
        connection.execute(f"CREATE DATABASE {name} OWNER {name}")
    yield Login(running, pki, name, name)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"DROP ROLE IF EXISTS {name}")


def assetdesk(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The real command line, with its own folders and a keyring in ``home``."""
    keyring = {"PYTHON_KEYRING_BACKEND": BACKEND, FILE_VAR: str(home / "keyring.json")}
    return run_cli(*argv, home=home, env=keyring, timeout=120)


def leaks(texts: dict[str, str], folder: Path, *, skip: tuple[Path, ...] = ()) -> list[str]:
    """Where the password shows: in ``texts`` (name → text) or in a file under ``folder``
    (an .xlsx is searched member by member)."""
    found = [name for name, text in texts.items() if any(form in text for form in FORMS)]
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p not in skip):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as workbook:
                contents = [workbook.read(member) for member in workbook.namelist()]
        else:
            contents = [path.read_bytes()]
        if any(form.encode() in content for form in FORMS for content in contents):
            found.append(str(path))
    return found


def test_a_command_line_session_leaves_the_password_nowhere(
    tmp_path: Path, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = login.url()
    texts: dict[str, str] = {}

    def run(name: str, *argv: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = assetdesk(tmp_path, *argv)
        texts[name] = result.stdout + result.stderr
        assert (result.returncode == 0) == ok, f"{name}: {result.stderr}"
        return result

    run("upgrade", "--debug", "--database", url, "db", "upgrade")
    run("demo", "--debug", "--database", url, "demo", "--assets", "20")
    info = run("info", "--debug", "--database", url, "db", "info")
    assert f"database {login.name}" in info.stdout
    run("info json", "--database", url, "db", "info", "--json")
    run("export xlsx", "--debug", "--database", url, "export", str(tmp_path / "out.xlsx"))
    run("export csv", "--database", url, "export", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.xlsx").stat().st_size > 0
    assert len((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()) > 20

    # Error messages: a database that does not exist, a malformed URL, the password in
    # the query instead of before the host.
    wrong = run("wrong db", "--database", login.url(database="nope"), "db", "info", ok=False)
    assert 'database "nope" does not exist' in wrong.stderr
    malformed = url.replace(f":{login.server.port}/", ":abc/")
    run("bad port", "--database", malformed, "db", "info", ok=False)
    in_query = f"{login.url(password=None)}&password={quote(PASSWORD, safe='')}"
    queried = run("password in query", "--debug", "--database", in_query, "db", "info")
    assert "password=" not in queried.stdout
    wrong_pw = login.url(password="not-" + PASSWORD.replace("/", "-"))
    refused = run("wrong password", "--database", wrong_pw, "db", "info", ok=False)
    assert "password authentication failed" in refused.stderr

    # The keyring: the settings hold the URL without the password, the keyring holds it.
    bare = login.url(password=None)
    (tmp_path / "config" / "Assetdesk").mkdir(parents=True, exist_ok=True)
    Settings(tmp_path / "config" / "Assetdesk" / "settings.ini").set(DATABASE_URL, bare)
    monkeypatch.setenv(FILE_VAR, str(tmp_path / "keyring.json"))
    old_backend = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    try:
        credentials.store_password(bare, PASSWORD)
    finally:
        keyring.set_keyring(old_backend)
    from_keyring = run("keyring", "--debug", "db", "info")
    assert login.name in from_keyring.stdout  # connected: the keyring's password was used

    logs = list((tmp_path / "state").rglob("*.log"))
    assert logs and any("Running upgrade" in log.read_text() for log in logs)
    assert leaks(texts, tmp_path, skip=(tmp_path / "keyring.json",)) == []


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    path = configure_logging(debug=True, directory=tmp_path / "logs")
    assert path is not None
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging_setup._active_log_file = None


def test_the_settings_dialog_and_a_crash_report_leave_the_password_nowhere(
    qtbot: QtBot,
    tmp_path: Path,
    login: Login,
    memory_keyring: MemoryKeyring,
    log_file: Path,
) -> None:
    database = Database(login.url())
    try:
        database.upgrade()
    finally:
        database.dispose()
    forget_secrets()  # what this session masks, it learns in this session
    settings = Settings(tmp_path / "settings.ini")
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    texts: dict[str, str] = {}

    def verdict(name: str) -> str:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: dialog.connection_label.text().startswith(("✔", "✖")), timeout=30_000
        )
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=30_000)
        texts[name] = dialog.connection_label.text()
        return texts[name]

    # The password typed into the URL, for a database that does not exist.
    qtbot.keyClicks(dialog.url_edit, login.url(database="nope"))
    assert 'database "nope" does not exist' in verdict("wrong database")
    # Then in the password field, for the login's own database (scram: it must be right).
    dialog.url_edit.setText(login.url(password=None))
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    assert verdict("connected").startswith("✔ Connected"), texts["connected"]
    with qtbot.waitSignal(dialog.finished, timeout=30_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert list(memory_keyring.passwords.values()) == [PASSWORD]
    assert Settings(settings.path).get(DATABASE_URL) == login.url(password=None)

    # A bug while the password is in use: the crash dialog, its copied details, the log.
    handler = CrashHandler(log_path=lambda: log_file)
    handler.install()
    try:
        try:
            connect_url = credentials.url_with_password(login.url(password=None))
            raise RuntimeError(f"lost the connection {connect_url} (password {PASSWORD!r})")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
        assert handler.dialog is not None
        texts["crash heading"] = handler.dialog.heading.text()
        texts["crash details"] = handler.dialog.details.toPlainText()
        qtbot.mouseClick(handler.dialog.copy_button, Qt.MouseButton.LeftButton)
        clipboard = QGuiApplication.clipboard()
        texts["copied details"] = clipboard.text()
        assert "RuntimeError: lost the connection" in texts["crash details"]
    finally:
        handler.uninstall()
        if handler.dialog is not None:
            handler.dialog.close()
    for handler_ in logging.getLogger().handlers:
        handler_.flush()
    assert "lost the connection" in log_file.read_text(encoding="utf-8")
    assert leaks(texts, tmp_path) == []


def test_a_command_line_bug_is_one_line_and_its_traceback_logged_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.cli import main as cli

    def buggy_info(ctx: CliContext) -> int:
        url = ctx.url  # the password is in use (parsed, filled in)
        raise RuntimeError(f"unexpected state for {url} with {PASSWORD!r}")

    forget_secrets()
    monkeypatch.setattr("ui.cli.commands.db._info", buggy_info)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        url = f"postgresql://ana:{quote(PASSWORD, safe='')}@127.0.0.1:1/assetdesk"
        assert cli.main(["--database", url, "db", "info"]) == 1
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        logging_setup._active_log_file = None
    stderr = capsys.readouterr().err
    # A bug: one line naming it and the log; the traceback is in the log.
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert "RuntimeError: unexpected state" in stderr and "bug report" in stderr
    logs = list((Path(os.environ["XDG_STATE_HOME"])).rglob("*.log"))
    assert logs
    logged = logs[0].read_text(encoding="utf-8")
    assert "unexpected state" in logged and "Traceback" in logged
    assert leaks({"stderr": stderr}, Path(os.environ["XDG_STATE_HOME"])) == []
