"""On a shared server the window signs in as the login's person, and says why when the
settings name somebody else (issue 15, point 1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.users import add_user
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.factories import seed_world
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

PASSWORD = "technician-password"


@pytest.fixture
def tom(tmp_path: Path, _sqlite_template_dir: Path) -> Iterator[tuple[Database, str]]:
    for owner in make_database("postgresql", tmp_path, _sqlite_template_dir):
        owner.upgrade()
        seed_world(owner)
        with owner.connect() as connection:
            login = f"{database_name(connection)}_tom"
        add_user(owner, login=login, roles=["technician"], password=PASSWORD, name="Tom")
        as_tom = Database(owner.url.set(username=login, password=PASSWORD))
        yield as_tom, login
        as_tom.dispose()


def _window(qtbot: QtBot, database: Database, settings: Settings, tmp_path: Path) -> MainWindow:
    window = MainWindow(database, settings, layout_state=LayoutState(tmp_path / "layout"))
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_window_signs_in_as_the_logins_person(
    qtbot: QtBot, tom: tuple[Database, str], tmp_path: Path
) -> None:
    database, login = tom
    window = _window(qtbot, database, Settings(tmp_path / "settings.ini"), tmp_path)
    qtbot.waitUntil(
        lambda: window.view.user_label.text() == f"Signed in as {login}", timeout=15_000
    )


def test_settings_naming_somebody_else_are_refused_with_the_reason(
    qtbot: QtBot, tom: tuple[Database, str], tmp_path: Path
) -> None:
    database, login = tom
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    window = _window(qtbot, database, settings, tmp_path)
    qtbot.waitUntil(
        lambda: window.view.user_label.text().startswith("Not signed in"), timeout=15_000
    )
    assert window.username == ""
    why = window.view.user_label.toolTip()
    assert f"as the login '{login}'" in why and "cannot act as Tess Tech (tech)" in why
