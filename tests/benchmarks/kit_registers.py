"""The kit benchmarks' registers and sync set-up (``bench_kits``, ``bench_kit_moves``):
a migrated SQLite register of buildings of 10 rooms of 100 assets, built once per size and
schema head and kept in ``ASSETDESK_BENCH_DIR`` (default the temporary folder); the
offline changes a kit records; a server copied from the register with its floor's copy;
the technician's timed sync and the line it prints."""

from __future__ import annotations

import gc
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import insert

from desktop import kits
from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureRequest, record_procedures
from desktop.services.search import search_index_paused
from desktop.storage import migrate
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset, Procedure, ProcedureTemplate
from desktop.storage.types import utcnow

T = TypeVar("T")
ROOMS_PER_BUILDING = 10
PER_ROOM = 100
BATCH = 20_000
PROCEDURES, SCANS = 1_000, 2_000
SYNC_SERVER_ASSETS = 10_000


def _build(path: Path, assets: int, *, history_for: int) -> None:
    """A migrated register: buildings of 10 rooms of 100 assets; the first
    ``history_for`` assets have one procedure each."""
    started = time.perf_counter()
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db.engine)
    rooms: list[uuid.UUID] = []
    with db.write() as s:
        category = reference.create_category(s, name="Laptop", tag_prefix="LAP").id
        site = reference.create_location(s, name="Campus", kind="site", code="CAMPUS")
        for b in range(assets // (PER_ROOM * ROOMS_PER_BUILDING)):
            building = reference.create_location(
                s, name=f"Building {b:04d}", kind="building", parent_id=site.id, code=f"B{b:04d}"
            )
            for r in range(ROOMS_PER_BUILDING):
                rooms.append(
                    reference.create_location(
                        s,
                        name=f"Room {b:04d}-{r}",
                        kind="room",
                        parent_id=building.id,
                        code=f"B{b:04d}-R{r}",
                    ).id
                )
        tech = reference.create_person(
            s, name="Tess Tech", username="tech", roles=["technician", "auditor"]
        ).id
        template = (
            s.query(ProcedureTemplate)
            .filter_by(kind="receive", is_current=True, category_id=None)
            .one()
        )
        template_id, template_version = template.id, template.version_number
    now = utcnow()
    with db.write() as s, search_index_paused(s.connection()):
        connection = s.connection()
        for start in range(0, assets, BATCH):
            ids = [uuid.uuid4() for _ in range(start, min(start + BATCH, assets))]
            connection.execute(
                insert(Asset),
                [
                    {
                        "id": ids[k],
                        "tag": f"LAP-{n:07d}",
                        "tag_key": f"lap-{n:07d}",
                        "name": f"Device {n}",
                        "category_id": category,
                        "status": "in_stock",
                        "location_id": rooms[n // PER_ROOM],
                        "custom_fields": {},
                        "notes": "",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for k, n in enumerate(range(start, min(start + BATCH, assets)))
                ],
            )
            history = [
                {
                    "asset_id": ids[k],
                    "kind": "receive",
                    "state": "completed",
                    "template_id": template_id,
                    "template_version": template_version,
                    "performed_by_id": tech,
                    "performed_at": now,
                    "answers": {},
                    "changes": [{"field": "status", "before": None, "after": "in_stock"}],
                    "origin": "import_file",
                    "origin_detail": "",
                    "ticket_ref": "",
                    "reason": "",
                    "approvals_required": 0,
                    "completed_at": now,
                    "note": "",
                }
                for k, n in enumerate(range(start, min(start + BATCH, assets)))
                if n < history_for
            ]
            if history:
                connection.execute(insert(Procedure), history)
    db.dispose()
    print(f"built {path.name} ({assets:,} assets) in {time.perf_counter() - started:.0f} s")


def kit_register(assets: int, history_for: int) -> Path:
    folder = Path(os.environ.get("ASSETDESK_BENCH_DIR", tempfile.gettempdir()))
    path = folder / f"assetdesk-bench-kits-{assets}-{history_for}-{migrate.head_revision()}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in folder.glob(partial.name + "*"):
            leftover.unlink()
        _build(partial, assets, history_for=history_for)
        partial.rename(path)
    return path


def timed(work: Callable[..., T], *args: Any) -> tuple[float, float, T]:
    """(wall, CPU of this process) seconds of ``work(*args)``, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def record_changes(kit: Database, values: Callable[[int, str], dict[str, object]]) -> None:
    """:data:`PROCEDURES` changes made in the kit, the n-th of asset ``LAP-n`` setting
    ``values(n, tag)``, by the technician, a hundred per transaction."""
    tags = [f"LAP-{n:07d}" for n in range(PROCEDURES)]
    for start in range(0, PROCEDURES, 100):
        record_procedures(
            kit,
            [
                ProcedureRequest(
                    kind=ProcedureKind.CHANGE,
                    performed_by="tech",
                    asset_tag=tag,
                    values=values(n, tag),
                    answers={"change_type": "Repair"},
                    impact="low",
                    likelihood="low",
                    origin=Origin.GUI,
                )
                for n, tag in enumerate(tags[start : start + 100], start)
            ],
        )


class SyncFiles(NamedTuple):
    server: Path
    floor: Path
    kit: Path


@contextmanager
def sync_server(folder: Path, run: str) -> Iterator[tuple[Database, SyncFiles]]:
    """The :data:`SYNC_SERVER_ASSETS` register copied into ``folder`` as the server ours
    syncs to (open while inside) and as the floor's, with the path of the kit to be."""
    files = SyncFiles(*(folder / f"{part}-{run}.sqlite" for part in SyncFiles._fields))
    source = kit_register(SYNC_SERVER_ASSETS, 0)
    for target in (files.server, files.floor):
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    server = open_database(f"sqlite:///{files.server}")
    try:
        yield server, files
    finally:
        server.dispose()


def timed_sync(kit: Database, server: Database, *, refresh: bool) -> tuple[float, float, Any]:
    """(wall, CPU) seconds of the technician's sync and its report; it starts with no
    collection owed by the set-up (the checkout's and the offline records' objects), so
    that a full collection they made due lands in neither ours nor the floor's."""
    gc.collect()
    return timed(partial(kits.sync, refresh=refresh), kit, server, "tech")


def sync_figures(
    name: str, what: str, ours: tuple[float, float], floor: tuple[float, float], best: str = ""
) -> dict[str, float]:
    """Print ours' (wall, CPU) seconds against the floor's and return them as ``name_*``."""
    (wall, cpu), (floor_wall, floor_cpu) = ours, floor
    print(
        f"{what}: {wall:.2f} s (CPU {cpu:.2f} s); floor {floor_wall:.2f} s "
        f"(CPU {floor_cpu:.2f} s); ratio {wall / floor_wall:.1f}× "
        f"(CPU {cpu / floor_cpu:.1f}×{best}); load {os.getloadavg()[0]:.1f}"
    )
    return {
        f"{name}_s": wall,
        f"{name}_floor_s": floor_wall,
        f"{name}_ratio": wall / floor_wall,
        f"{name}_cpu_ratio": cpu / floor_cpu,
    }


def campus_kit(server: Database, kit_path: Path) -> Database:
    """A kit of the whole campus checked out of ``server`` by the technician, open."""
    scope = kits.resolve_scope(server, locations=["CAMPUS"])
    kits.checkout(server, scope, "tech", kit_path)
    return open_database(f"sqlite:///{kit_path}")
