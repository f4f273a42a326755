"""Two README screenshots that show a moment, not a screen as it opens (see ``screenshots``):
scanning a one-room audit, and the procedure form's person picker with its suggestions.

Both are made through the screens' own doors: the scans go through the scan screen as a
scanner's Enter does, the person's name is typed as key events into the pick list. The
suggestion list is a window of its own, so it is painted onto the form's picture where it
stands on the screen (a widget's grab leaves its popups out).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QComboBox, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.audits import start_audit
from desktop.storage.database import Database
from desktop.storage.models import Asset, Location, Person, Role

Settle = Callable[[int], None]
Save = Callable[[QWidget, Path], Path]
#: Typed into the "Assigned to" pick list: a part of several people's names.
PERSON_TYPED = "an"


def select_in_register(window: QWidget, asset_id: object, settle: Settle) -> None:
    """Select the asset in the register and wait until it is (an asset on no page held is
    found on a worker), 10 s at most."""
    window.select_asset(asset_id)  # type: ignore[attr-defined]
    for _ in range(500):
        if not window.selection_pending():  # type: ignore[attr-defined]
            return
        settle(20)


def loaded(dialog: QWidget, settle: Settle) -> None:
    """Wait until the dialog's reads on workers have ended (a form's template and pick
    lists), 20 s at most: on a loaded machine a fixed wait showed "Loading the form…", and
    the person picker found no form."""
    is_busy = getattr(dialog, "is_busy", None)
    for _ in range(1000):
        if not callable(is_busy) or not is_busy():
            return
        settle(20)


def render_one_room_audit(database: Database, out: Path, settle: Settle, save: Save) -> list[Path]:
    """An audit of the busiest room without sub-locations: the screen opens in that room
    (no label to scan); an asset of another room, an unknown tag and four of its assets."""
    from PySide6.QtTest import QTest  # the bundle leaves QtTest out: only when run

    from ui.gui.audits.scan_screen import ScanScreen

    with database.read() as session:
        auditor = session.execute(
            select(Person.username).join(Person.roles).where(Role.name == "auditor").limit(1)
        ).scalar_one()
        below = select(Location.parent_id).where(Location.parent_id.is_not(None))
        room_id = session.execute(
            select(Location.id)
            .join(Asset, Asset.location_id == Location.id)
            .where(Location.kind == "room", Location.id.not_in(below))
            .where(Asset.status == "in_service")
            .group_by(Location.id)
            .order_by(func.count(Asset.id).desc(), Location.id)
            .limit(1)
        ).scalar_one()
        here = list(
            session.execute(
                select(Asset.tag)
                .where(Asset.location_id == room_id, Asset.status == "in_service")
                .order_by(Asset.tag)
                .limit(4)
            ).scalars()
        )
        elsewhere = session.execute(
            select(Asset.tag)
            .where(Asset.location_id != room_id, Asset.status == "in_service")
            .order_by(Asset.tag)
            .limit(1)
        ).scalar_one()
    audit = start_audit(database, scope_location_id=room_id, started_by=auditor)
    screen = ScanScreen(database, auditor, audit.id)
    screen.resize(1100, 660)
    screen.show()
    settle(800)
    for raw in (elsewhere, "ZZZ-000404", *here):
        screen.scan_field.setText(raw)
        QTest.keyClick(screen.scan_field, Qt.Key.Key_Return)  # the scanner's Enter
        settle(150)
    settle(800)
    saved = save(screen, out / "audit-one-room.png")
    screen.close()
    settle(300)
    return [saved]


def render_person_picker(
    window: QWidget, database: Database, out: Path, settle: Settle, save: Save
) -> list[Path]:
    """The install form of an asset in stock, part of a name typed into "Assigned to": the
    suggestions read "Name  ·  username"."""
    from PySide6.QtTest import QTest  # the bundle leaves QtTest out: only when run

    with database.read() as session:
        asset_id = session.execute(
            select(Asset.id).where(Asset.status == "in_stock").order_by(Asset.tag).limit(1)
        ).scalar_one()
    select_in_register(window, asset_id, settle)
    before = set(window.open_dialogs)  # type: ignore[attr-defined]
    window.start_procedure(ProcedureKind.INSTALL)  # type: ignore[attr-defined]
    settle(800)
    dialog = next(d for d in window.open_dialogs if d not in before)  # type: ignore[attr-defined]
    loaded(dialog, settle)
    combo = dialog.view.field_widget("assigned_to")
    assert isinstance(combo, QComboBox), combo
    line = combo.lineEdit()
    assert line is not None
    dialog.scroll_area.ensureWidgetVisible(combo)
    line.setFocus()
    QTest.keyClicks(line, PERSON_TYPED)
    settle(600)
    completer = combo.completer()
    popup = completer.popup() if completer is not None else None
    assert popup is not None and popup.isVisible(), "the suggestion list did not open"
    picture = dialog.grab()
    painter = QPainter(picture)
    corner = popup.mapToGlobal(QPoint(0, 0)) - dialog.mapToGlobal(QPoint(0, 0))
    painter.drawPixmap(corner, popup.grab())
    painter.end()
    path = out / "person-picker.png"
    picture.save(str(path), "PNG", 0)
    popup.hide()
    dialog.close()
    settle(300)
    return [path]
