"""The key screens at 1280 × 720, the smallest common laptop screen (see ``screenshots``).

Each screen is shown as it opens on such a screen: the main window fills it, a dialog
opens at its own size but never larger than the screen leaves room for.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from PySide6.QtWidgets import QApplication, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset, Group, Location, Person, Role
from ui.gui.layout_state import LayoutState
from ui.gui.screenshots_scenes import loaded, select_in_register

SCREEN = (1280, 720)
#: Room the window frame and the desktop's panels take on a 1280 × 720 screen.
FRAME = 60
Settle = Callable[[int], None]
Save = Callable[[QWidget, Path], Path]


def render_small(
    database: Database, settings: Settings, folder: Path, out: Path, settle: Settle, save: Save
) -> list[Path]:
    from ui.gui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(database, settings, layout_state=LayoutState(folder / "layout-small.ini"))
    window.resize(*SCREEN)
    window.show()
    settle(1500)
    saved = [save(window, out / "main-window.png")]
    shots: list[tuple[str, Callable[[], None]]] = [
        (
            "procedure-install.png",
            _procedure(window, database, ProcedureKind.INSTALL, "in_stock", settle),
        ),
        (
            "procedure-decommission.png",
            _procedure(window, database, ProcedureKind.DECOMMISSION, "in_service", settle),
        ),
        ("label-print-dialog.png", lambda: window.features.print_labels_for(_tags(database, 40))),
        (
            "label-print-dialog-qr-actual-size.png",
            lambda: window.features.print_labels_for(_tags(database, 40)),
        ),
        ("approvals-inbox.png", _approvals_of_a_board_member(window, database)),
        ("import-wizard.png", window.open_import),
        ("settings.png", window.open_settings),
    ]
    for name, opener in shots:
        saved += _dialog_shot(window, opener, out / name, settle, save)
    saved += _audit_scan_shot(database, out / "audit-scan.png", settle, save)
    window.close()
    return saved


def _procedure(
    window: QWidget, database: Database, kind: ProcedureKind, status: str, settle: Settle
) -> Callable[[], None]:
    def open_() -> None:
        with database.read() as session:
            asset_id = session.execute(
                select(Asset.id).where(Asset.status == status).order_by(Asset.tag).limit(1)
            ).scalar_one()
        select_in_register(window, asset_id, settle)
        window.start_procedure(kind)  # type: ignore[attr-defined]

    return open_


def _approvals_of_a_board_member(window: QWidget, database: Database) -> Callable[[], None]:
    """The inbox of an approver outside the Service desk, whose technicians ask: what they
    may decide (the technician signed in sees only "not yours to decide")."""

    def open_() -> None:
        from ui.gui.approvals.inbox_dialog import ApprovalsInbox

        with database.read() as session:
            approver = session.execute(
                select(Person.username)
                .join(Person.roles)
                .join(Person.groups)
                .where(Role.name == "approver", Group.name == "Change board")
                .order_by(Person.username)
                .limit(1)
            ).scalar_one()
        ApprovalsInbox(database, approver, window).show()

    return open_


def _tags(database: Database, count: int) -> list[str]:
    with database.read() as session:
        return list(
            session.execute(
                select(Asset.tag)
                .where(Asset.status == "in_service")
                .order_by(Asset.tag)
                .limit(count)
            ).scalars()
        )


def _dialog_shot(
    window: QWidget, opener: Callable[[], None], path: Path, settle: Settle, save: Save
) -> list[Path]:
    before = set(_top_level_dialogs())
    try:
        opener()
    except ImportError as exc:  # a screen another part of the app has not shipped yet
        print(f"skipped {path.name}: {exc}", file=sys.stderr)
        return []
    settle(1200)
    opened = [w for w in _top_level_dialogs() if w not in before]
    if not opened:
        print(f"skipped {path.name}: no window opened", file=sys.stderr)
        return []
    dialog = opened[-1]
    loaded(dialog, settle)
    if path.name == "label-print-dialog-qr-actual-size.png":
        dialog.qr_box.setChecked(True)  # type: ignore[attr-defined]
        zoom = dialog.zoom_box  # type: ignore[attr-defined]
        zoom.setCurrentIndex(zoom.findText("Actual size"))
    _fit(dialog)
    settle(600)
    saved = save(dialog, path)
    for widget in opened:
        widget.close()
    settle(300)
    return [saved]


def _top_level_dialogs() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]


def _fit(widget: QWidget) -> None:
    """As the window opens on a 1280 × 720 screen: never larger than the screen allows."""
    width = min(widget.width(), SCREEN[0] - FRAME)
    height = min(widget.height(), SCREEN[1] - FRAME)
    widget.resize(width, height)


def _audit_scan_shot(database: Database, path: Path, settle: Settle, save: Save) -> list[Path]:
    """An audit of a floor, a few scans made in its busiest room: found, misplaced, unknown."""
    from ui.gui.audits.scan_screen import ScanScreen

    with database.read() as session:
        auditor = session.execute(
            select(Person.username).join(Person.roles).where(Role.name == "auditor").limit(1)
        ).scalar_one()
        room_id, code, floor_id = session.execute(
            select(Location.id, Location.code, Location.parent_id)
            .join(Asset, Asset.location_id == Location.id)
            .where(Location.kind == "room", Asset.status == "in_service")
            .group_by(Location.id, Location.code, Location.parent_id)
            .order_by(func.count(Asset.id).desc())
            .limit(1)
        ).one()
        here = list(
            session.execute(
                select(Asset.tag)
                .where(Asset.location_id == room_id, Asset.status == "in_service")
                .order_by(Asset.tag)
                .limit(5)
            ).scalars()
        )
        neighbours = select(Location.id).where(
            Location.parent_id == floor_id, Location.id != room_id
        )
        elsewhere = session.execute(
            select(Asset.tag)
            .where(Asset.location_id.in_(neighbours), Asset.status == "in_service")
            .order_by(Asset.tag)
            .limit(1)
        ).scalar_one()
    audit = start_audit(database, scope_location_id=floor_id or room_id, started_by=auditor)
    record_scan(database, audit_id=audit.id, raw=code, scanned_by=auditor)
    for raw in (*here, elsewhere, "ZZZ-000404"):
        record_scan(database, audit_id=audit.id, raw=raw, scanned_by=auditor, room_id=room_id)
    screen = ScanScreen(database, auditor, audit.id)
    screen.resize(1100, SCREEN[1] - FRAME)
    screen.show()
    settle(1200)
    saved = save(screen, path)
    screen.close()
    settle(300)
    return [saved]
