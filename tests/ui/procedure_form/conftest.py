"""A seeded SQLite world and a helper that opens procedure forms and waits for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from desktop.domain.lifecycle import ProcedureKind
from desktop.storage.database import Database
from tests.factories import World, seed_world
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.editors import FieldEditor, ReferenceEditor

OpenForm = Callable[..., ProcedureDialog]


def pick(editor: FieldEditor, text: str) -> None:
    """Type ``text`` into a pick list's edit field, as a user does before Tab."""
    assert isinstance(editor, ReferenceEditor), editor
    editor.combo.setEditText(text)


@pytest.fixture
def sqlite_world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


@pytest.fixture
def open_form(qtbot: QtBot, sqlite_world: World) -> Iterator[OpenForm]:
    opened: list[ProcedureDialog] = []

    def open_(
        kind: ProcedureKind, tags: list[str] | None = None, user: str = "tech"
    ) -> ProcedureDialog:
        dialog = ProcedureDialog(sqlite_world.db, user, kind, tags or [])
        opened.append(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.is_ready() and not dialog.is_busy(), timeout=20_000)
        return dialog

    yield open_
    # Not qtbot.addWidget: pytest-qt deletes those before fixtures end, which could pull
    # a dialog from under a worker thread that is still finishing.
    qtbot.waitUntil(lambda: not any(d.is_busy() for d in opened), timeout=20_000)
    for dialog in opened:
        dialog.close()
        dialog.deleteLater()
