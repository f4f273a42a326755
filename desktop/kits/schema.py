"""The kit file: its own tables, the journal triggers, and copying a scope into it.

A kit is a SQLite file with the normal migrated schema plus:

- ``kit_meta``: one row — the kit's id, its source, scope, who took it out and when, the
  tag blocks reserved for it, and ``journal_on`` (off while the kit is being filled);
- ``kit_base``: every asset in scope with the version and values it had on the server
  when the kit was filled (the base of the three-way comparison at sync);
- ``kit_journal``: every record made in the kit, in order, written by triggers that
  exist only in kits, so every door (GUI, command line, import) is journaled.

Approvals are refused in a kit (by the service, with a message, and by a trigger).
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.fields import ASSET_FIELDS, CUSTOM_PREFIX
from desktop.kits.copying import (
    DATA_TABLES,
    FULL,
    NARROWED,
    STAGED,
    WANT,
    WHOLE_TABLES,
    base_rows,
    copy_scope,
    drop_staged,
    stage_full,
    stage_scope,
)
from desktop.kits.model import Cancel, Progress, Scope
from desktop.kits.stored_values import uuid_from_hex
from desktop.services.reference_queries import PATH_SEPARATOR
from desktop.services.search import BULK_UPKEEP_MIN, search_index_paused, search_rows_replaced
from desktop.services.values import json_value
from desktop.storage.database import Database
from desktop.storage.models import Audit, Base, Location, Person

__all__ = ["DATA_TABLES", "WHOLE_TABLES"]

CHUNK = 900
#: The kit connection's page cache while it is filled (KiB; SQLite's default is 2 MiB).
FILL_CACHE_KIB = 256 * 1024

KIT_DDL = (
    "CREATE TABLE kit_meta (id INTEGER PRIMARY KEY CHECK (id = 1), kit_id TEXT NOT NULL, "
    "source_url TEXT NOT NULL, source_description TEXT NOT NULL, scope TEXT NOT NULL, "
    "scope_text TEXT NOT NULL, checked_out_by TEXT NOT NULL, checked_out_at TEXT NOT NULL, "
    "refreshed_at TEXT NOT NULL, tag_blocks TEXT NOT NULL, "
    "open_conflicts INTEGER NOT NULL DEFAULT 0, journal_on INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE kit_base (asset_id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
    "server_version INTEGER NOT NULL, vals TEXT NOT NULL)",
    "CREATE TABLE kit_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "entry_id TEXT NOT NULL UNIQUE, record TEXT NOT NULL, row_id TEXT NOT NULL, "
    "op TEXT NOT NULL, made_at TEXT NOT NULL, synced INTEGER NOT NULL DEFAULT 0, "
    "outcome TEXT)",
)

_ON = "WHEN (SELECT journal_on FROM kit_meta) = 1"
_ENTRY = "lower(hex(randomblob(16))), {record}, NEW.id, {op}, strftime('%Y-%m-%dT%H:%M:%f', 'now')"


def _journal_trigger(
    name: str, event: str, table: str, record: str, op: str, when: str = ""
) -> str:
    values = _ENTRY.format(record=f"'{record}'", op=f"'{op}'")
    condition = f"{_ON}{' AND ' + when if when else ''}"
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} {condition} BEGIN "  # noqa: S608
        f"INSERT INTO kit_journal (entry_id, record, row_id, op, made_at) VALUES ({values}); END"
    )


KIT_TRIGGERS = (
    _journal_trigger("kit_journal_procedure", "INSERT", "procedures", "procedure", "insert"),
    _journal_trigger(
        "kit_journal_withdrawal",
        "UPDATE OF state",
        "procedures",
        "withdrawal",
        "update",
        "OLD.state = 'pending_approval' AND NEW.state = 'cancelled'",
    ),
    _journal_trigger("kit_journal_scan", "INSERT", "audit_scans", "scan", "insert"),
    _journal_trigger("kit_journal_incident", "INSERT", "incidents", "incident", "insert"),
    _journal_trigger(
        "kit_journal_incident_event",
        "INSERT",
        "incident_events",
        "incident event",
        "insert",
        # Every event but the "Logged" one that comes with a new incident (a note has
        # no statuses: coalesce, or NOT (… NULL …) would skip it).
        "NOT (NEW.from_status IS NULL AND coalesce(NEW.to_status, '') = 'new')",
    ),
    _journal_trigger("kit_journal_audit", "INSERT", "audits", "audit", "insert"),
    _journal_trigger(
        "kit_journal_audit_close",
        "UPDATE OF status",
        "audits",
        "audit close",
        "update",
        "OLD.status != NEW.status",
    ),
    "CREATE TRIGGER kit_no_approvals BEFORE INSERT ON approvals "
    "WHEN (SELECT journal_on FROM kit_meta) = 1 BEGIN SELECT RAISE(ABORT, "
    "'approvals are not given in a field kit: the procedure waits for an approver on "
    "the server once the kit is synced'); END",
)

#: Reference data a kit holds read-only: nothing journals or syncs an edit of it, and
#: every refresh replaces it with the server's, so an edit made in the kit would be lost.
READ_ONLY_TABLES = (
    "categories",
    "manufacturers",
    "asset_models",
    "suppliers",
    "locations",
    "groups",
    "people",
    "group_memberships",
    "person_roles",
)
#: The sentence every refused edit of reference data in a kit gets (the database
#: layer turns the trigger's abort into a PermissionDeniedError with these words).
READ_ONLY_REFERENCE = (
    "reference data (locations, categories, manufacturers, models, suppliers, people, "
    "groups) is read-only in a field kit: an edit made here would not be synced and the "
    "next refresh would replace it. Make the change on the server the kit came from, "
    "then sync the kit"
)


#: Templates and mapping profiles: the server's too, copied whole into the kit and
#: replaced at every refresh (nothing journals them), so they are read-only in a kit.
#: An import in a kit still maps its columns by hand or with a profile it was given.
READ_ONLY_TEMPLATE_TABLES = ("procedure_templates", "label_templates", "import_profiles")
READ_ONLY_TEMPLATES = (
    "procedure templates, label templates and import mapping profiles are read-only in a "
    "field kit: they are the server's, the next refresh replaces them and an edit made here "
    "would be lost. Make the change on the server the kit came from, then sync the kit"
)


def read_only_reference_triggers() -> list[str]:
    """The triggers that refuse edits of reference data, templates and mapping profiles
    while the kit journals (a refresh turns the journal off while it replaces them)."""
    groups = (
        (READ_ONLY_TABLES, READ_ONLY_REFERENCE.replace("'", "''")),
        (READ_ONLY_TEMPLATE_TABLES, READ_ONLY_TEMPLATES.replace("'", "''")),
    )
    return [
        f"CREATE TRIGGER IF NOT EXISTS kit_read_only_{table}_{event.lower()} "  # noqa: S608
        f"BEFORE {event} ON {table} WHEN (SELECT journal_on FROM kit_meta) = 1 "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for tables, message in groups
        for table in tables
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def _read_only_triggers(kit: Connection) -> None:
    """The read-only triggers, in a kit made before they existed (a kit that has them
    all is not sent 36 statements that change nothing)."""
    statements = read_only_reference_triggers()
    held = kit.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE 'kit\\_read\\_only\\_%' ESCAPE '\\'"
    ).scalar_one()
    if held == len(statements):
        return
    for statement in statements:
        kit.exec_driver_sql(statement)


def create_kit_tables(connection: Connection) -> None:
    for statement in KIT_DDL:
        connection.exec_driver_sql(statement)
    for statement in (*KIT_TRIGGERS, *read_only_reference_triggers()):
        connection.exec_driver_sql(statement)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def scope_text(session: Session, scope: Scope) -> str:
    parts: list[str] = []
    if scope.location_ids:
        parts.append(", ".join(_location_names(session, scope.location_ids)) + " (and below)")
    if scope.assigned_to_ids:
        names = session.execute(
            select(Person.name).where(Person.id.in_(scope.assigned_to_ids)).order_by(Person.name)
        ).scalars()
        parts.append("assigned to " + ", ".join(names))
    if scope.search:
        parts.append(f"search “{scope.search}”")
    if scope.audit_id:
        name = session.execute(select(Audit.name).where(Audit.id == scope.audit_id)).scalar()
        parts.append(f"audit {name}")
    return "; ".join(parts)[:500]


def _location_names(session: Session, ids: Sequence[uuid.UUID]) -> list[str]:
    """The chosen locations by name, sorted; a name other locations share ("Floor 1" in
    two buildings, "zürich" and "Zürich") by its path from the top, so that the banner
    says which one. Reads every location's name only, and the chosen ones' parents:
    a register of 1,000,000 assets has ~11,000 locations, and an ORM object for each
    cost a checkout a quarter of a second."""
    c = cast("Table", Location.__table__).c
    shared = Counter(name.casefold() for name in session.execute(select(c.name)).scalars())
    places: dict[uuid.UUID, tuple[uuid.UUID | None, str]] = {}
    for part in chunks(list(dict.fromkeys(ids))):
        for row_id, parent_id, name in session.execute(
            select(c.id, c.parent_id, c.name).where(c.id.in_(part))
        ):
            places[row_id] = (parent_id, name)

    def path(row_id: uuid.UUID) -> str:
        """Root first, as ``reference_queries.location_paths`` writes it (moves refuse
        cycles)."""
        names: list[str] = []
        at: uuid.UUID | None = row_id
        while at is not None:
            if at not in places:
                found = session.execute(select(c.parent_id, c.name).where(c.id == at)).one_or_none()
                if found is None:
                    break
                places[at] = (found[0], found[1])
            at, name = places[at]
            names.append(name)
        return PATH_SEPARATOR.join(reversed(names))

    chosen = [(row_id, places[row_id][1]) for row_id in list(places)]
    texts = [path(row_id) if shared[name.casefold()] > 1 else name for row_id, name in chosen]
    return sorted(texts, key=str.casefold)


# -- copying ------------------------------------------------------------------------------


@dataclass
class Copied:
    """What a fill or refresh left in the kit: its assets' ids as the kit stores them
    (32 hex digits, sorted; text, which the garbage collector does not track, where
    10,000 UUIDs made a full collection land in the refresh)."""

    asset_keys: list[str]

    @property
    def asset_ids(self) -> list[uuid.UUID]:
        return [uuid_from_hex(key) for key in self.asset_keys]


def base_values(row: Any) -> dict[str, object]:
    """An asset row's values by field key (as JSON values), custom fields included."""
    values: dict[str, object] = {}
    for spec in ASSET_FIELDS:
        values[spec.key] = json_value(getattr(row, spec.column))
    for name, value in (row.custom_fields or {}).items():
        values[CUSTOM_PREFIX + name] = value
    return values


def attach_source(kit: Connection, source: Database) -> None:
    """Attach a SQLite source file to the kit's connection as ``src`` (before any
    transaction: SQLite refuses ATTACH inside one). Server sources are not attached."""
    path = source.sqlite_path
    if path is None:
        return
    raw: Any = kit.connection.dbapi_connection
    raw.execute("ATTACH DATABASE ? AS src", (str(path.resolve()),))


def detach_source(kit: Connection) -> None:
    raw: Any = kit.connection.dbapi_connection
    if any(row[1] == "src" for row in raw.execute("PRAGMA database_list")):
        raw.execute("DETACH DATABASE src")


def fill(
    session: Session,
    kit: Connection,
    scope: Scope,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> Copied:
    """Replace the kit's data (a new file's seeded rows, or a kit's before a refresh) by
    the source's for ``scope``: with the kit's search index paused (rebuilt once) and its
    foreign keys checked at commit (locations refer to each other)."""
    _read_only_triggers(kit)
    cache = kit.exec_driver_sql("PRAGMA cache_size").scalar_one()
    # The whole fill stays in memory until the commit: a small page cache spills the
    # transaction's pages to the log on the way, several times over (I/O, not work).
    kit.exec_driver_sql(f"PRAGMA cache_size = {-FILL_CACHE_KIB}")
    try:
        with search_index_paused(kit):
            saved = empty_kit(kit)
            asset_ids = copy_scope(session, kit, scope, progress=progress, cancel=cancel)
            restore_triggers(kit, saved)
    finally:
        kit.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    return Copied(asset_ids)


#: A refresh copies only what moved unless more than this share of the kit's assets
#: moved (entered, left or changed): then it re-fills the kit whole, which builds the
#: search index and the base values once instead of keeping them up row by row. Measured
#: on a 10,000-asset kit (2026-12-05): in place 0.32 s CPU with 3,000 moved, 0.48 s with
#: 6,000, the whole fill 0.45-0.47 s whatever moved.
WHOLE_REFILL_SHARE = 0.5
#: ... and at least this many (a small kit is refreshed in place whatever moved).
WHOLE_REFILL_MIN = 500


class _RefillWhole(Exception):
    """The refresh in place cannot be sure (or would be slower): re-fill the kit whole."""


def refresh(
    session: Session,
    kit: Connection,
    scope: Scope,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> bool:
    """Bring the kit's data to the source's current state for ``scope``: exactly the rows
    :func:`fill` would leave, but written only where they differ. The source's rows for
    the scope are staged in temporary tables of the kit's connection (the same copy as
    :func:`fill`'s, into tables without indexes or triggers), compared row by row with
    the kit's, and only the difference is written: rows gone from the scope deleted,
    new and changed ones upserted, with the kit's search index kept up by its triggers
    and base values made anew for the assets that moved. Falls back to :func:`fill` when
    it cannot be sure (the source's schema differs from the kit's, the kit holds records
    not yet synced, a row's new values collide with another's) or when most of the
    scope moved. Returns whether the kit was re-filled whole (the kit's assets are
    read from it after: see :func:`desktop.kits.kit_refresh.refresh_kit`).

    The staging tables stay on the connection: run it inside :func:`refreshing`,
    which drops them all at once."""
    _read_only_triggers(kit)
    if _same_schema(session, kit) and not _unsynced(kit):
        try:
            stage_scope(session, kit, scope, progress=progress, cancel=cancel)
            shapes = _shapes(kit)
            _index_staged(kit, shapes)
            _want_moved(kit)
            stage_full(session, kit, scope)
            _apply_staged(kit, shapes)
            return False
        except _RefillWhole:
            drop_staged(kit)
    fill(session, kit, scope, progress=progress, cancel=cancel)
    return True


@contextmanager
def refreshing(kit: Connection) -> Iterator[None]:
    """The kit connection set for a refresh (outside any transaction: SQLite refuses to
    switch the temporary store within one), and set back on the way out:

    - its temporary tables (the staged rows) in memory, and all of them dropped at once
      when the store is set back: :func:`refresh` leaves its staging tables to this, as
      ``DROP TABLE`` walks each one's pages, read back from the temporary file they
      spilled to (a 10,000-asset kit: ~25 ms of the refresh's CPU);
    - the fill's page cache (:data:`FILL_CACHE_KIB`): the comparison and the writes
      go over the kit's assets and base rows several times, which SQLite's default
      2 MiB cache does not hold.
    """
    raw: Any = kit.connection.dbapi_connection
    store = int(raw.execute("PRAGMA temp_store").fetchone()[0])
    cache = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute("PRAGMA temp_store = MEMORY")
    raw.execute(f"PRAGMA cache_size = {-FILL_CACHE_KIB}")
    try:
        yield
    finally:
        raw = kit.connection.dbapi_connection
        if raw is not None:  # (None: the connection was invalidated on the way)
            raw.execute(f"PRAGMA temp_store = {store}")
            raw.execute(f"PRAGMA cache_size = {cache}")


def _same_schema(session: Session, kit: Connection) -> bool:
    read = "SELECT version_num FROM alembic_version"
    source = set(session.connection().exec_driver_sql(read).scalars())
    return source == set(kit.exec_driver_sql(read).scalars())


def _unsynced(kit: Connection) -> bool:
    return (
        kit.exec_driver_sql("SELECT 1 FROM kit_journal WHERE synced = 0 LIMIT 1").first()
        is not None
    )


Shapes = dict[str, tuple[list[str], list[str]]]


def _shapes(kit: Connection) -> Shapes:
    """(all column names, primary key column names) of each of the kit's tables a
    refresh writes, read in one statement (not a ``PRAGMA table_info`` per table)."""
    found: Shapes = {}
    pk: dict[str, list[tuple[int, str]]] = {}
    for table, column, key in _run(
        kit,
        "SELECT m.name, p.name, p.pk FROM main.sqlite_master AS m, "
        "pragma_table_info(m.name, 'main') AS p WHERE m.type = 'table' ORDER BY m.name, p.cid",
    ).fetchall():
        found.setdefault(table, ([], []))[0].append(str(column))
        if key:
            pk.setdefault(table, []).append((int(key), str(column)))
    for table, keys in pk.items():
        found[table][1].extend(c for _k, c in sorted(keys))
    return {name: found[name] for name in (*WHOLE_TABLES, *DATA_TABLES)}


def _run(kit: Connection, statement: str, parameters: Sequence[Any] = ()) -> Any:
    """A statement through the kit connection's driver (in its transaction): a refresh
    sends ~250, each costing SQLAlchemy's work around it through ``exec_driver_sql``."""
    raw: Any = kit.connection.dbapi_connection
    return raw.execute(statement, parameters)


def _index_staged(kit: Connection, shapes: Shapes) -> None:
    """Index the staged rows by key (the comparison's lookups)."""
    for name in (*WHOLE_TABLES, *DATA_TABLES):
        marks = ", ".join(f'"{k}"' for k in shapes[name][1])
        _run(
            kit,
            f'CREATE INDEX IF NOT EXISTS temp."{STAGED}{name}_key" ON "{STAGED}{name}" ({marks})',
        )


#: The kit's own writes since it was filled, by the journal's record kind: rows the kit
#: wrote may hold other values than the server's under the same version (the server's
#: replay decided them anew), so they are read whole whatever their version.
_JOURNALED = "SELECT row_id FROM main.kit_journal WHERE record IN ({kinds})"


def _journaled(*kinds: str) -> str:
    return _JOURNALED.format(kinds=", ".join(f"'{k}'" for k in kinds))


#: An asset whose base a refresh makes anew even if the server did not change it (``k``:
#: its kit row, ``b``: its base row, both looked up by :func:`_want_moved`): its base is
#: missing or not at the kit's and the server's version.
_BASE_OFF = "b.asset_id IS NULL OR b.version != b.server_version OR k.version IS NOT b.version"


def _want_moved(kit: Connection) -> None:
    """The keys of the narrowed tables (:data:`NARROWED`) whose whole rows the refresh
    reads (``temp.kit_want_<table>``): keys new to the kit, versions that differ from
    the kit's, and rows the kit wrote itself (its journal) or that its writes touched."""
    procedures = _journaled("procedure", "withdrawal")
    scans = _journaled("scan")
    incidents = (
        f"{_journaled('incident')} UNION SELECT incident_id FROM main.incident_events "  # noqa: S608
        f"WHERE id IN ({_journaled('incident event')})"
    )
    touched = {
        "assets": (
            f"SELECT asset_id FROM main.procedures WHERE id IN ({procedures}) "  # noqa: S608
            f"UNION SELECT asset_id FROM main.audit_scans WHERE id IN ({scans}) "
            f"UNION SELECT asset_id FROM main.incident_assets WHERE incident_id IN ({incidents})"
        ),
        "procedures": procedures,
        "audit_scans": scans,
    }
    for name, columns in NARROWED.items():
        keys = [c for c in columns if c != "version"]
        marks = ", ".join(f'n."{k}"' for k in keys)
        same = " AND ".join(f'k."{c}" = n."{c}"' for c in columns)
        where = f'NOT EXISTS (SELECT 1 FROM main."{name}" AS k WHERE {same})'  # noqa: S608
        joined = ""
        if name == "assets":
            # One pass: each staged asset looked up once in the kit's assets and once in
            # its base. Read whole: new to the kit, another version than the kit's, or
            # the kit's row or base not at the version the kit last had from the server.
            # An asset with no base row (none is expected after a sync) is read whole
            # too: its base is made with the others' (:func:`_apply_staged`). Whether its
            # base is made anew is noted in the same pass (``rebase``).
            joined = (
                " LEFT JOIN main.assets AS k ON k.id = n.id "
                "LEFT JOIN main.kit_base AS b ON b.asset_id = n.id"
            )
            where = (
                "k.id IS NULL OR k.version != n.version OR b.asset_id IS NULL "
                "OR k.version != b.version OR b.version != b.server_version"
            )
            marks += f", ({_BASE_OFF}) AS rebase"
        if name in touched:
            where += f" OR n.id IN ({touched[name]})"
        elif name == "audit_expected":
            where += f" OR n.audit_id IN ({_journaled('audit')})"
        _run(kit, f'DROP TABLE IF EXISTS temp."{WANT}{name}"')
        _run(
            kit,
            f'CREATE TEMP TABLE "{WANT}{name}" AS SELECT {marks} FROM '  # noqa: S608
            f'temp."{STAGED}{name}" AS n{joined} WHERE {where}',
        )


def _apply_staged(kit: Connection, shapes: Shapes) -> None:
    """Write the difference between the staging tables and the kit's tables into the
    kit (in the caller's transaction)."""
    ordered = [
        t.name for t in Base.metadata.sorted_tables if t.name in (*WHOLE_TABLES, *DATA_TABLES)
    ]
    # The assets that entered the scope or changed (and those that left): too many, and
    # the whole fill is faster.
    assets, keys = shapes["assets"]
    _run(kit, "DROP TABLE IF EXISTS temp.kit_moved")
    _run(
        kit, f"CREATE TEMP TABLE kit_moved AS {_differing('assets', assets, keys, f'{FULL}assets')}"
    )
    # The kit's assets gone from the scope (read from the ids' own index, not the rows).
    _run(kit, "DROP TABLE IF EXISTS temp.kit_gone")
    _run(
        kit,
        "CREATE TEMP TABLE kit_gone AS SELECT k.id FROM main.assets AS k WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM temp.{STAGED}assets AS n WHERE n.id = k.id)",
    )
    moved = _run(
        kit,
        "SELECT (SELECT count(*) FROM temp.kit_moved), (SELECT count(*) FROM temp.kit_gone), "  # noqa: S608
        f"(SELECT count(*) FROM temp.{STAGED}assets)",
    ).fetchone()
    if moved[0] + moved[1] > max(WHOLE_REFILL_MIN, WHOLE_REFILL_SHARE * moved[2]):
        raise _RefillWhole
    # The assets whose base values are made anew: those that entered or changed, those
    # read whole whose base is missing or not at the kit's and the server's version
    # (the others read whole were only touched by the kit's records: :func:`_want_moved`),
    # the assets the kit's own procedures touched (read before the kit's procedures are
    # replaced by the server's), and the base rows of assets no longer in scope. No
    # other asset needs it: its row and base version are the server's, unchanged.
    _run(kit, "DROP TABLE IF EXISTS temp.kit_rebase")
    _run(kit, "CREATE TEMP TABLE kit_rebase (id CHAR(32) PRIMARY KEY)")
    _run(kit, "INSERT OR IGNORE INTO temp.kit_rebase SELECT id FROM temp.kit_moved")
    _run(
        kit,
        f"INSERT OR IGNORE INTO temp.kit_rebase SELECT id FROM temp.{WANT}assets "  # noqa: S608
        "WHERE rebase",
    )
    _run(
        kit,
        "INSERT OR IGNORE INTO temp.kit_rebase SELECT asset_id FROM procedures "
        "WHERE id IN (SELECT row_id FROM kit_journal WHERE record = 'procedure')",
    )
    _run(
        kit,
        "INSERT OR IGNORE INTO temp.kit_rebase SELECT b.asset_id FROM main.kit_base AS b "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM temp.{STAGED}assets AS n WHERE n.id = b.asset_id)",
    )
    saved = _drop_history_triggers(kit)
    _run(kit, "PRAGMA defer_foreign_keys=ON")
    try:
        _step_aside(kit)
        # Rows gone from the scope (children first), then new and changed rows (parents
        # first).
        for name in reversed(ordered):
            if name == "assets":
                _run(kit, "DELETE FROM main.assets WHERE id IN (SELECT id FROM temp.kit_gone)")
                continue
            keys = shapes[name][1]
            match = " AND ".join(f'n."{k}" = t."{k}"' for k in keys)
            _run(
                kit,
                f'DELETE FROM main."{name}" AS t WHERE NOT EXISTS '  # noqa: S608
                f'(SELECT 1 FROM temp."{STAGED}{name}" AS n WHERE {match})',
            )
        for name in ordered:
            columns, keys = shapes[name]
            if name == "assets":
                changed = _changed_columns(kit, name, columns, keys, "temp.kit_moved")
                if set(changed) & _search_columns(kit):
                    with _assets_reindexed(kit):
                        _upsert(kit, name, columns, keys, "temp.kit_moved", changed)
                else:  # the search index's update trigger would not fire
                    _upsert(kit, name, columns, keys, "temp.kit_moved", changed)
            elif name in NARROWED:
                changed = _changed_columns(kit, name, columns, keys, f"temp.{FULL}{name}")
                _upsert(kit, name, columns, keys, None, changed)
            else:
                _upsert(kit, name, columns, keys, None)
        _run(kit, "DELETE FROM kit_base WHERE asset_id IN (SELECT id FROM temp.kit_rebase)")
        base_rows(kit, "id IN (SELECT id FROM temp.kit_rebase)", listed=False)
    # New values collide with rows not yet replaced (the driver's error: :func:`_run`).
    except (IntegrityError, sqlite3.IntegrityError) as error:
        raise _RefillWhole from error
    finally:
        restore_triggers(kit, saved)


#: Numbers the kit gives provisionally to what it records offline and the server gives
#: anew at sync: an incident's number, and an audit scan's sequence in its audit. The
#: server may have given the same number meanwhile to a record of its own (an incident
#: it logged, a scan it recorded in the same audit), which the refresh brings into the
#: kit: (table, column, the staging table holding the server's value of the kit's rows).
#: A scan's whole row is staged for the kit's own scans (its journal), which are the only
#: ones whose sequence can change (scans are append-only).
_PROVISIONAL = (("incidents", "number", STAGED), ("audit_scans", "sequence", FULL))


def _step_aside(kit: Connection) -> None:
    """The kit's provisional numbers (:data:`_PROVISIONAL`) that the server changed step
    aside first (negated: real ones are positive), or writing the server's record that
    now holds the number would clash with the kit's row not yet renumbered."""
    for name, column, staging in _PROVISIONAL:
        _run(
            kit,
            f'UPDATE main."{name}" SET "{column}" = -"{column}" WHERE id IN '  # noqa: S608
            f'(SELECT n.id FROM temp."{staging}{name}" AS n JOIN main."{name}" AS k '
            f'ON k.id = n.id WHERE k."{column}" != n."{column}")',
        )


@contextmanager
def _assets_reindexed(kit: Connection) -> Iterator[None]:
    """The kit's changed assets' search index rows replaced together around their upsert
    (:func:`search_rows_replaced`: several times faster than the update trigger row by
    row), unless one of them changes its tag (the trigger moves its rank) or few moved."""
    kit.exec_driver_sql("DROP TABLE IF EXISTS temp.kit_reindexed")
    kit.exec_driver_sql(
        "CREATE TEMP TABLE kit_reindexed AS SELECT a.rowid AS asset_rowid, "
        "a.tag_key IS NOT m.tag_key AS retagged FROM main.assets AS a "
        "JOIN temp.kit_moved AS m ON m.id = a.id"
    )
    try:
        count, retagged = kit.exec_driver_sql(
            "SELECT count(*), coalesce(max(retagged), 0) FROM temp.kit_reindexed"
        ).one()
        if count < BULK_UPKEEP_MIN or retagged:
            yield
        else:
            with search_rows_replaced(kit, "SELECT asset_rowid FROM temp.kit_reindexed"):
                yield
    finally:
        kit.exec_driver_sql("DROP TABLE IF EXISTS temp.kit_reindexed")


def _upsert(
    kit: Connection,
    name: str,
    columns: list[str],
    keys: list[str],
    moved: str | None,
    changed: list[str] | None = None,
) -> None:
    """Write the staged rows of ``name`` the kit does not hold as they are (or those of
    the table ``moved``, already found), replacing the kit's row of the same key: all
    its other columns, or only ``changed`` (:func:`_changed_columns`: SQLite keeps up
    every index on a column an upsert sets, even to the value it had)."""
    names = ", ".join(f'"{c}"' for c in columns)
    staged = f"{FULL}{name}" if name in NARROWED else f"{STAGED}{name}"
    source = (
        f"SELECT {names} FROM {moved}"  # noqa: S608
        if moved is not None
        else _differing(name, columns, keys, staged)
    )
    others = [c for c in columns if c not in keys and (changed is None or c in changed)]
    action = (
        "DO UPDATE SET " + ", ".join(f'"{c}" = excluded."{c}"' for c in others)
        if others
        else "DO NOTHING"
    )
    conflict = ", ".join(f'"{k}"' for k in keys)
    _run(
        kit,
        f'INSERT INTO main."{name}" ({names}) SELECT * FROM ({source}) WHERE true '  # noqa: S608
        f"ON CONFLICT ({conflict}) {action}",
    )


def _changed_columns(
    kit: Connection, name: str, columns: list[str], keys: list[str], rows: str
) -> list[str]:
    """The columns of the kit's table ``name`` whose value differs from that of a row
    of the table ``rows`` with the same key (one pass over those rows). An upsert of
    ``rows`` that sets only these writes the same rows as one that sets all."""
    others = [c for c in columns if c not in keys]
    if not others:
        return []
    match = " AND ".join(f'k."{k}" = n."{k}"' for k in keys)
    found = _run(
        kit,
        "SELECT "  # noqa: S608
        + ", ".join(f'max(k."{c}" IS NOT n."{c}")' for c in others)
        + f' FROM {rows} AS n JOIN main."{name}" AS k ON {match}',
    ).fetchone()
    return [c for c, differs in zip(others, found, strict=True) if differs]


def _search_columns(kit: Connection) -> set[str]:
    """The asset columns the search index's update trigger fires on (none while the
    index is paused: no trigger)."""
    trigger = _run(
        kit,
        "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND name = 'asset_search_au'",
    ).fetchone()
    if trigger is None:
        return set()
    found = re.search(r"UPDATE\s+OF\s+(.*?)\s+ON\s", str(trigger[0]), re.IGNORECASE | re.DOTALL)
    if found is None:  # an update trigger on every column
        return {c.name for c in Base.metadata.tables["assets"].c}
    return {c.strip().strip('"') for c in found.group(1).split(",")}


def _differing(name: str, columns: list[str], keys: list[str], staged: str) -> str:
    """The rows of the staging table ``temp.<staged>`` the kit's table ``name`` does not
    hold as they are: each staged row looked up by its key and compared column by column
    (``IS``: NULLs alike), which reads only the kit rows of the staged keys, where an
    ``EXCEPT`` read the kit's whole table (all 10,000 assets' rows to find 1,000)."""
    names = ", ".join(f'n."{c}"' for c in columns)
    same = " AND ".join(
        f'k."{c}" = n."{c}"' if c in keys else f'k."{c}" IS n."{c}"' for c in columns
    )
    return (
        f'SELECT {names} FROM temp."{staged}" AS n WHERE NOT EXISTS '  # noqa: S608
        f'(SELECT 1 FROM main."{name}" AS k WHERE {same})'
    )


def _drop_history_triggers(kit: Connection) -> list[str]:
    """Drop the triggers that keep history append-only (a refresh replaces the kit's
    copy of it); return their DDL for :func:`restore_triggers`."""
    rows = _run(
        kit,
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
        "('procedures', 'approvals', 'audit_scans', 'incident_events') "
        "AND name NOT LIKE 'kit_%'",
    ).fetchall()
    for name, _sql in rows:
        _run(kit, f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in rows]


def empty_kit(kit: Connection) -> list[str]:
    """Remove the kit's data rows (for a refresh), its history triggers and the secondary
    indexes of the tables it fills lifted for the time of the transaction (an index built
    once over the copied rows is several times faster than kept up row by row); returns
    their DDL to put back with :func:`restore_triggers`."""
    saved = _drop_history_triggers(kit)
    kit.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    ordered = [t.name for t in Base.metadata.sorted_tables]
    for name in reversed(ordered):
        if name in DATA_TABLES or name in WHOLE_TABLES:
            kit.exec_driver_sql(f'DELETE FROM "{name}"')  # noqa: S608 - our table names
    kit.exec_driver_sql("DELETE FROM kit_base")
    filled = [*DATA_TABLES, *WHOLE_TABLES]
    marks = ", ".join("?" * len(filled))
    indexes = kit.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
        f"AND tbl_name IN ({marks})",
        tuple(filled),
    ).all()
    for name, _sql in indexes:
        kit.exec_driver_sql(f'DROP INDEX "{name}"')
    return [*saved, *(sql for _name, sql in indexes)]


def restore_triggers(kit: Connection, saved: Sequence[str]) -> None:
    for statement in saved:
        kit.exec_driver_sql(statement)
