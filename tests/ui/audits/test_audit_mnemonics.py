"""The audits window's toolbar buttons show their Alt letter and shortcut, each letter
once; the Start-an-audit form's labels end in a colon as every other form's do (a new
user found "Name", "Scope", "Categories" and toolbar buttons with neither)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QToolButton

from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.storage.database import Database
from desktop.storage.models import Asset
from tests.factories import seed_world
from tests.journeys.windows import message_box
from tests.ui.mnemonics import mnemonics
from tests.ui.windows import closed
from ui.gui.audits import AuditWindow
from ui.gui.audits.reconciliation_view import ReconciliationView
from ui.gui.audits.start_audit_dialog import StartAuditDialog


def test_toolbar_letters_and_shortcuts_and_the_start_form(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    seed_world(sqlite_db)
    window = AuditWindow(sqlite_db, "auditor")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    buttons = {b.text() for b in window.findChildren(QToolButton) if b.isVisible() and b.text()}
    assert {
        "&Start audit… (Ctrl+N)",
        "S&can (Ctrl+S)",
        "&Reconcile (Ctrl+K)",
        "Save re&port… (Ctrl+E)",
        "Room &labels… (Ctrl+P)",
        "Re&fresh (F5)",
    } <= buttons
    letters = mnemonics(window)
    assert {"s", "c", "r", "p", "l", "f"} <= set(letters)
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.start_action.isEnabled()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(StartAuditDialog)))
    dialog = window.findChildren(StartAuditDialog)[0]
    qtbot.waitUntil(dialog.isVisible)
    form = dialog.findChild(QFormLayout)
    assert form is not None
    labels = []
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            labels.append(label.text())
    assert labels == ["&Name:", "S&cope:", "C&ategories:"]
    assert {k: v for k, v in mnemonics(dialog).items() if len(v) > 1} == {}
    dialog.reject()


def test_reconciliation_alt_letters_each_do_their_button(qtbot: QtBot, sqlite_db: Database) -> None:
    """Alt+M records the moves of a closed audit (Mark missing had M too: Alt+M only
    moved the focus, found by newuser6); Save report… is Alt+P, as in the audits window,
    leaving R to Receive unknown tags…."""
    world = seed_world(sqlite_db)
    for tag in ("LAP-1", "LAP-3"):
        world.receive(tag=tag)
    world.install("LAP-3")  # to Room A2: scanned in Room A1, it is misplaced
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor", name="HQ")
    room = record_scan(world.db, audit_id=audit.id, raw="ROOM-A1", scanned_by="auditor").room_id
    for tag in ("LAP-1", "LAP-3"):
        record_scan(world.db, audit_id=audit.id, raw=tag, scanned_by="auditor", room_id=room)
    close_audit(world.db, audit_id=audit.id, closed_by="auditor")
    view = ReconciliationView(world.db, "auditor", audit.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.moves_button.isEnabled(), timeout=5000)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.keyClick(view.tabs, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    # Asked first, naming where it goes (it wrote at once: newuser16); Esc leaves it.
    box = message_box(qtbot, containing="Move 1 asset to where the audit found it")
    assert "LAP-3 to Room A1" in box.text()
    qtbot.waitUntil(box.isActiveWindow)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(box))
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    with world.db.read() as session:
        stays = session.execute(select(Asset.location_id).where(Asset.tag == "LAP-3"))
        assert stays.scalar_one() == world.room_b
    qtbot.keyClick(view.tabs, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    box = message_box(qtbot, containing="Move 1 asset to where the audit found it")
    qtbot.waitUntil(box.isActiveWindow)
    qtbot.keyClick(box, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Record &moves
    qtbot.waitUntil(lambda: "recorded" in view.status.text(), timeout=5000)
    assert view.status.text() == "Record the moves of misplaced assets: 1 recorded."
    # Done: greyed, saying why (it stayed offered, asked again and then said "0 recorded,
    # 1 already done or not possible"; newuser16). The asset stays listed as scanned.
    qtbot.waitUntil(lambda: not view.moves_button.isEnabled(), timeout=5000)
    assert view.moves_button.toolTip() == (
        "Every misplaced asset is recorded where it was found already"
    )
    assert view.tabs.tabText(2) == "Misplaced (1)"

    # Set last audited (Alt+A) asks first too, and is greyed once done (newuser16).
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.keyClick(view.tabs, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    box = message_box(qtbot, containing="Set “last audited” on 2 assets found")
    qtbot.waitUntil(box.isActiveWindow)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(box))
    with world.db.read() as session:
        audited = select(Asset.last_audited_at).where(Asset.tag.in_(["LAP-1", "LAP-3"]))
        assert set(session.scalars(audited)) == {None}
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    qtbot.keyClick(view.tabs, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    box = message_box(qtbot, containing="Set “last audited” on 2 assets found")
    qtbot.waitUntil(box.isActiveWindow)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Set last &audited
    done = "Set “last audited” on everything found: 2 recorded."
    qtbot.waitUntil(lambda: view.status.text() == done, timeout=5000)
    qtbot.waitUntil(lambda: not view.audited_button.isEnabled(), timeout=5000)
    assert view.audited_button.toolTip() == "Every asset found is marked audited already"
    with world.db.read() as session:
        moved = session.execute(select(Asset.location_id).where(Asset.tag == "LAP-3"))
        assert moved.scalar_one() == world.room_a
    assert {k: v for k, v in mnemonics(view).items() if len(v) > 1} == {}
