"""Settings › Test connection on a server database without the schema: the command it
gives migrates *that* database when copied to a terminal.

A new user typed mariadb://root@127.0.0.1:3306/their_db, pressed Test connection and read
"The database mariadb+pymysql://root@…?charset=utf8mb4 has no Assetdesk schema yet. An
administrator creates it with: assetdesk db upgrade" — a URL nobody typed, and a command
that, run as it stood, migrates the local file the settings still named.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from PySide6.QtCore import Qt

from desktop.settings import Settings
from tests.backends import _admin_execute, _unique_name, drop_logins, server_for
from tests.keyrings import MemoryKeyring
from ui.gui.settings_dialog import SettingsDialog


@pytest.fixture
def empty_database() -> Iterator[tuple[str, str]]:
    """(the URL as a person types it, the database's name): a MariaDB database with no
    tables, as an administrator creates it by hand."""
    server = server_for("mariadb")
    name = _unique_name()
    _admin_execute(
        server, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    url = server.admin_url.set(database=name)
    typed = f"mariadb://{url.username}@{url.host}:{url.port or 3306}/{name}"
    try:
        yield typed, name
    finally:
        _admin_execute(server, f"DROP DATABASE IF EXISTS `{name}`")
        drop_logins(server, name)


def test_the_command_to_create_the_schema_names_the_database_tested(
    qtbot: QtBot,
    empty_database: tuple[str, str],
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    typed, name = empty_database
    if server_for("mariadb").admin_url.password:
        pytest.skip("the copied command would need the test server's password")
    dialog = SettingsDialog(Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    dialog.server_radio.setFocus()
    qtbot.keyClick(dialog.server_radio, Qt.Key.Key_Space)  # Shared server
    dialog.url_edit.setFocus()
    qtbot.keyClicks(dialog.url_edit, typed)
    dialog.test_button.setFocus()
    qtbot.keyClick(dialog.test_button, Qt.Key.Key_Space)  # Test connection
    label = dialog.connection_label
    qtbot.waitUntil(lambda: label.text().startswith(("✔", "✖")), timeout=30_000)
    said = label.text()
    command = f"assetdesk --database {typed} db upgrade"
    assert said == (
        f"✖ The MariaDB server {typed.split('@')[1].split('/')[0]}, database {name} has no "
        f"Assetdesk schema yet. An administrator creates it with: {command}"
    ), said
    assert "+pymysql" not in said and "charset" not in said

    # Copied to a terminal whose settings name no server (a local file by default), the
    # command migrates the database tested, and makes no local file.
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *command.split()[1:]],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={
            **{k: v for k, v in os.environ.items() if k != "ASSETDESK_DATABASE"},
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"{typed}: schema upgraded from empty to "), done.stdout
    assert not (home / "data").exists() or not any((home / "data").rglob("*.sqlite3"))
    engine = create_engine(server_for("mariadb").admin_url.set(database=name))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
