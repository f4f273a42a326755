"""The conflict queue screen (issue 16, point 4), through the window's Field kit ›
Conflicts… and the screen's buttons: each conflict shows the procedure it came from and
base / server / kit values field by field; keeping the server's, re-applying the kit's
and recording typed values each settle one, recorded, and the queue empties.

Set-up through the engine: Room A2 checked out; three assets moved to Room A1 in the kit
and, meanwhile, to the Branch store on the shared database; the sync queues three
conflicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop import kits
from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from desktop.storage.models.kits import KitConflict
from tests.journeys.conftest import trigger
from tests.ui.gui.conftest import Register, _register_template, register
from tests.ui.kits.test_kit_window import window_on
from tests.ui.mnemonics import mnemonics
from ui.gui.kits.conflict_queue import EDIT_COLUMN, ConflictQueue

__all__ = ["_register_template", "register", "window_on"]

TAGS = ("LAP-00005", "MON-00010", "LAP-00015")  # in Room A2


def _move(db: Database, tag: str, location: object, by: str) -> None:
    record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=by,
            asset_tag=tag,
            values={"location": location},
            answers={"change_type": "Move"},
            reason="moved offline" if by == "tech" else "moved meanwhile",
        ),
    )


def _three_conflicts(register: Register, tmp_path: Path) -> Path:
    world = register.world
    kit_path = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(world.room_b,)), "tech", kit_path)
    kit = Database(f"sqlite:///{kit_path}")
    try:
        for tag in TAGS:
            _move(kit, tag, world.room_a, "tech")
            _move(register.db, tag, world.other_site_room, "tech2")
        report = kits.sync(kit, register.db, "tech")
    finally:
        kit.dispose()
    assert [r.outcome for r in report.results] == [kits.Outcome.CONFLICT] * len(TAGS)
    return kit_path


def _location(register: Register, tag: str) -> object:
    with register.db.read() as session:
        return session.execute(select(Asset.location_id).where(Asset.tag == tag)).scalar_one()


def _text(queue: ConflictQueue, row: int, column: int) -> str:
    item = queue.fields.item(row, column)
    return item.text() if item is not None else ""


def _cells(queue: ConflictQueue) -> dict[str, list[str]]:
    table = queue.fields
    return {
        _text(queue, r, 0): [_text(queue, r, c) for c in range(1, table.columnCount())]
        for r in range(table.rowCount())
    }


def _type_your_value(qtbot: QtBot, queue: ConflictQueue, label: str, value: str) -> None:
    """Double-click the field's "Your value" cell, replace its text, press Enter."""
    row = next(r for r in range(queue.fields.rowCount()) if _text(queue, r, 0) == label)
    queue.activateWindow()
    mine = queue.fields.item(row, EDIT_COLUMN)
    assert mine is not None
    cell = queue.fields.visualItemRect(mine).center()
    qtbot.mouseClick(queue.fields.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(queue.fields.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, value)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view takes the value a moment later
    qtbot.waitUntil(lambda: _text(queue, row, EDIT_COLUMN) == value)


def _open_queue(qtbot: QtBot, window: Any, count: int) -> ConflictQueue:
    """Field kit › Conflicts… in ``window``, once it lists ``count`` conflicts."""
    trigger(window.kit.conflicts_action)
    queue = window.open_dialogs[-1]
    assert isinstance(queue, ConflictQueue)
    qtbot.waitUntil(lambda: queue.listing.count() == count and not queue.busy(), timeout=20_000)
    return queue


def _keep_servers(qtbot: QtBot, queue: ConflictQueue) -> None:
    """Answer "Keep the server's values for conflict #…?" with its Alt+K."""
    qtbot.waitUntil(lambda: queue.question is not None and queue.question.isVisible())
    question = queue.question
    assert question is not None
    qtbot.waitUntil(question.isActiveWindow)
    qtbot.keyClick(
        QApplication.focusWidget() or question, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier
    )


def _settle(qtbot: QtBot, queue: ConflictQueue, button: Any, left: int) -> str:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if button is queue.take_server:
        _keep_servers(qtbot, queue)
    qtbot.waitUntil(
        lambda: (
            queue.listing.count() == left and not queue.busy() and "settled" in queue.message.text()
        ),
        timeout=20_000,
    )
    return queue.message.text()


def test_each_conflict_is_shown_field_by_field_and_settled_through_the_buttons(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    kit = _three_conflicts(register, tmp_path)
    world = register.world

    # In the kit: the banner counts them, and Conflicts… reads the queue on the server.
    kit_db = Database(f"sqlite:///{kit}")
    kit_window = window_on(kit_db, "tech")
    qtbot.waitUntil(kit_window.kit.banner.isVisible, timeout=10_000)
    assert "3 conflicts to settle" in kit_window.kit.banner.plain_text()
    from_kit = _open_queue(qtbot, kit_window, 3)
    from_kit.close()
    kit_window.close()
    kit_db.dispose()

    queue = _open_queue(qtbot, window_on(register.db, "tech2"), 3)
    assert queue.message.text() == "3 open conflicts."
    assert [queue.listing.item(i).text().split()[1] for i in range(3)] == list(TAGS)

    # The first: the procedure it came from, and each value side by side.
    heading = queue.heading.text()
    assert TAGS[0] in heading and "Made offline: <b>Change</b>" in heading and "by tech" in heading
    assert queue.listing.item(0).text().endswith("change: Location")
    location = _cells(queue)["Location"]
    assert location[0].endswith("Room A2")  # at checkout
    assert location[1].endswith("Branch store")  # on the server now
    assert location[2].endswith("Room A1")  # in the kit
    assert location[3] == location[2]  # "Your value" starts from the kit's

    # Keep the server's: nothing changes on the asset; the decision is recorded.
    qtbot.keyClicks(queue.note, "it is at the branch now")
    text = _settle(qtbot, queue, queue.take_server, left=2)
    assert text.startswith("Conflict #") and "the server's values kept" in text
    assert _location(register, TAGS[0]) == world.other_site_room

    # Re-apply the kit's: a new procedure moves it where the kit said.
    assert TAGS[1] in queue.heading.text()
    text = _settle(qtbot, queue, queue.reapply_kit, left=1)
    assert "the kit's values re-applied" in text and "Recorded as the procedure" in text
    assert _location(register, TAGS[1]) == world.room_a

    # Record my values: a room nobody knows is refused, naming it; then the room's code.
    assert TAGS[2] in queue.heading.text()
    _type_your_value(qtbot, queue, "Location", "Narnia")
    qtbot.mouseClick(queue.record_edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Narnia" in queue.message.text() and not queue.busy(), timeout=20_000)
    assert queue.listing.count() == 1 and queue.record_edit.isEnabled()
    _type_your_value(qtbot, queue, "Location", "room-a2")  # Room A2's label code
    text = _settle(qtbot, queue, queue.record_edit, left=0)
    assert "values edited and recorded" in text
    assert _location(register, TAGS[2]) == world.room_b

    # Nothing open is left; the settled ones stay visible, with who settled them.
    queue.show_settled.setChecked(True)
    qtbot.waitUntil(lambda: queue.listing.count() == 3 and not queue.busy(), timeout=20_000)
    assert all("[settled:" in queue.listing.item(i).text() for i in range(3))
    queue.listing.setCurrentRow(0)
    assert (
        "Settled by" in queue.heading.text() and "it is at the branch now" in queue.heading.text()
    )
    assert not queue.take_server.isEnabled()
    (server_kept,) = [
        c for c in kits.conflicts(register.db, include_resolved=True) if c.asset_tag == TAGS[0]
    ]
    assert server_kept.resolution is kits.Choice.TAKE_SERVER and server_kept.resolved_by == "tech2"
    with register.db.read() as session:
        moves = session.execute(
            select(Procedure.id)
            .join(Asset, Asset.id == Procedure.asset_id)
            .where(Asset.tag == TAGS[1])
        ).all()
    assert len(moves) == 4  # receive, install, the server's move, and the re-applied one
    queue.close()

    # Back in the kit: it counted three at its sync; a look at the queue counts again
    # (a new user saw "2 conflicts to settle" after settling both).
    kit_db = Database(f"sqlite:///{kit}")
    kit_window = window_on(kit_db, "tech")
    qtbot.waitUntil(kit_window.kit.banner.isVisible, timeout=10_000)
    assert "3 conflicts to settle" in kit_window.kit.banner.plain_text()
    from_kit = _open_queue(qtbot, kit_window, 0)
    from_kit.close()
    qtbot.waitUntil(lambda: "to settle" not in kit_window.kit.banner.plain_text(), timeout=10_000)
    kit_window.close()
    kit_db.dispose()


def test_settled_from_the_kit_window_says_the_kit_shows_it_after_a_sync(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """A new user settled a conflict from the kit's window with their own values: the
    shared database had them, the kit still showed its old value beside "its data is
    fresh". The message says where the outcome is and when the kit shows it."""
    kit = _three_conflicts(register, tmp_path)
    kit_db = Database(f"sqlite:///{kit}")
    kit_window = window_on(kit_db, "tech")
    qtbot.waitUntil(kit_window.kit.banner.isVisible, timeout=10_000)
    queue = _open_queue(qtbot, kit_window, 3)
    text = _settle(qtbot, queue, queue.reapply_kit, left=2)
    assert "Recorded as the procedure" in text
    assert "this kit shows it after its next sync" in text
    # The service's message is a sentence of its own ("… (completed) The shared" ran on).
    assert "(completed). The shared database has it;" in text
    queue.close()
    kit_window.close()
    kit_db.dispose()


def test_a_scan_into_an_audit_closed_meanwhile_can_only_be_kept_as_the_server_has_it(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Only a procedure can be recorded again: for a scan the two other choices are greyed
    with the reason, where they were offered and then refused after the click."""
    from desktop.services.audit_scans import record_scan
    from desktop.services.audits import close_audit, start_audit

    world = register.world
    audit = start_audit(register.db, scope_location_id=world.room_b, started_by="auditor")
    kit_path = tmp_path / "audit.adkit"
    kits.checkout(register.db, kits.Scope(audit_id=audit.id), "auditor", kit_path)
    kit = Database(f"sqlite:///{kit_path}")
    try:
        record_scan(kit, audit_id=audit.id, raw=TAGS[0], scanned_by="auditor")
        close_audit(register.db, audit_id=audit.id, closed_by="auditor")
        report = kits.sync(kit, register.db, "auditor")
    finally:
        kit.dispose()
    assert [r.outcome for r in report.results] == [kits.Outcome.CONFLICT]

    queue = _open_queue(qtbot, window_on(register.db, "auditor"), 1)
    assert "Conflict #1: scan" in queue.heading.text()
    assert "Procedure" not in queue.heading.text()
    assert not queue.reapply_kit.isEnabled() and not queue.record_edit.isEnabled()
    assert "only the server's can be kept" in queue.reapply_kit.toolTip()
    text = _settle(qtbot, queue, queue.take_server, left=0)
    assert "settled" in text


def test_alt_s_keeps_the_servers_values(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """ "Show &settled conflicts too" shared S with "Keep the &server's": Alt+S only moved
    the focus between them and settled nothing (newuser6). Each letter is one control now."""
    _three_conflicts(register, tmp_path)
    queue = _open_queue(qtbot, window_on(register.db, "tech2"), 3)
    queue.activateWindow()
    qtbot.waitUntil(queue.isActiveWindow)
    qtbot.keyClick(queue.listing, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    _keep_servers(qtbot, queue)
    qtbot.waitUntil(
        lambda: queue.listing.count() == 2 and "settled" in queue.message.text(), timeout=20_000
    )
    assert "the server's values kept" in queue.message.text()
    assert _location(register, TAGS[0]) == register.world.other_site_room
    assert {k: v for k, v in mnemonics(queue).items() if len(v) > 1} == {}


def test_a_custom_field_is_named_by_its_title(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """The laptops' "RAM (GB)" was listed as "Ram gb" in the queue (the sync stored the
    key made readable); it is named as the asset's category names it."""
    kit_path = tmp_path / "kit.adkit"
    kits.checkout(register.db, kits.Scope(location_ids=(register.world.room_b,)), "tech", kit_path)
    kit = Database(f"sqlite:///{kit_path}")
    try:
        for db, value, by in ((kit, 32, "tech"), (register.db, 16, "tech2")):
            record_procedure(
                db,
                ProcedureRequest(
                    kind=ProcedureKind.CHANGE,
                    performed_by=by,
                    asset_tag=TAGS[0],
                    values={"custom.ram_gb": value},
                    answers={"change_type": "Upgrade"},
                ),
            )
        kits.sync(kit, register.db, "tech")
    finally:
        kit.dispose()
    queue = _open_queue(qtbot, window_on(register.db, "tech2"), 1)
    assert queue.listing.item(0).text().endswith("change: RAM (GB)")
    assert _cells(queue)["RAM (GB)"][1:3] == ["16", "32"]
    assert "the server changed RAM (GB) to “16”" in queue.heading.text()


def test_the_note_is_reached_with_alt_n_and_kept_with_the_resolution(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """The note field had no label and no letter: only the mouse got there (Tab moves from
    cell to cell in the fields table above it)."""
    _three_conflicts(register, tmp_path)
    queue = _open_queue(qtbot, window_on(register.db, "tech2"), 3)
    queue.activateWindow()
    qtbot.waitUntil(queue.isActiveWindow)
    queue.listing.setFocus()
    qtbot.keyClick(queue.listing, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is queue.note
    qtbot.keyClicks(QApplication.focusWidget(), "seen at the branch")
    qtbot.keyClick(queue.note, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    _keep_servers(qtbot, queue)
    qtbot.waitUntil(
        lambda: queue.listing.count() == 2 and "settled" in queue.message.text(), timeout=20_000
    )
    queue.show_settled.setChecked(True)
    qtbot.waitUntil(lambda: queue.listing.count() == 3 and not queue.busy(), timeout=20_000)
    queue.listing.setCurrentRow(0)
    assert "seen at the branch" in queue.heading.text()
    assert {k: v for k, v in mnemonics(queue).items() if len(v) > 1} == {}


def test_the_queue_says_who_changed_the_server_and_who_changed_the_kit_and_when(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Base, server and kit values were shown with no word of who set the server's (Tom
    moved it to the Branch store) and who the kit's (Tess, offline), nor when."""
    from desktop.storage.models import Person
    from ui.gui.kits.age import local_time_text

    _three_conflicts(register, tmp_path)
    with register.db.read() as session:
        tom = session.execute(select(Person.id).where(Person.username == "tech2")).scalar_one()
        asset = session.execute(select(Asset.id).where(Asset.tag == TAGS[0])).scalar_one()
        server_move = (
            session.execute(
                select(Procedure.performed_at)
                .where(Procedure.asset_id == asset, Procedure.performed_by_id == tom)
                .order_by(Procedure.performed_at.desc())
            )
            .scalars()
            .first()
        )
    assert server_move is not None
    first = kits.conflicts(register.db)[0]
    queue = _open_queue(qtbot, window_on(register.db, "tech2"), 3)
    heading = queue.heading.text()
    assert (
        f"On the server, changed by</td><td><b>Tom Tech (tech2), {local_time_text(server_move)}</b>"
    ) in heading
    assert (
        "In the kit, changed by</td><td><b>Tess Tech (tech), "
        f"{local_time_text(first.performed_at)}</b>"
    ) in heading
    queue.close()


def test_keeping_the_servers_values_is_asked_first_and_enter_keeps_the_conflict_open(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Alt+S settled a conflict at once, leaving the kit's offline work unapplied for
    good. It asks now; Enter (Cancel is the default) and Esc keep the conflict open and
    write nothing; the question's Alt+K settles it."""
    _three_conflicts(register, tmp_path)
    queue = _open_queue(qtbot, window_on(register.db, "tech2"), 3)
    queue.activateWindow()
    qtbot.waitUntil(queue.isActiveWindow)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        qtbot.keyClick(queue.listing, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: queue.question is not None and queue.question.isVisible())
        question = queue.question
        assert question is not None
        assert f"({queue.current().asset_tag})?" in question.text(), question.text()
        qtbot.waitUntil(question.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget() or question, key)
        qtbot.waitUntil(lambda: queue.question is None and queue.isActiveWindow())
        assert not queue.busy() and queue.listing.count() == 3
        assert "settled" not in queue.message.text()
    assert _location(register, queue.current().asset_tag) == register.world.other_site_room
    with register.db.read() as session:
        settled = select(KitConflict).where(KitConflict.resolution.is_not(None))
        assert session.scalars(settled).all() == []
    qtbot.keyClick(queue.listing, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    _keep_servers(qtbot, queue)
    qtbot.waitUntil(
        lambda: queue.listing.count() == 2 and "settled" in queue.message.text(), timeout=20_000
    )


def test_settled_from_a_checked_in_kit_window_does_not_promise_a_next_sync(
    qtbot: QtBot, window_on: Any, register: Register, tmp_path: Path
) -> None:
    """Checked in with conflicts left (the check-in says to settle them in Field kit ›
    Conflicts…), then settled from the returned kit's window: the message said "this kit
    shows it after its next sync (Field kit › Sync…)" — but a returned kit is never synced
    again, its Sync is greyed (newuser25, under Xvfb). It says where the values are."""
    kit = _three_conflicts(register, tmp_path)
    kit_db = Database(f"sqlite:///{kit}")
    assert kits.sync(kit_db, register.db, "tech", check_in=True).returned
    kit_window = window_on(kit_db, "tech")
    qtbot.waitUntil(lambda: "Checked in" in kit_window.kit.banner.plain_text(), timeout=10_000)
    assert not kit_window.kit.sync_action.isEnabled()
    queue = _open_queue(qtbot, kit_window, 3)
    qtbot.waitUntil(lambda: "3 conflicts to settle" in kit_window.kit.banner.plain_text())
    text = _settle(qtbot, queue, queue.reapply_kit, left=2)
    # The banner counts what is left (it kept saying 3: a checked-in kit's count was
    # never written again).
    qtbot.waitUntil(
        lambda: "2 conflicts to settle" in kit_window.kit.banner.plain_text(), timeout=10_000
    )
    assert "Recorded as the procedure" in text
    assert "next sync" not in text, text
    assert "this kit was checked in and keeps its old values" in text, text
    assert "Back to the database" in text, text
    queue.close()
    kit_window.close()
    kit_db.dispose()
