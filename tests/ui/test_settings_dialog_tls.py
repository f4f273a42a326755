"""Settings: an encrypted, verified connection chosen with the TLS fields of the dialog.

Runs against PostgreSQL and MariaDB servers of the test's own whose certificate is made
by a CA the test creates (tests/tls_servers.py): the connection test succeeds with that
CA, and says why it fails with a CA that did not sign the certificate.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.settings import DATABASE_URL, Settings
from desktop.storage.database import Database
from desktop.storage.tls import TlsOptions
from tests.keyrings import MemoryKeyring
from tests.tls_servers import Pki, TlsServer, make_pki, mariadb_server, postgresql_server
from tests.ui.test_settings_dialog import open_dialog, server_answers
from ui.gui.settings_dialog import SettingsDialog

__all__ = ["server_answers"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest, pki: Pki) -> Iterator[TlsServer]:
    start = postgresql_server if request.param == "postgresql" else mariadb_server
    with start(pki) as running:
        database = Database(running.url(query=f"sslmode=verify-full&sslrootcert={pki.ca}"))
        try:
            database.upgrade()
        finally:
            database.dispose()
        yield running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        "ui.gui.file_dialogs.get_open_file_name",
        lambda *args, **kwargs: (str(path), ""),
    )


def test_connection(qtbot: QtBot, dialog: SettingsDialog) -> str:
    """Click "Test connection" and wait for its verdict."""
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.connection_label.text().startswith(("✔", "✖")), timeout=30_000)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=30_000)
    return dialog.connection_label.text()


test_connection.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def test_verify_full_is_chosen_in_the_dialog_and_saved_without_password(
    qtbot: QtBot,
    settings: Settings,
    server: TlsServer,
    pki: Pki,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    assert dialog.tls_fields.is_enabled() and dialog.tls_fields.ca_button.isEnabled()
    qtbot.keyClicks(dialog.url_edit, server.url())
    combo = dialog.tls_fields.mode_combo
    combo.setCurrentIndex(combo.findData("verify-full"))
    choose_file(monkeypatch, pki.ca)
    qtbot.mouseClick(dialog.tls_fields.ca_button, Qt.MouseButton.LeftButton)
    expected = server.url(query=f"sslmode=verify-full&sslrootcert={pki.ca}")
    assert dialog.url_edit.text() == expected  # the URL shows what the fields say

    verdict = test_connection(qtbot, dialog)
    assert verdict.startswith("✔ Connected to the"), verdict

    with qtbot.waitSignal(dialog.database_changed, timeout=30_000) as changed:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert changed.args == [expected]
    assert Settings(settings.path).get(DATABASE_URL) == expected
    assert memory_keyring.passwords == {}  # nothing secret: the CA is public

    again = open_dialog(qtbot, Settings(settings.path))
    assert again.tls_fields.options() == TlsOptions("verify-full", str(pki.ca))
    assert again.tls_fields.mode_combo.currentText().startswith(
        "Always encrypt, certificate and host"
    )


def test_a_ca_that_did_not_sign_the_certificate_is_refused_with_the_reason(
    qtbot: QtBot,
    settings: Settings,
    server: TlsServer,
    pki: Pki,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    # Typed into the URL: the fields follow.
    qtbot.keyClicks(dialog.url_edit, server.url(query=f"sslmode=verify-full&sslrootcert={pki.ca}"))
    assert dialog.tls_fields.options() == TlsOptions("verify-full", str(pki.ca))
    choose_file(monkeypatch, pki.other_ca)
    qtbot.mouseClick(dialog.tls_fields.ca_button, Qt.MouseButton.LeftButton)
    verdict = test_connection(qtbot, dialog)
    assert verdict.startswith("✖ Cannot open an encrypted connection"), verdict
    assert "not signed by the certificate authority" in verdict

    with qtbot.assertNotEmitted(dialog.database_changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=30_000)
    assert "not signed by the certificate authority" in dialog.error_label.text()
    assert not settings.path.exists()


def test_a_certificate_for_another_host_is_refused_with_the_reason(
    qtbot: QtBot, settings: Settings, server: TlsServer, pki: Pki, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    dialog.url_edit.setText(
        server.url(host="localhost", query=f"sslmode=verify-full&sslrootcert={pki.ca}")
    )
    verdict = test_connection(qtbot, dialog)
    assert "host name mismatch" in verdict, verdict
    # verify-ca checks the signature only: the same server under another name is accepted.
    combo = dialog.tls_fields.mode_combo
    combo.setCurrentIndex(combo.findData("verify-ca"))
    assert "sslmode=verify-ca" in dialog.url_edit.text()
    assert test_connection(qtbot, dialog).startswith("✔ Connected"), dialog.connection_label.text()


def test_a_password_in_the_url_query_goes_to_the_keyring_not_the_settings(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    qtbot.keyClicks(
        dialog.url_edit, "postgresql://ana@db.example.org/assetdesk?password=q-pw-1&sslmode=require"
    )
    assert dialog.tls_fields.options() == TlsOptions("require")
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = Settings(settings.path).get(DATABASE_URL)
    assert saved == "postgresql://ana@db.example.org/assetdesk?sslmode=require"
    assert "q-pw-1" not in settings.path.read_text(encoding="utf-8")
    assert list(memory_keyring.passwords.values()) == ["q-pw-1"]


def test_a_key_passphrase_is_not_saved(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    dialog.url_edit.setText("postgresql://ana@db/assetdesk?sslmode=verify-full&sslpassword=kp-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "passphrase (sslpassword) cannot be kept" in dialog.error_label.text()
    assert dialog.isVisible() and not settings.path.exists() and server_answers == []


def test_tls_chosen_before_the_url_is_typed_stays_after_it(
    qtbot: QtBot, settings: Settings, memory_keyring: MemoryKeyring, server_answers: list[str]
) -> None:
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setChecked(True)
    combo = dialog.tls_fields.mode_combo
    combo.setCurrentIndex(combo.findData("verify-full"))
    dialog.url_edit.setFocus()
    qtbot.keyClicks(dialog.url_edit, "postgresql://ana@db.example.org/assetdesk")
    assert dialog.url_edit.text() == (
        "postgresql://ana@db.example.org/assetdesk?sslmode=verify-full"
    )
    assert dialog.tls_fields.options() == TlsOptions("verify-full")


def test_a_client_certificate_chosen_before_the_url_invents_no_url(
    qtbot: QtBot,
    settings: Settings,
    memory_keyring: MemoryKeyring,
    server_answers: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Browse… for a client certificate and key with the Server URL still empty wrote
    ``?sslcert=…&sslkey=…`` as the URL; the choice waits in the fields until a URL is
    typed, then joins it."""
    cert, key = tmp_path / "client.crt", tmp_path / "client.key"
    dialog = open_dialog(qtbot, settings)
    dialog.server_radio.setFocus()
    qtbot.keyClick(dialog.server_radio, Qt.Key.Key_Space)  # Shared server
    assert dialog.server_radio.isChecked() and dialog.tls_fields.cert_button.isEnabled()
    for button, path in (
        (dialog.tls_fields.cert_button, cert),
        (dialog.tls_fields.key_button, key),
    ):
        choose_file(monkeypatch, path)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.url_edit.text() == ""
    assert dialog.tls_fields.options() == TlsOptions(cert_file=str(cert), key_file=str(key))

    dialog.url_edit.setFocus()
    qtbot.keyClicks(dialog.url_edit, "postgresql://ana@db.example.org/assetdesk")
    assert dialog.url_edit.text() == (
        f"postgresql://ana@db.example.org/assetdesk?sslcert={cert}&sslkey={key}"
    )
    assert dialog.tls_fields.options() == TlsOptions(cert_file=str(cert), key_file=str(key))
