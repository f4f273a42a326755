"""The field kit screenshots (see ``screenshots``): the window working in a kit, with its
banner, and the conflict queue.

A kit is checked out from the demo database (the busiest room), a move and an incident
are recorded offline, and the window opens on the kit. For the conflict queue, one asset
is moved in the kit and, meanwhile, elsewhere on the demo database; the sync queues the
conflict and the queue opens on the demo database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from PySide6.QtWidgets import QWidget

from desktop import kits
from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.settings import Settings
from desktop.storage.database import Database
from desktop.storage.models import Asset, Location
from ui.gui.layout_state import LayoutState

Settle = Callable[[int], None]
Save = Callable[[QWidget, Path], Path]
SIZE = (1440, 860)


def render_kit(
    database: Database,
    settings: Settings,
    username: str,
    folder: Path,
    out: Path,
    settle: Settle,
    save: Save,
) -> list[Path]:
    from ui.gui.main_window import MainWindow

    room, tags = _busiest_room(database)
    scope = kits.Scope(location_ids=(room,))
    path = folder / "site-visit.adkit"
    kits.checkout(database, scope, username, path)
    kit = Database(f"sqlite:///{path}")
    try:
        elsewhere, third = _other_rooms(database, room)
        _move(kit, username, tags[0], elsewhere, "moved to the spare desk")
        _move(kit, username, tags[1], elsewhere, "swapped with a broken one")
        window = MainWindow(kit, settings, layout_state=LayoutState(folder / "layout-kit.ini"))
        window.resize(*SIZE)
        window.show()
        settle(1500)
        window.handle_scan(tags[0])
        settle(800)
        saved = [save(window, out / "field-kit-banner.png")]
        window.close()

        # Conflicts: the same assets moved in the kit and, meanwhile, on the database.
        for tag in tags[2:]:
            _move(database, username, tag, third, "re-patched")
            _move(kit, username, tag, elsewhere, "moved next to the printer")
        report = kits.sync(kit, database, username)
        assert any(r.outcome is kits.Outcome.CONFLICT for r in report.results), report
    finally:
        kit.dispose()
    window = MainWindow(database, settings, layout_state=LayoutState(folder / "layout-kit2.ini"))
    window.resize(*SIZE)
    window.show()
    settle(1000)
    window.kit.open_conflicts()
    settle(1500)
    dialog = window.open_dialogs[-1]
    saved.append(save(dialog, out / "conflict-queue.png"))
    dialog.close()
    settle(300)
    window.close()
    return saved


def _busiest_room(database: Database) -> tuple[uuid.UUID, list[str]]:
    with database.read() as session:
        room = session.execute(
            select(Asset.location_id)
            .where(Asset.status == "in_service")
            .group_by(Asset.location_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
        tags = (
            session.execute(
                select(Asset.tag)
                .where(Asset.location_id == room, Asset.status == "in_service")
                .order_by(Asset.tag)
                .limit(5)
            )
            .scalars()
            .all()
        )
    assert room is not None
    return room, list(tags)


def _other_rooms(database: Database, not_this: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    with database.read() as session:
        first, second = (
            session.execute(
                select(Location.id)
                .where(Location.id != not_this, Location.kind == "room")
                .order_by(Location.name)
                .limit(2)
            )
            .scalars()
            .all()
        )
    return first, second


def _move(database: Database, username: str, tag: str, location: uuid.UUID, reason: str) -> None:
    record_procedure(
        database,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=username,
            asset_tag=tag,
            values={"location": location},
            answers={"change_type": "Move"},
            reason=reason,
        ),
    )
