"""Regenerate the README screenshots from demo data.

    uv run python -m ui.gui.screenshots packaging/screenshots

Creates a demo database in a temporary folder, renders the main window and the other
screens offscreen, and saves PNGs to the folder given; the key screens again at 1280 × 720
in its ``1280x720`` folder (``screenshots_small``), the field kit's banner and conflict queue
(``screenshots_kit``), a one-room audit's scanning and the person picker
(``screenshots_scenes``). Nothing of the user's own data or settings is touched. The
temporary folder has a fixed name (``assetdesk-screenshots`` in the system's temporary
folder, emptied first), so the paths the pictures show stay the same from run to run.
With ImageMagick on the PATH the PNGs are stripped and reduced to 256 colours (a third of
the size; the text looks the same); without it they are saved as Qt writes them.

To watch it on a display (e.g. Xvfb at 1280 × 800), set ``QT_QPA_PLATFORM=xcb``: the
windows then open at the size they take on that screen (the procedure forms 740 high).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QWidget

from desktop.demo import fill_demo
from desktop.domain.lifecycle import ProcedureKind
from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset, Person, Procedure, Role
from ui.gui.app import create_application
from ui.gui.layout_state import LayoutState
from ui.gui.offscreen_screen import offscreen_platform
from ui.gui.screenshots_kit import render_kit
from ui.gui.screenshots_scenes import (
    loaded,
    render_one_room_audit,
    render_person_picker,
    select_in_register,
)
from ui.gui.screenshots_small import render_small
from ui.gui.worker import stop_running_workers

DEMO_ASSETS = 2000  # as `assetdesk demo` makes by default
DESK = (1600, 1000)  # the offscreen screen's size unless QT_QPA_PLATFORM says otherwise
SIZE = (1440, 860)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m ui.gui.screenshots OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.gettempdir()) / "assetdesk-screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        if "QT_QPA_PLATFORM" not in os.environ:
            # Offscreen on a desk-sized screen: windows open at the size they take on one
            # (the offscreen default is smaller: the procedure form opened in one column).
            screen = Path(folder) / "screen.json"
            os.environ["QT_QPA_PLATFORM"] = offscreen_platform(screen, *DESK)
        os.environ["ASSETDESK_SETTINGS"] = str(Path(folder) / "settings.ini")
        app = create_application()
        database = open_database(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        fill_demo(database, assets=DEMO_ASSETS)
        settings = Settings()
        settings.set(CURRENT_USER, _a_technician(database))
        saved = _render_all(database, settings, Path(folder), out)
        saved += render_one_room_audit(database, out, _settle, _save)
        saved += render_small(database, settings, Path(folder), out / "1280x720", _settle, _save)
        saved += render_kit(
            database, settings, settings.get(CURRENT_USER), Path(folder), out, _settle, _save
        )
        empty = open_database(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
        saved += _render_welcome(empty, settings, Path(folder), out)
        empty.dispose()
        database.dispose()
        del app
    finally:
        stop_running_workers()  # none destroyed running, also when a picture failed
        shutil.rmtree(folder, ignore_errors=True)
    _optimise(saved)
    for path in saved:
        print(path)
    return 0


def _optimise(paths: list[Path]) -> None:
    """Strip and reduce to 256 colours with ImageMagick when it is there (kept only when
    smaller)."""
    tool = shutil.which("magick") or shutil.which("convert")
    if tool is None:
        print("ImageMagick not found: the PNGs are left as Qt wrote them", file=sys.stderr)
        return
    for path in paths:
        smaller = path.with_name(path.stem + ".min.png")
        subprocess.run(
            [tool, str(path), "-strip", "+dither", "-colors", "256", f"PNG8:{smaller}"],
            check=True,
        )
        if smaller.stat().st_size < path.stat().st_size:
            smaller.replace(path)
        else:
            smaller.unlink()


def _render_all(database: Database, settings: Settings, folder: Path, out: Path) -> list[Path]:
    from ui.gui.main_window import MainWindow

    window = MainWindow(database, settings, layout_state=LayoutState(folder / "layout.ini"))
    window.resize(*SIZE)
    window.show()
    _wait_for(window.model.counted)
    saved: list[Path] = []
    tag = _an_asset_with_history(database)
    window.handle_scan(tag)
    _until(lambda: not window.selection_pending() and not window.scan_lookup.busy)
    _until(lambda: not window.detail_reader.busy)
    _settle()
    saved.append(_save(window, out / "main-window.png"))

    window.view.filter_bar.search.setText("latitude")
    _settle(400)
    saved.append(_save(window, out / "search.png"))
    window.view.filter_bar.clear_filters()
    _settle()

    select_in_register(window, _asset_id(database, tag), _settle)
    _settle()
    for name, opener in (
        ("procedure-form.png", lambda: window.start_procedure(ProcedureKind.CHANGE)),
        ("reference-data.png", lambda: window.open_reference("locations")),
        ("settings.png", window.open_settings),
    ):
        saved += _render_dialog(window, opener, out / name)
    saved += render_person_picker(window, database, out, _settle, _save)
    window.close()
    return saved


def _render_dialog(window: QWidget, opener: Callable[[], None], path: Path) -> list[Path]:
    before = set(getattr(window, "open_dialogs", []))
    try:
        opener()
    except ImportError as exc:  # a screen another part of the app has not shipped yet
        print(f"skipped {path.name}: {exc}", file=sys.stderr)
        return []
    _settle(800)
    dialogs = [d for d in getattr(window, "open_dialogs", []) if d not in before]
    if not dialogs:
        return []
    loaded(dialogs[-1], _settle)
    saved = _save(dialogs[-1], path)
    for dialog in dialogs:
        dialog.close()
    _settle()
    return [saved]


def _render_welcome(database: Database, settings: Settings, folder: Path, out: Path) -> list[Path]:
    from ui.gui.main_window import MainWindow

    window = MainWindow(database, settings, layout_state=LayoutState(folder / "layout2.ini"))
    window.resize(*SIZE)
    window.show()
    _settle()
    path = _save(window, out / "welcome.png")
    window.close()
    return [path]


def _a_technician(database: Database) -> str:
    with database.read() as session:
        username = session.execute(
            select(Person.username).join(Person.roles).where(Role.name == "technician").limit(1)
        ).scalar_one()
    return str(username)


def _an_asset_with_history(database: Database) -> str:
    from sqlalchemy import func

    with database.read() as session:
        tag = session.execute(
            select(Asset.tag)
            .join(Procedure, Procedure.asset_id == Asset.id)
            .where(Asset.status == "in_service")
            .group_by(Asset.id, Asset.tag)
            .order_by(func.count(Procedure.id).desc(), Asset.tag)
            .limit(1)
        ).scalar_one()
    return str(tag)


def _asset_id(database: Database, tag: str) -> uuid.UUID:
    with database.read() as session:
        asset_id: uuid.UUID = session.execute(select(Asset.id).where(Asset.tag == tag)).scalar_one()
        return asset_id


def _wait_for(signal: object, timeout_ms: int = 10_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def _until(done: Callable[[], bool], timeout_s: float = 10) -> None:
    """Let the event loop run until ``done()`` (a scan looked up and its detail read, on
    workers), for ``timeout_s`` at most."""
    deadline = time.monotonic() + timeout_s
    while not done() and time.monotonic() < deadline:
        _settle(20)


def _settle(milliseconds: int = 250) -> None:
    """Let timers, workers and layouts finish (an event loop, not processEvents polling)."""
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def _save(widget: QWidget, path: Path) -> Path:
    widget.grab().save(str(path), "PNG", 0)  # quality 0: the strongest PNG compression
    return path


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
