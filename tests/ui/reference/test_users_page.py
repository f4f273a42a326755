"""The reference data window's Users page: an administrator manages logins by its buttons.

Logins are named ``<test database>_<who>`` and dropped with the database
(tests/backends.drop_logins).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton

from desktop.services.users import add_user, admin_log, list_users
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.factories import World
from tests.ui.mnemonics import mnemonics
from tests.ui.reference.conftest import settle
from ui.gui.reference.dialog import ReferenceDataDialog
from ui.gui.reference.users_page import COLUMNS, UsersPage

PASSWORD = "admin-password-1"


def _click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture(params=["postgresql", "mariadb"])
def admin_window(
    request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[tuple[ReferenceDataDialog, Database, str]]:
    for owner in make_database(request.param, tmp_path, _sqlite_template_dir):
        owner.upgrade()
        with owner.connect() as connection:
            prefix = database_name(connection)
        admin = f"{prefix}_ada"
        add_user(owner, login=admin, roles=["administrator"], password=PASSWORD, name="Ada")
        as_admin = Database(owner.url.set(username=admin, password=PASSWORD))
        window = ReferenceDataDialog(as_admin, admin, page="users")
        window.show()
        settle(qtbot, window)
        yield window, owner, prefix
        settle(qtbot, window)
        window.close()
        window.deleteLater()
        as_admin.dispose()


def test_an_administrator_adds_changes_and_disables_a_login_by_the_buttons(
    qtbot: QtBot, admin_window: tuple[ReferenceDataDialog, Database, str]
) -> None:
    window, owner, prefix = admin_window
    page = window.users
    assert [row.login for row in page.rows] == [f"{prefix}_ada"]
    login = f"{prefix}_tom"
    page.login_edit.setText(login)
    page.name_edit.setText("Tom Tech")
    page.role_checks["technician"].setChecked(True)
    _click(qtbot, page.add_button)
    settle(qtbot, window)
    assert page.password_shown.isVisibleTo(page)
    shown = page.password_shown.text()
    assert len(shown) >= 16
    assert "Their password is below, shown this once" in page.message.text()
    tom = next(row for row in list_users(owner) if row.login == login)
    assert (tom.name, tom.roles, tom.active) == ("Tom Tech", ("technician",), True)

    page.select_login(login)
    page.role_checks["approver"].setChecked(True)
    _click(qtbot, page.roles_button)
    settle(qtbot, window)
    assert "now holds Technician, Approver" in page.message.text()  # as People says them
    tom_row = next(i for i, row in enumerate(page.rows) if row.login == login)
    cell = page.table.item(tom_row, 2)
    assert cell is not None and cell.text() == "Technician, Approver"

    page.select_login(login)
    _click(qtbot, page.password_button)
    settle(qtbot, window)
    assert page.password_shown.text() not in ("", shown)
    assert "shown this once" in page.message.text()

    # Ada may not lock herself out (the register's only administrator).
    page.select_login(f"{prefix}_ada")
    _click(qtbot, page.disable_button)
    settle(qtbot, window)
    assert "cannot disable your own login" in page.message.text()
    assert next(r for r in list_users(owner) if r.login == f"{prefix}_ada").active

    page.select_login(login)
    _click(qtbot, page.disable_button)
    settle(qtbot, window)
    tom = next(row for row in list_users(owner) if row.login == login)
    assert (tom.roles, tom.active) == (("technician", "approver"), False)
    actions = [entry.action for entry in admin_log(owner) if entry.target == login]
    assert sorted(actions) == ["add", "disable", "set-password", "set-role"]
    _check_states(page, {f"{prefix}_ada": "Active", login: "Disabled"})
    assert all(
        entry.actor == f"{prefix}_ada" for entry in admin_log(owner) if entry.target == login
    )


def _check_states(page: UsersPage, expected: dict[str, str]) -> None:
    """The State column says each login's state, as the person reads it."""
    table = page.table
    states = {}
    for index in range(table.rowCount()):
        login, state = table.item(index, 0), table.item(index, 3)
        assert login is not None and state is not None
        states[login.text()] = state.text()
    assert states == expected


def test_a_disabled_login_is_enabled_again_by_its_button(
    qtbot: QtBot, admin_window: tuple[ReferenceDataDialog, Database, str]
) -> None:
    """Disable had no way back in the window: Enable lets the login connect again, its
    person active again, recorded in the administration log as disabling is."""
    window, owner, prefix = admin_window
    page = window.users
    login = f"{prefix}_tess"
    add_user(owner, login=login, roles=["technician"], password="tess-password-1", name="Tess")
    page.reload()
    settle(qtbot, window)
    page.select_login(login)
    assert page.disable_button.isEnabled() and not page.enable_button.isEnabled()
    _click(qtbot, page.disable_button)
    settle(qtbot, window)
    _check_states(page, {f"{prefix}_ada": "Active", login: "Disabled"})
    page.select_login(login)
    assert page.enable_button.isEnabled() and not page.disable_button.isEnabled()
    _click(qtbot, page.enable_button)
    settle(qtbot, window)
    assert f"{login} is enabled" in page.message.text()
    _check_states(page, {f"{prefix}_ada": "Active", login: "Active"})
    tess = next(row for row in list_users(owner) if row.login == login)
    assert (tess.roles, tess.active) == (("technician",), True)
    entries = [entry for entry in admin_log(owner) if entry.target == login]
    assert sorted(entry.action for entry in entries) == ["add", "disable", "enable"]
    enabled = next(entry for entry in entries if entry.action == "enable")
    assert enabled.actor == f"{prefix}_ada"
    # The login connects again.
    as_tess = Database(owner.url.set(username=login, password="tess-password-1"))
    try:
        with as_tess.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        as_tess.dispose()


def test_on_a_local_file_the_page_says_why_and_offers_nothing(
    qtbot: QtBot, dialog: ReferenceDataDialog, sqlite_world: World
) -> None:
    dialog.show_page("users")
    settle(qtbot, dialog)
    page = dialog.users
    assert page.message.text().startswith("Users are database logins on a shared ")
    assert page.message.text().endswith("(its person is set in the settings or with --as).")
    assert not page.add_button.isEnabled()
    # Labels as every other form's: a colon and an Alt letter; roles as People says them.
    form = page.findChild(QFormLayout)
    assert form is not None
    labels = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        labels.append(label.text() if isinstance(label, QLabel) else "")
    assert labels == ["&Login:", "&Name:", "Roles:"]
    checks = [check.text().replace("&", "") for check in page.role_checks.values()]
    assert checks == ["Viewer", "Technician", "Approver", "Auditor", "Administrator"]
    buttons = [
        page.add_button,
        page.roles_button,
        page.disable_button,
        page.enable_button,
        page.password_button,
    ]
    assert all("&" in button.text() for button in buttons)
    assert {k: v for k, v in mnemonics(dialog).items() if len(v) > 1} == {}
    assert page.rows == []


def test_a_login_s_roles_are_shown_whole(
    qtbot: QtBot, admin_window: tuple[ReferenceDataDialog, Database, str]
) -> None:
    """A team lead gave herself three roles: the Roles column said "Technician,
    Approver, …" in a column of a hundred pixels, the rest of the table empty."""
    window, _owner, prefix = admin_window
    page = window.users
    page.select_login(f"{prefix}_ada")
    for role in ("technician", "approver", "administrator"):
        page.role_checks[role].setChecked(True)
    _click(qtbot, page.roles_button)
    settle(qtbot, window)
    column = COLUMNS.index("Roles")
    item = page.table.item(0, column)
    assert item is not None and item.text() == "Technician, Approver, Administrator"
    needed = page.table.fontMetrics().horizontalAdvance(item.text())
    assert page.table.columnWidth(column) > needed


def test_after_add_login_the_form_is_empty_for_the_next_person(
    qtbot: QtBot, admin_window: tuple[ReferenceDataDialog, Database, str]
) -> None:
    """The fields kept the login just added: Add login again said it exists, and the next
    person typed in got the first one's roles unless each box was unticked — here an
    administrator's. Typed and pressed as an administrator does, Alt letters included."""
    window, owner, prefix = admin_window
    page = window.users
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.login_edit.setFocus()
    qtbot.keyClicks(page.login_edit, f"{prefix}_amy")
    qtbot.keyClick(page.login_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.name_edit, "Amy Admin")
    qtbot.keyClick(page.name_edit, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.role_checks["administrator"].isChecked)  # a button's Alt: animated
    qtbot.keyClick(page.name_edit, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Added Amy Admin" in page.message.text(), timeout=20_000)
    settle(qtbot, window)
    assert page.password_shown.isVisibleTo(page)
    assert (page.login_edit.text(), page.name_edit.text()) == ("", "")
    assert not [role for role, check in page.role_checks.items() if check.isChecked()]
    assert page.login_edit.hasFocus()

    qtbot.keyClicks(page.login_edit, f"{prefix}_tim")
    qtbot.keyClick(page.login_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.name_edit, "Tim Tech")
    qtbot.keyClick(page.name_edit, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.role_checks["technician"].isChecked)
    qtbot.keyClick(page.name_edit, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Added Tim Tech" in page.message.text(), timeout=20_000)
    settle(qtbot, window)
    roles = {row.login: row.roles for row in list_users(owner)}
    assert roles[f"{prefix}_amy"] == ("administrator",)
    assert roles[f"{prefix}_tim"] == ("technician",)


def test_a_login_added_is_a_member_to_tick_on_the_groups_page(
    qtbot: QtBot, admin_window: tuple[ReferenceDataDialog, Database, str]
) -> None:
    """An administrator (newuser27, under Xvfb) added Tia Tech on Users and logins, then
    opened Groups to put her in Field services: she was not among the members to tick
    until another group was saved. The Groups page reads the people again."""
    window, _owner, prefix = admin_window
    page = window.users
    page.login_edit.setText(f"{prefix}_tia")
    page.name_edit.setText("Tia Tech")
    page.role_checks["technician"].setChecked(True)
    _click(qtbot, page.add_button)
    settle(qtbot, window)
    groups_row = next(
        row
        for row in range(window.page_list.count())
        if window.page_list.item(row).text() == "Groups"
    )
    item = window.page_list.item(groups_row)
    rect = window.page_list.visualItemRect(item)
    qtbot.mouseClick(window.page_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    settle(qtbot, window)
    members = window.groups.members
    names = [members.item(row).text() for row in range(members.count())]
    assert any(name.startswith("Tia Tech") for name in names), names
