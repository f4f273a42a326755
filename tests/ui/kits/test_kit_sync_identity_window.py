"""Field kit › Sync… says to which database and as whom before it starts (a new user's
finding): Tina, in a window on the shared register as her own login, names Tom's kit
file; the dialog says it syncs with Tom's server as Tom's login (Tom Tech) — a kit finds
its server and login itself — before Preview is pressed and as the preview starts, and
the preview acts as Tom, not as the window's Tina. PostgreSQL, logins made by
``users add`` (tests/ui/kits/test_kit_sync_identity_cli.register).
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from desktop.settings import Settings
from desktop.storage.database import Database
from tests.journeys.conftest import trigger
from tests.ui.kits.test_kit_sync_identity_cli import Register, _tom_kit_with_one_move, register
from ui.gui.kits.sync_dialog import SyncDialog
from ui.gui.layout_state import LayoutState
from ui.gui.main_window import MainWindow

__all__ = ["register"]


def test_the_sync_dialog_names_the_kits_server_and_login_before_it_starts(
    qtbot: QtBot, register: Register, tmp_path: Path
) -> None:
    kit = _tom_kit_with_one_move(register, tmp_path)
    as_tina = Database(register.tina)
    window = MainWindow(
        as_tina, Settings(tmp_path / "tina.ini"), layout_state=LayoutState(tmp_path / "l.ini")
    )
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.model.matching_assets is not None, timeout=20_000)
        assert window.username == register.tina_login  # the window is Tina's
        trigger(window.kit.sync_action)
        dialog = window.open_dialogs[-1]
        assert isinstance(dialog, SyncDialog)
        dialog.path.setFocus()
        qtbot.keyClicks(dialog.path, str(kit))

        who = f"{register.tom_login} (Tom Tech)"
        assert dialog.syncs_with.text() == f"{register.tom} as {who}"
        assert dialog.syncs_with.isVisible()
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
        assert dialog.message.text() == f"Syncing {kit} to {register.tom} as {who} (preview)…"
        qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None, timeout=30_000)
        assert dialog.message.text().startswith("Preview: 1 record would be replayed (1 applied)")
        assert [r[2] for r in dialog.rows()] == ["applied"]
        assert dialog.syncs_with.text() == f"{register.tom} as {who}"  # still said
        dialog.reject()
    finally:
        window.close()
        as_tina.dispose()
