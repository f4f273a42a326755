"""Benchmark: the main window on a 1,000,000-asset SQLite register (issue 3, point 10).

    uv run python tests/benchmarks/bench_main_window.py [DATABASE]

Uses /work/brief/demo-1m.sqlite3 (made by ``assetdesk demo --assets 1000000``) or the
DATABASE given; without either it generates a register of its own with fast inserts.
Prints:

* start-up: process start → main window painted with the first page, as a ratio against a
  floor started the same way (a minimal PySide6 + stdlib ``sqlite3`` program painting a
  QMainWindow with a QTableView of the first 100 rows by plain SQL); target ≤ 1.5;
* search as you type: keystroke → its rows painted and the key shown in the search box,
  per keystroke (target ≤ 100 ms; the scanner detection holds a key ~30 ms, the search
  it makes starts at the key press);
  and typing each term at a person's pace: last keystroke → its rows painted;
* re-sort by each visible column: header click → rows painted (target ≤ 300 ms);
* a scan (a tag and Enter typed in a burst): asset selected and shown;
* scrolling to the end: time, and rows held in memory (not all of them);
* with ``--postgresql``: the search on PostgreSQL with and without its pg_trgm indexes.

What the start-up floor includes (issue 17: the bare work): starting Python, importing
PySide6 and the fastest driver (stdlib ``sqlite3``, not SQLAlchemy), one plain SQL query
of the first 100 rows in tag order with the names the register shows joined in (category,
model, location, assignee; reading the same register file, so it uses the tag index both
programs need) and painting them in a QTableView. Not included: SQLAlchemy, our
settings, schema check, lookups, search index, paging, models and widgets.
The per-action figures (search, sort, scan, scroll) are absolute targets, not ratios;
issue 17 point 5 (a search page against its raw SQL) is measured by s2's benchmark.
Only reads are timed here, so no triggers are involved.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_DATABASE = Path("/work/brief/demo-1m.sqlite3")
GENERATED = Path(tempfile.gettempdir()) / "assetdesk-bench-1m.sqlite3"
RUNS = 5
#: A brisk typist's pause between keys.
TYPING_GAP_MS = 120

_FLOOR = """
import time, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
import sqlite3
app = QApplication(sys.argv[:1])
connection = sqlite3.connect(sys.argv[1])
rows = connection.execute(
    "SELECT a.tag, a.name, c.name, f.name || ' ' || m.name, a.serial_number, a.status,"
    " l.name, p.name, a.purchase_date, a.warranty_end, a.order_number, a.notes"
    " FROM assets a JOIN categories c ON c.id = a.category_id"
    " LEFT JOIN asset_models m ON m.id = a.model_id"
    " LEFT JOIN manufacturers f ON f.id = m.manufacturer_id"
    " LEFT JOIN locations l ON l.id = a.location_id"
    " LEFT JOIN people p ON p.id = a.assigned_to_id ORDER BY a.tag_key LIMIT 100").fetchall()
connection.close()
model = QStandardItemModel(len(rows), 12)
for r, row in enumerate(rows):
    for c_, value in enumerate(row):
        model.setItem(r, c_, QStandardItem("" if value is None else str(value)))
window = QMainWindow()
table = QTableView()
table.setModel(model)
window.setCentralWidget(table)
window.resize(1360, 820)
"""

_APP = """
import sys
from ui.gui.app import create_application, open_for_window
app = create_application()
database = open_for_window("sqlite:///" + sys.argv[1])
from ui.gui.main_window import MainWindow
window = MainWindow(database)
table = window.view.table
"""

_PAINTED = """
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and table.model().rowCount() > 0:
            QTimer.singleShot(0, self.done)
        return False
    def done(self):
        print("PAINTED", flush=True)
        import os
        os._exit(0)
painted = Painted()
table.viewport().installEventFilter(painted)
window.show()
app.exec()
"""


def startup_seconds(program: str, database: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", program, str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("PAINTED"):
            elapsed = time.perf_counter() - start
            process.wait()
            return elapsed
    raise RuntimeError(f"the program never painted (exit {process.wait()})")


def bench_startup(database: Path) -> None:
    folder = tempfile.mkdtemp(prefix="assetdesk-bench-")
    env = dict(os.environ, ASSETDESK_SETTINGS=str(Path(folder) / "settings.ini"))
    env["XDG_CONFIG_HOME"] = folder
    floor_program = _FLOOR + "from PySide6.QtCore import QEvent, QObject, QTimer\n" + _PAINTED
    app_program = _APP + "from PySide6.QtCore import QEvent, QObject, QTimer\n" + _PAINTED
    startup_seconds(app_program, database, env)  # warm the file cache and the imports
    floors, apps = [], []
    for _ in range(RUNS):
        floors.append(startup_seconds(floor_program, database, env))
        apps.append(startup_seconds(app_program, database, env))
    floor, app = statistics.median(floors), statistics.median(apps)
    print(
        f"start-up to first page painted: app {app * 1000:.0f} ms, floor {floor * 1000:.0f} ms,"
        f" ratio {app / floor:.2f} (target <= 1.5; median of {RUNS})"
    )


class _Painted:
    """Waits until the table's viewport has painted (a real event loop, no polling)."""

    def __init__(self, table: object) -> None:
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

        self.loop = QEventLoop()
        self.at = 0.0
        outer = self

        class Filter(QObject):
            def eventFilter(self, watched: object, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    QTimer.singleShot(0, outer.painted)  # runs once the paint is done
                return False

        self._filter = Filter()
        table.viewport().installEventFilter(self._filter)  # type: ignore[attr-defined]
        self._timer = QTimer

    def painted(self) -> None:
        self.at = time.perf_counter()
        self.loop.quit()

    def after(
        self,
        action: Callable[[], None],
        condition: Callable[[], bool],
        shown: Callable[[], bool] | None = None,
    ) -> float:
        """Seconds from ``action`` until a paint after which ``condition`` holds, and
        (if given) ``shown`` holds too: a search's rows may be painted before its key,
        held back by the scanner detection, reaches the search box."""
        start = time.perf_counter()
        action()
        deadline = start + 10
        while time.perf_counter() < deadline:
            self._timer.singleShot(2000, self.loop.quit)
            self.loop.exec()
            if self.at > start and condition():
                end = self.at
                while shown is not None and not shown():
                    _wait(1)
                    end = time.perf_counter()
                    if end > deadline:
                        break
                else:
                    return end - start
        raise RuntimeError("no paint with the expected rows within 10 s")


def bench_in_window(database: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.settings import Settings
    from desktop.storage.database import open_database
    from ui.gui import filter_bar, scanner
    from ui.gui.app import create_application
    from ui.gui.layout_state import LayoutState
    from ui.gui.main_window import MainWindow
    from ui.gui.models.columns import COLUMNS

    folder = Path(tempfile.mkdtemp(prefix="assetdesk-bench-"))
    app = create_application()
    db = open_database(f"sqlite:///{database}")
    window = MainWindow(db, Settings(folder / "s.ini"), layout_state=LayoutState(folder / "l.ini"))
    window.show()
    table = window.view.table
    painted = _Painted(table)
    model = window.model
    painted.after(lambda: None, lambda: model.matching_assets is not None)
    # Steady state: the start-up work after the first paint (the pick lists, 50,000 people
    # here; the approvals badge) has finished, as when a person starts typing.
    bar = window.view.filter_bar
    while bar.assignee.count() <= 1:
        _wait(50)
    _wait(1000)

    held = scanner.MAX_GAP_SECONDS * 1000 + 5 + filter_bar.SEARCH_DELAY_MS
    search = window.view.filter_bar.search
    search.setFocus()
    for words in ("lap-0012", "dell", "room 2", "9K"):
        if search.text():
            painted.after(search.clear, lambda: model.filter.search == "")
        times = []
        for i, char in enumerate(words):
            typed = words[: i + 1]
            if typed != typed.strip():
                QTest.keyClicks(search, char)  # a trailing space changes no filter
                continue
            times.append(
                painted.after(
                    partial(QTest.keyClicks, search, char),
                    partial(_searching, model, typed),
                    partial(_typed, search, typed),
                )
            )
        per_key = ", ".join(f"{t * 1000:.0f}" for t in times)
        print(
            f"search '{words}': keystroke → rows painted and key in the box, per key "
            f"[{per_key}] ms; max {max(times) * 1000:.0f} ms (target <= 100; a key reaches the "
            f"box after {held:.0f} ms of scanner detection, its search starts at once)"
        )
        painted.after(search.clear, lambda: model.filter.search == "")
        # As a person types (TYPING_GAP_MS between keys, without waiting for rows): the
        # searches made stale by the next key are interrupted; the last key's rows count.
        for char in words[:-1]:
            QTest.keyClicks(search, char)
            _wait(TYPING_GAP_MS)
        typed_last = painted.after(
            partial(QTest.keyClicks, search, words[-1]),
            partial(_searching, model, words),
            partial(_typed, search, words),
        )
        print(
            f"search '{words}' typed at {1000 // TYPING_GAP_MS} keys/s: last keystroke → "
            f"rows painted and key in the box {typed_last * 1000:.0f} ms"
        )
    painted.after(search.clear, lambda: model.filter.search == "")

    header = table.horizontalHeader()
    # The view is sorted by tag, ascending: start from another sort so that the first
    # figure (tag ↑) is a re-sort too.
    name_column = next(i for i, c in enumerate(COLUMNS) if c.key == "name")
    painted.after(
        partial(header.setSortIndicator, name_column, Qt.SortOrder.DescendingOrder),
        partial(_sorted_by, model, "name", True),
    )
    for index, column in enumerate(COLUMNS):
        if header.isSectionHidden(index) or not column.sortable:
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            descending = order == Qt.SortOrder.DescendingOrder
            seconds = painted.after(
                partial(header.setSortIndicator, index, order),
                partial(_sorted_by, model, column.key, descending),
            )
            arrow = "↓" if descending else "↑"
            print(f"re-sort by {column.title} {arrow}: {seconds * 1000:.0f} ms (target <= 300)")
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    painted.after(lambda: None, lambda: model.matching_assets is not None)

    from ui.gui.models.asset_table_model import TagRole

    # A barcode scanner types a tag and Enter in a burst, the table having focus: the
    # asset is selected (its row scrolled to) and shown beside the table.
    table.setFocus()
    for tag in ("DSK-000001", "LAP-000100", "WAP-031280"):
        started = time.perf_counter()
        QTest.keyClicks(table, tag)
        QTest.keyClick(table, Qt.Key.Key_Return)
        shown = window.view.detail.detail
        if shown is None or shown.row.tag != tag:
            raise RuntimeError(f"the scan of {tag} did not show it")
        selected = table.currentIndex().data(TagRole)
        if selected != tag:
            raise RuntimeError(f"the scan of {tag} selected {selected}")
        seconds = time.perf_counter() - started
        print(f"scan {tag} → asset selected and shown: {seconds * 1000:.0f} ms")
        table.scrollToTop()

    from ui.gui.models.asset_table_model import PLACEHOLDER

    def last_row() -> Any:
        return model.index(model.rowCount() - 1, 0).data()

    seconds = painted.after(table.scrollToBottom, lambda: last_row() != PLACEHOLDER)
    last = last_row()
    print(
        f"scroll to the end: {seconds * 1000:.0f} ms to paint row {model.rowCount():,} ({last});"
        f" rows held in memory: {model.cached_row_count():,} of {model.rowCount():,}"
    )
    window.close()
    db.dispose()
    del app


def _wait(milliseconds: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def _searching(model: Any, text: str) -> bool:
    return bool(model.filter.search == text)


def _typed(search: Any, text: str) -> bool:
    return bool(search.text() == text)


def _sorted_by(model: Any, key: str, descending: bool) -> bool:
    return bool((model.sort_key, model.sort_descending) == (key, descending))


def make_big_register(path: Path, assets: int, *, seed: int = 7) -> None:
    """A register of ``assets`` assets made with plain sqlite3 inserts (about 2 minutes)."""
    import datetime as dt
    import random
    import sqlite3
    import uuid

    from desktop.storage import migrate
    from desktop.storage.database import Database

    rng = random.Random(seed)
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database.engine, "0002")
    database.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("BEGIN")
    now = "2026-11-01 00:00:00.000000"

    def new_id() -> str:
        return uuid.UUID(int=rng.getrandbits(128), version=4).hex

    def insert(table: str, rows: list[dict[str, object]]) -> None:
        names = list(rows[0])
        marks = ", ".join("?" for _ in names)
        con.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
            [tuple(r[n] for n in names) for r in rows],
        )

    base = {"version": 1, "created_at": now, "updated_at": now}
    kinds = [("Laptop", "LAP"), ("Desktop", "DSK"), ("Monitor", "MON"), ("Phone", "PHN"),
             ("Printer", "PRN"), ("Server", "SRV"), ("Switch", "NET"), ("Tablet", "TAB")]  # fmt: skip
    categories = [
        dict(id=new_id(), name=n, tag_prefix=p, audit_interval_days=365, custom_fields="[]", **base)
        for n, p in kinds
    ]
    insert("categories", categories)
    makers = ["Dell", "Lenovo", "HP", "Apple", "Cisco", "Samsung", "Brother", "Microsoft"]
    manufacturers = [dict(id=new_id(), name=m, **base) for m in makers]
    insert("manufacturers", manufacturers)
    models = []
    for category in categories:
        for k in range(20):
            maker = rng.choice(manufacturers)
            models.append(
                dict(
                    id=new_id(),
                    manufacturer_id=maker["id"],
                    model_number=f"M{k}",
                    name=f"{str(maker['name'])[:3].upper()}{rng.randint(100, 9999)} {category['name']}",
                    category_id=category["id"],
                    prefix=category["tag_prefix"],
                    **base,
                )
            )
    insert("asset_models", [{k: v for k, v in m.items() if k != "prefix"} for m in models])
    suppliers = [dict(id=new_id(), name=f"Supplier {i}", contact=None, **base) for i in range(25)]
    insert("suppliers", suppliers)
    groups = [dict(id=new_id(), name=f"Team {i}", **base) for i in range(30)]
    insert("groups", groups)
    first = ["Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gina", "Hugo", "Iris", "Jon", "Kim"]
    last = ["Smith", "Meyer", "Garcia", "Rossi", "Novak", "Jensen", "Dubois", "Silva", "Tanaka"]
    people = [
        dict(
            id=new_id(),
            name=f"{rng.choice(first)} {rng.choice(last)}",
            username=f"user{i}",
            email=None,
            active=1,
            **base,
        )
        for i in range(20000)
    ]
    insert("people", people)
    locations, rooms = [], []
    for s in range(5):
        site = dict(id=new_id(), parent_id=None, name=f"Site {s}", kind="site", code=f"S{s}",
                    code_key=f"s{s}", **base)  # fmt: skip
        locations.append(site)
        for r in range(400):
            room = dict(id=new_id(), parent_id=site["id"], name=f"Room {s}.{r:03d}", kind="room",
                        code=f"R{s}{r:03d}", code_key=f"r{s}{r:03d}", **base)  # fmt: skip
            locations.append(room)
            rooms.append(room["id"])
    insert("locations", locations)
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='assets' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        con.execute(f"DROP INDEX {name}")
    statuses = ["in_service"] * 6 + ["in_stock"] * 2 + ["in_repair", "missing", "decommissioned", "disposed"]  # fmt: skip
    counters = {str(c["tag_prefix"]): 0 for c in categories}
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    columns = ("id, tag, tag_key, name, category_id, model_id, serial_number, status, location_id, "
               "assigned_to_id, owning_group_id, purchase_date, purchase_cost, order_number, "
               "supplier_id, warranty_end, custom_fields, notes, last_audited_at, version, "
               "created_at, updated_at")  # fmt: skip
    sql = f"INSERT INTO assets ({columns}) VALUES ({', '.join('?' * 22)})"
    batch: list[tuple[object, ...]] = []
    start = dt.date(2020, 1, 1)
    for _ in range(assets):
        model = rng.choice(models)
        prefix = str(model["prefix"])
        counters[prefix] += 1
        tag = f"{prefix}-{counters[prefix]:06d}"
        status = rng.choice(statuses)
        bought = start + dt.timedelta(days=rng.randint(0, 2400))
        audited = (
            None
            if rng.random() < 0.3
            else str(dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randint(0, 1_400_000)))
        )
        batch.append(
            (
                new_id(),
                tag,
                tag.lower(),
                model["name"],
                model["category_id"],
                model["id"],
                "".join(rng.choice(letters) for _ in range(10)),
                status,
                rng.choice(rooms),
                rng.choice(people)["id"] if status == "in_service" else None,
                rng.choice(groups)["id"],
                bought.isoformat(),
                rng.randint(10000, 300000),
                f"PO-{rng.randint(10000, 99999)}",
                rng.choice(suppliers)["id"],
                (bought + dt.timedelta(days=365 * rng.randint(1, 5))).isoformat(),
                "{}",
                "",
                audited,
                1,
                now,
                now,
            )
        )
        if len(batch) >= 50_000:
            con.executemany(sql, batch)
            batch.clear()
    con.executemany(sql, batch)
    for _name, ddl in indexes:
        con.execute(ddl)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database.engine)  # 0003 builds the search index in one batch
    database.dispose()


def main(argv: list[str]) -> int:
    argv = [a for a in argv if not a.startswith("--")]
    if argv:
        database = Path(argv[0])
    elif DEFAULT_DATABASE.exists():
        database = DEFAULT_DATABASE
    else:
        database = GENERATED
        if not database.exists():
            print(f"generating 1,000,000 assets in {database} …", flush=True)
            make_big_register(database, 1_000_000)
    from desktop.services.queries import count_assets
    from desktop.storage.database import open_database

    db = open_database(f"sqlite:///{database}")  # migrates an older file before timing
    with db.read() as session:
        print(f"database: {database} ({count_assets(session):,} assets)")
    db.dispose()
    if "--window-only" not in sys.argv:
        bench_startup(database)
    bench_in_window(database)
    if "--postgresql" in sys.argv:
        bench_postgresql_search("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    return 0


def bench_postgresql_search(admin_url: str, assets: int = 300_000) -> None:
    """pg_trgm measured: a search page and count with the GIN indexes, then without them."""
    from sqlalchemy import create_engine, text

    from desktop.services.queries import AssetFilter
    from desktop.services.register_pages import RegisterPager
    from desktop.services.search import PG_TRGM_INDEXES
    from desktop.storage import migrate
    from desktop.storage.database import Database

    name = f"assetdesk_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(admin.url.set(database=name))
    try:
        migrate.upgrade(database.engine)
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO categories (id, name, tag_prefix, custom_fields, version, "
                    "created_at, updated_at) VALUES (gen_random_uuid(), 'Laptop', 'LAP', '[]', 1, "
                    "now(), now())"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO assets (id, tag, tag_key, name, category_id, serial_number, "
                    "status, custom_fields, notes, version, created_at, updated_at) "
                    "SELECT gen_random_uuid(), 'LAP-' || lpad(n::text, 7, '0'), "
                    "'lap-' || lpad(n::text, 7, '0'), "
                    "(ARRAY['Latitude 5440', 'ThinkPad T14', 'EliteBook 840', 'MacBook Air'])[1 + n % 4]"
                    " || ' #' || n, (SELECT id FROM categories), upper(md5(n::text)), 'in_stock', "
                    "'{}', '', 1, now(), now() FROM generate_series(1, :n) AS n"
                ),
                {"n": assets},
            )
            connection.execute(text("ANALYZE"))

        def page_and_count(search: str) -> tuple[float, float, int]:
            with database.read() as session:
                pager = RegisterPager(AssetFilter(search=search))
                start = time.perf_counter()
                pager.page(session, 0, 100)
                paged = time.perf_counter() - start
                count = pager.count(session)
                return paged, time.perf_counter() - start - paged, count

        searches = ("a3f9", "lap-01234", "thinkpad t14 #1234", "book")
        with_index = {s: page_and_count(s) for s in searches}
        with database.engine.begin() as connection:
            for index, _table, _column in PG_TRGM_INDEXES:
                connection.execute(text(f"DROP INDEX {index}"))
        for search in searches:
            paged, counted, hits = with_index[search]
            paged_scan, counted_scan, _ = page_and_count(search)
            print(
                f"PostgreSQL {assets:,} assets, search '{search}' ({hits:,} hits): first page "
                f"{paged * 1000:.0f} ms with pg_trgm vs {paged_scan * 1000:.0f} ms without; "
                f"count {counted * 1000:.0f} vs {counted_scan * 1000:.0f} ms"
            )
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
