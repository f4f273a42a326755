"""On a shared server the form's "Performed by" is the login's own person (found by a new
user: Tina chose Tom there, filled in the whole form, and Record was refused with words
about "--as (or the user in the settings)"). A local file still offers everyone.

Logins are named ``<test database>_<who>`` and dropped with the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.users import add_user
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.factories import seed_world
from ui.gui.procedure_form.dialog import ProcedureDialog

PASSWORD = "tina-password-1"


def _open(qtbot: QtBot, database: Database, user: str) -> ProcedureDialog:
    dialog = ProcedureDialog(database, user, ProcedureKind.RECEIVE, [])
    dialog.show()
    qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
    return dialog


def _close(qtbot: QtBot, dialog: ProcedureDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    dialog.close()
    dialog.deleteLater()


@pytest.fixture(params=["postgresql", "mariadb"])
def as_tina(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[tuple[Database, str]]:
    for owner in make_database(request.param, tmp_path, _sqlite_template_dir):
        owner.upgrade()
        with owner.connect() as connection:
            login = f"{database_name(connection)}_tina"
        add_user(owner, login=login, roles=["technician"], password=PASSWORD, name="Tina Tech")
        database = Database(owner.url.set(username=login, password=PASSWORD))
        yield database, login
        database.dispose()


def test_the_performer_is_the_login_s_person(qtbot: QtBot, as_tina: tuple[Database, str]) -> None:
    database, login = as_tina
    dialog = _open(qtbot, database, login)
    try:
        view = dialog.view
        assert view is not None
        field = view.performed_by
        assert field.combo.currentText().startswith("Tina Tech")
        assert not field.widget.isEnabled()
        assert "login" in field.widget.toolTip()
        assert view.performer_username() == login
        # The keyboard goes past it: Tab from the subject never lands in it.
        view.ticket.edit.setFocus()
        QTest.keyClick(view.ticket.edit, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        assert not field.combo.hasFocus()
    finally:
        _close(qtbot, dialog)


def test_a_local_file_still_offers_everyone(qtbot: QtBot, sqlite_db: Database) -> None:
    world = seed_world(sqlite_db)
    dialog = _open(qtbot, world.db, "tech")
    try:
        assert dialog.view is not None and dialog.view.performed_by.widget.isEnabled()
    finally:
        _close(qtbot, dialog)
