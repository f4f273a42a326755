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

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, MetaData, Table, and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from desktop.domain.fields import ASSET_FIELDS, CUSTOM_PREFIX
from desktop.domain.incidents import IncidentStatus
from desktop.domain.lifecycle import ProcedureState
from desktop.errors import NotFoundError
from desktop.kits.model import HISTORY_PER_ASSET, Cancel, KitCancelled, Progress, Scope
from desktop.services.search import search_condition, search_index_paused
from desktop.services.values import json_value
from desktop.storage.database import Database
from desktop.storage.models import (
    Asset,
    Audit,
    AuditExpected,
    Base,
    Incident,
    IncidentAsset,
    Location,
    Person,
    Procedure,
)

CHUNK = 900

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


def read_only_reference_triggers() -> list[str]:
    """The triggers that refuse edits of reference data while the kit journals (a refresh
    turns the journal off while it replaces that data)."""
    message = READ_ONLY_REFERENCE.replace("'", "''")
    return [
        f"CREATE TRIGGER IF NOT EXISTS kit_read_only_{table}_{event.lower()} "  # noqa: S608
        f"BEFORE {event} ON {table} WHEN (SELECT journal_on FROM kit_meta) = 1 "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for table in READ_ONLY_TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


#: Tables copied whole (reference data and configuration).
WHOLE_TABLES = (
    "categories",
    "tag_sequences",
    "manufacturers",
    "asset_models",
    "suppliers",
    "locations",
    "groups",
    "roles",
    "people",
    "group_memberships",
    "person_roles",
    "procedure_templates",
    "label_templates",
    "import_profiles",
)
#: Tables a kit holds part of (or nothing: the server-side kit tables).
DATA_TABLES = (
    "assets",
    "procedures",
    "approvals",
    "audits",
    "audit_expected",
    "audit_scans",
    "incidents",
    "incident_assets",
    "incident_events",
)


def create_kit_tables(connection: Connection) -> None:
    for statement in KIT_DDL:
        connection.exec_driver_sql(statement)
    for statement in (*KIT_TRIGGERS, *read_only_reference_triggers()):
        connection.exec_driver_sql(statement)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- the scope ----------------------------------------------------------------------------


def location_subtree(session: Session, roots: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for row in session.execute(select(Location.id, Location.parent_id)):
        children.setdefault(row.parent_id, []).append(row.id)
    found: set[uuid.UUID] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, ()))
    return found


def scope_asset_ids(session: Session, scope: Scope) -> list[uuid.UUID]:
    """The ids of the assets in ``scope`` (sorted, for stable chunks)."""
    ids: set[uuid.UUID] = set()
    locations = location_subtree(session, scope.location_ids)
    if scope.audit_id is not None:
        audit = session.get(Audit, scope.audit_id)
        if audit is None:
            raise NotFoundError(f"there is no audit with id {scope.audit_id}")
        locations |= location_subtree(session, [audit.scope_location_id])
        ids.update(
            session.execute(
                select(AuditExpected.asset_id).where(AuditExpected.audit_id == audit.id)
            ).scalars()
        )
    location_list = sorted(locations)
    for part in chunks(location_list):
        ids.update(session.execute(select(Asset.id).where(Asset.location_id.in_(part))).scalars())
    if scope.assigned_to_ids:
        ids.update(
            session.execute(
                select(Asset.id).where(Asset.assigned_to_id.in_(scope.assigned_to_ids))
            ).scalars()
        )
    if scope.search:
        dialect = session.get_bind().dialect.name
        condition = search_condition(
            dialect, scope.search, session=session if dialect != "sqlite" else None
        )
        ids.update(session.execute(select(Asset.id).where(condition)).scalars())
    return sorted(ids)


def scope_text(session: Session, scope: Scope) -> str:
    parts: list[str] = []
    if scope.location_ids:
        names = session.execute(
            select(Location.name).where(Location.id.in_(scope.location_ids)).order_by(Location.name)
        ).scalars()
        parts.append(", ".join(names) + " (and below)")
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


# -- copying ------------------------------------------------------------------------------


@dataclass
class Copied:
    asset_ids: list[uuid.UUID]
    base: list[tuple[str, int, int, str]]


def base_values(row: Any) -> dict[str, object]:
    """An asset row's values by field key (as JSON values), custom fields included."""
    values: dict[str, object] = {}
    for spec in ASSET_FIELDS:
        values[spec.key] = json_value(getattr(row, spec.column))
    for name, value in (row.custom_fields or {}).items():
        values[CUSTOM_PREFIX + name] = value
    return values


def _tables() -> dict[str, Table]:
    return {table.name: table for table in Base.metadata.sorted_tables}


def copy_scope(
    session: Session,
    kit: Connection,
    scope: Scope,
    *,
    progress: Progress | None,
    cancel: Cancel | None,
) -> Copied:
    """Copy reference data and ``scope``'s records from ``session`` (the source) into the
    empty data tables of ``kit`` (inside the caller's transaction).

    When the source is a SQLite file attached to the kit's connection as ``src`` (see
    :func:`fill`), rows go across inside SQLite (``INSERT … SELECT``) instead of through
    Python: the same rows, several times faster."""
    tables = _tables()
    attached = _attached(kit)
    source_tables: dict[str, Table] = {}

    def copy(table: Table, where: Any = None) -> None:
        """Copy ``table``'s rows matching ``where(table)`` (all when None)."""
        if attached:
            if table.name not in source_tables:
                source_tables[table.name] = table.to_metadata(MetaData(), schema="src")
            source = source_tables[table.name]
            query = select(*source.c)
            if where is not None:
                query = query.where(where(source))
            kit.execute(insert(table).from_select([c.name for c in table.c], query))
            return
        query = select(table)
        if where is not None:
            query = query.where(where(table))
        put(table, session.execute(query).all())

    def check() -> None:
        if cancel is not None and cancel():
            raise KitCancelled("the checkout was cancelled; nothing was recorded")

    def put(table: Table, rows: Sequence[Any]) -> None:
        if rows:
            kit.execute(insert(table), [dict(row._mapping) for row in rows])

    asset_ids = scope_asset_ids(session, scope)
    steps = len(WHOLE_TABLES) + max(1, len(asset_ids) // CHUNK + 1) + 4
    done = 0

    def step(text_: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, steps), steps, text_)
        check()

    for name in WHOLE_TABLES:
        copy(tables[name])
        step(f"Reference data: {name.replace('_', ' ')}")

    asset_table = tables["assets"]
    base: list[tuple[str, int, int, str]] = []
    copied = 0
    for part in chunks(asset_ids):
        copy(asset_table, lambda t, part=part: t.c.id.in_(part))
        copied += len(part)
        step(f"Assets: {copied} of {len(asset_ids)}")
    for part in chunks(asset_ids, 5000):
        for row in kit.execute(select(asset_table).where(asset_table.c.id.in_(part))):
            base.append(
                (row.id.hex, row.version, row.version, json.dumps(base_values(row), default=str))
            )

    # Recent history (and every pending procedure) of the assets in scope.
    procedure_table = tables["procedures"]
    procedure_ids: list[uuid.UUID] = []
    for part in chunks(asset_ids):
        ranked = (
            select(
                Procedure.id,
                Procedure.state,
                func.row_number()
                .over(
                    partition_by=Procedure.asset_id,
                    order_by=(Procedure.performed_at.desc(), Procedure.id.desc()),
                )
                .label("place"),
            )
            .where(Procedure.asset_id.in_(part))
            .subquery()
        )
        procedure_ids.extend(
            session.execute(
                select(ranked.c.id).where(
                    or_(
                        ranked.c.place <= HISTORY_PER_ASSET,
                        ranked.c.state == ProcedureState.PENDING_APPROVAL.value,
                    )
                )
            ).scalars()
        )
    for part in chunks(procedure_ids):
        copy(procedure_table, lambda t, part=part: t.c.id.in_(part))
    approval_table = tables["approvals"]
    for part in chunks(procedure_ids):
        copy(approval_table, lambda t, part=part: t.c.procedure_id.in_(part))
    step("Recent history")

    # Open audits of the scope's places (and the scope's audit).
    in_kit = set(asset_ids)
    places = location_subtree(session, scope.location_ids)
    audits = [
        audit
        for audit in session.execute(select(Audit).where(Audit.status == "open")).scalars()
        if audit.id == scope.audit_id or audit.scope_location_id in places
    ]
    audit_ids = [audit.id for audit in audits]
    if audit_ids:
        audit_table = tables["audits"]
        put(
            audit_table,
            session.execute(select(audit_table).where(audit_table.c.id.in_(audit_ids))).all(),
        )
        expected = tables["audit_expected"]
        put(
            expected,
            [
                row
                for row in session.execute(
                    select(expected).where(expected.c.audit_id.in_(audit_ids))
                ).all()
                if row.asset_id in in_kit
            ],
        )
        scans = tables["audit_scans"]
        put(
            scans,
            [
                row
                for row in session.execute(
                    select(scans).where(scans.c.audit_id.in_(audit_ids))
                ).all()
                if row.asset_id is None or row.asset_id in in_kit
            ],
        )
    step("Open audits")

    # Open incidents about assets in scope.
    incident_ids: set[uuid.UUID] = set()
    for part in chunks(asset_ids):
        incident_ids.update(
            session.execute(
                select(IncidentAsset.incident_id)
                .join(Incident, Incident.id == IncidentAsset.incident_id)
                .where(
                    and_(
                        IncidentAsset.asset_id.in_(part),
                        Incident.status != IncidentStatus.CLOSED.value,
                    )
                )
            ).scalars()
        )
    if incident_ids:
        kept = set(procedure_ids)
        incident_table = tables["incidents"]
        incident_rows: list[dict[str, Any]] = []
        for row in session.execute(
            select(incident_table).where(incident_table.c.id.in_(sorted(incident_ids)))
        ).all():
            values = dict(row._mapping)
            if values.get("fixed_by_procedure_id") not in kept:
                values["fixed_by_procedure_id"] = None
            incident_rows.append(values)
        kit.execute(insert(incident_table), incident_rows)
        links = tables["incident_assets"]
        put(
            links,
            [
                row
                for row in session.execute(
                    select(links).where(links.c.incident_id.in_(sorted(incident_ids)))
                ).all()
                if row.asset_id in in_kit
            ],
        )
        events = tables["incident_events"]
        put(
            events,
            session.execute(
                select(events).where(events.c.incident_id.in_(sorted(incident_ids)))
            ).all(),
        )
    step("Open incidents")
    if base:
        kit.execute(
            text(
                "INSERT INTO kit_base (asset_id, version, server_version, vals) "
                "VALUES (:a, :v, :s, :vals)"
            ),
            [{"a": a, "v": v, "s": s, "vals": vals} for a, v, s, vals in base],
        )
    return Copied(asset_ids, base)


def _attached(kit: Connection) -> bool:
    return any(row[1] == "src" for row in kit.exec_driver_sql("PRAGMA database_list"))


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
    for statement in read_only_reference_triggers():  # kits made before they existed
        kit.exec_driver_sql(statement)
    with search_index_paused(kit):
        saved = empty_kit(kit)
        copied = copy_scope(session, kit, scope, progress=progress, cancel=cancel)
        restore_triggers(kit, saved)
    return copied


_HISTORY_TRIGGERS = ("procedures", "approvals", "audit_scans", "incident_events")


def empty_kit(kit: Connection) -> list[str]:
    """Remove the kit's data rows (for a refresh), its history triggers lifted for the
    time of the transaction; returns their DDL to put back with :func:`restore_triggers`."""
    saved = [
        row[0]
        for row in kit.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            "('procedures', 'approvals', 'audit_scans', 'incident_events') "
            "AND name NOT LIKE 'kit_%'"
        )
    ]
    names = [
        row[0]
        for row in kit.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            "('procedures', 'approvals', 'audit_scans', 'incident_events') "
            "AND name NOT LIKE 'kit_%'"
        )
    ]
    for name in names:
        kit.exec_driver_sql(f'DROP TRIGGER "{name}"')
    kit.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
    ordered = [t.name for t in Base.metadata.sorted_tables]
    for name in reversed(ordered):
        if name in DATA_TABLES or name in WHOLE_TABLES:
            kit.exec_driver_sql(f'DELETE FROM "{name}"')  # noqa: S608 - our table names
    kit.exec_driver_sql("DELETE FROM kit_base")
    return saved


def restore_triggers(kit: Connection, saved: Sequence[str]) -> None:
    for statement in saved:
        kit.exec_driver_sql(statement)
