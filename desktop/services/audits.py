"""Inventory audits: starting one over a scope, finding it again, closing it.

An audit snapshots, at start, every asset of its scope (a location subtree, optionally
some categories) that is in stock, in service or in repair: that is what it expects to
find, and where. Scanning lives in :mod:`desktop.services.audit_scans`, counts and the
reconciliation in :mod:`desktop.services.audit_tally`, the corrective procedures in
:mod:`desktop.services.audit_actions`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, insert, literal, or_, select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ACTIVE_STATUSES
from desktop.domain.permissions import Work
from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError, NotFoundError, Problem, ValidationError
from desktop.services.audit_log import counted_scans
from desktop.services.batch_cache import prime, primed
from desktop.services.permissions import require
from desktop.services.reference import IN_A_ROOM, subtree_location_ids
from desktop.storage.database import Database
from desktop.storage.models import (
    Asset,
    Audit,
    AuditExpected,
    AuditScan,
    Category,
    Location,
    Person,
)
from desktop.storage.types import utcnow

AUDIT_OPEN = "open"
AUDIT_CLOSED = "closed"


class AuditClosedError(DesktopError):
    """A write to an audit that is closed (a closed audit is read-only)."""


@dataclass(frozen=True)
class AuditSummary:
    """One audit as lists and headers show it."""

    id: uuid.UUID
    name: str
    status: str
    scope_location_id: uuid.UUID
    scope: str
    category_ids: tuple[uuid.UUID, ...]
    categories: tuple[str, ...]
    started_by: str
    started_at: dt.datetime
    closed_by: str
    closed_at: dt.datetime | None
    expected: int
    scans: int

    @property
    def is_open(self) -> bool:
        return self.status == AUDIT_OPEN


def start_audit(
    db: Database,
    *,
    scope_location_id: uuid.UUID,
    started_by: str,
    category_ids: Sequence[uuid.UUID] = (),
    name: str | None = None,
) -> AuditSummary:
    """Open an audit and snapshot what it expects to find (one INSERT … SELECT)."""
    with db.write() as session:
        audit = start_audit_in_session(
            session,
            scope_location_id=scope_location_id,
            started_by=started_by,
            category_ids=category_ids,
            name=name,
        )
        summary = _summary(session, audit)
    checkpoint_wal(db)
    return summary


def start_audit_in_session(
    session: Session,
    *,
    scope_location_id: uuid.UUID,
    started_by: str,
    category_ids: Sequence[uuid.UUID] = (),
    name: str | None = None,
    audit_id: uuid.UUID | None = None,
    started_at: dt.datetime | None = None,
) -> Audit:
    """:func:`start_audit` inside the caller's transaction (a field kit's replay keeps
    the audit's laptop-made id and the time it was started; what it expects is the
    database's own assets in scope, as for an audit started there)."""
    person = require(session, started_by, Work.AUDIT)
    scope = session.get(Location, scope_location_id)
    if scope is None:
        raise NotFoundError(f"there is no location with id {scope_location_id}")
    categories = _categories(session, category_ids)
    title = (name or "").strip() or f"{scope.name} {utcnow().astimezone():%Y-%m-%d}"
    if len(title) > 200:
        raise ValidationError(Problem("name", "the audit name is longer than 200 characters"))
    audit = Audit(
        id=audit_id or uuid.uuid4(),
        name=title,
        scope_location_id=scope.id,
        category_ids=[str(c.id) for c in categories],
        status=AUDIT_OPEN,
        started_by_id=person.id,
        started_at=started_at or utcnow(),
    )
    session.add(audit)
    session.flush()
    in_scope = select(
        literal(audit.id, AuditExpected.audit_id.type),
        Asset.id,
        Asset.location_id,
    ).where(
        Asset.location_id.in_(subtree_location_ids(session, scope.id)),
        Asset.status.in_([s.value for s in ACTIVE_STATUSES]),
    )
    if categories:
        in_scope = in_scope.where(Asset.category_id.in_([c.id for c in categories]))
    session.execute(
        insert(AuditExpected).from_select(["audit_id", "asset_id", "location_id"], in_scope)
    )
    return audit


def _categories(session: Session, category_ids: Iterable[uuid.UUID]) -> list[Category]:
    found = []
    for category_id in dict.fromkeys(category_ids):
        category = session.get(Category, category_id)
        if category is None:
            raise NotFoundError(f"there is no category with id {category_id}")
        found.append(category)
    return found


def get_audit(session: Session, audit_id: uuid.UUID) -> Audit:
    audit = session.get(Audit, audit_id)
    if audit is None:
        raise NotFoundError(f"there is no audit with id {audit_id}")
    return audit


#: The batch cache key of an audit locked for a whole batch (:func:`lock_audits`).
LOCKED_AUDIT = "locked_audit"


def lock_audits(session: Session, audit_ids: Iterable[uuid.UUID]) -> list[Audit]:
    """Lock these audits for the rest of the transaction (in id order) and let
    :func:`lock_open_audit` use them while a batch cache is on; the audits found."""
    ids = sorted(set(audit_ids))
    if not ids:
        return []
    found = list(
        session.execute(
            select(Audit).where(Audit.id.in_(ids)).order_by(Audit.id).with_for_update()
        ).scalars()
    )
    for audit in found:
        prime(session, (LOCKED_AUDIT, audit.id), audit)
    return found


def lock_open_audit(session: Session, audit_id: uuid.UUID) -> Audit:
    """The audit, locked for this write transaction; a closed audit refuses every write.

    The row lock serialises scans of one audit (their sequence numbers) and makes
    "close" and "scan" exclusive on PostgreSQL and MariaDB; SQLite's BEGIN IMMEDIATE
    does the same there.
    """
    # A field kit's replay locks its batch's audits once, outside any savepoint (a
    # savepoint rolled back would release a lock taken inside it).
    audit = cast("Audit | None", primed(session, (LOCKED_AUDIT, audit_id)))
    if audit is None:
        audit = session.execute(
            select(Audit).where(Audit.id == audit_id).with_for_update()
        ).scalar_one_or_none()
    if audit is None:
        raise NotFoundError(f"there is no audit with id {audit_id}")
    if audit.status != AUDIT_OPEN:
        raise AuditClosedError(
            f"the audit '{audit.name}' is closed and read-only: nothing can be scanned, "
            "undone or re-opened in it"
        )
    return audit


def audit_summary(session: Session, audit_id: uuid.UUID) -> AuditSummary:
    return _summary(session, get_audit(session, audit_id))


def _summary(session: Session, audit: Audit) -> AuditSummary:
    scope = session.get(Location, audit.scope_location_id)
    category_ids = tuple(uuid.UUID(str(c)) for c in audit.category_ids or ())
    names = [session.get(Category, c) for c in category_ids]
    started = session.get(Person, audit.started_by_id)
    closed = session.get(Person, audit.closed_by_id) if audit.closed_by_id else None
    expected = session.execute(
        select(func.count()).select_from(AuditExpected).where(AuditExpected.audit_id == audit.id)
    ).scalar_one()
    scans = session.execute(
        select(func.count()).select_from(AuditScan).where(*counted_scans(audit.id))
    ).scalar_one()
    return AuditSummary(
        id=audit.id,
        name=audit.name,
        status=audit.status,
        scope_location_id=audit.scope_location_id,
        scope=scope.name if scope else "",
        category_ids=category_ids,
        categories=tuple(c.name for c in names if c is not None),
        started_by=started.name if started else "",
        started_at=audit.started_at,
        closed_by=closed.name if closed else "",
        closed_at=audit.closed_at,
        expected=int(expected),
        scans=int(scans),
    )


def list_audits(session: Session, *, open_only: bool = False) -> list[AuditSummary]:
    """Every audit (open ones first, newest first): the browser of past audits."""
    query = select(Audit)
    if open_only:
        query = query.where(Audit.status == AUDIT_OPEN)
    audits = session.execute(query).scalars().all()
    ordered = sorted(audits, key=lambda a: (a.status != AUDIT_OPEN, -a.started_at.timestamp()))
    return [_summary(session, a) for a in ordered]


def close_audit(db: Database, *, audit_id: uuid.UUID, closed_by: str) -> AuditSummary:
    """Close the audit: from now on it is read-only and its result is final."""
    with db.write() as session:
        return close_audit_in_session(session, audit_id=audit_id, closed_by=closed_by)


def close_audit_in_session(
    session: Session,
    *,
    audit_id: uuid.UUID,
    closed_by: str,
    closed_at: dt.datetime | None = None,
) -> AuditSummary:
    """:func:`close_audit` inside the caller's transaction (a field kit's replay keeps
    the time it was closed on the laptop)."""
    person = require(session, closed_by, Work.AUDIT)
    audit = lock_open_audit(session, audit_id)
    audit.status = AUDIT_CLOSED
    audit.closed_by_id = person.id
    audit.closed_at = closed_at or utcnow()
    session.flush()
    return _summary(session, audit)


def find_audit(session: Session, text: str) -> Audit:
    """An audit by its id, a unique id prefix (as printed by the CLI) or its exact name."""
    wanted = text.strip()
    if not wanted:
        raise NotFoundError("no audit given")
    try:
        found = session.get(Audit, uuid.UUID(wanted))
        if found is not None:
            return found
    except ValueError:
        pass
    audits = session.execute(select(Audit)).scalars().all()
    by_name = [a for a in audits if a.name.casefold() == wanted.casefold()]
    prefix = wanted.lower().replace("-", "")
    by_prefix = [a for a in audits if len(prefix) >= 4 and a.id.hex.startswith(prefix)]
    matches = by_name or by_prefix
    if not matches:
        raise NotFoundError(f"there is no audit '{wanted}' (give its id or its name)")
    if len(matches) > 1:
        listed = ", ".join(f"{a.id} ({a.name})" for a in matches)
        raise NotFoundError(f"'{wanted}' names several audits: {listed}; give the id")
    return matches[0]


def find_location(session: Session, text: str) -> Location:
    """A location by its label code (as scanned) or its name (case-insensitive)."""
    wanted = text.strip()
    by_code = session.execute(
        select(Location).where(Location.code_key == normalize_tag(wanted))
    ).scalar_one_or_none()
    if by_code is not None:
        return by_code
    by_name = (
        session.execute(select(Location).where(func.lower(Location.name) == wanted.lower()))
        .scalars()
        .all()
    )
    if not by_name:
        raise NotFoundError(f"there is no location with the code or name '{wanted}'")
    if len(by_name) > 1:
        codes = ", ".join(loc.code for loc in by_name)
        raise NotFoundError(f"several locations are called '{wanted}': give a code ({codes})")
    return by_name[0]


def find_category(session: Session, text: str) -> Category:
    """A category by name or tag prefix (case-insensitive)."""
    wanted = text.strip().lower()
    found = session.execute(
        select(Category).where(
            or_(func.lower(Category.name) == wanted, func.lower(Category.tag_prefix) == wanted)
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"there is no category with the name or tag prefix '{text.strip()}'")
    return found


def location_names(session: Session) -> dict[uuid.UUID, str]:
    """Every location's name by id (a few thousand at most: one query)."""
    return dict(session.execute(select(Location.id, Location.name)).all())


def single_room(session: Session, audit_id: uuid.UUID) -> Location | None:
    """The audit's scope when it is one room: a location with no sub-locations, or only
    racks (shelves) standing in it — a server room and its racks are one room to walk.
    There is no other room to scan in, so scanning starts there as if its label had been
    scanned, on the scan screen, on the command line and in a field kit's replay (a scan
    given no room is made in it). Nothing is stored for that: the scans made there name
    the room, as after a label."""
    scope_id = get_audit(session, audit_id).scope_location_id
    below = session.execute(
        select(Location.id, Location.kind).where(Location.parent_id == scope_id)
    ).all()
    if any(kind != IN_A_ROOM for _, kind in below):
        return None
    if below:  # racks only: one room, unless something stands below a rack
        racks = [location_id for location_id, _ in below]
        deeper = session.execute(
            select(Location.id).where(Location.parent_id.in_(racks)).limit(1)
        ).first()
        if deeper is not None:
            return None
    return session.get(Location, scope_id)


def scope_locations(session: Session, audit: Audit) -> list[tuple[uuid.UUID, str, str]]:
    """(id, name, code) of every location in the audit's scope, by name."""
    ids = subtree_location_ids(session, audit.scope_location_id)
    rows = session.execute(
        select(Location.id, Location.name, Location.code).where(Location.id.in_(ids))
    )
    return sorted(rows, key=lambda r: r[1].casefold())


@dataclass(frozen=True)
class Choice:
    """An item of a drop-down: a location (by its full path) or a category."""

    id: uuid.UUID
    label: str
    code: str = ""


def location_choices(session: Session) -> list[Choice]:
    """Every location as "Site › Building › Room", in tree order (no asset counts: fast)."""
    rows = session.execute(
        select(Location.id, Location.parent_id, Location.name, Location.code)
    ).all()
    by_id = {r[0]: r for r in rows}
    paths: dict[uuid.UUID, str] = {}

    def path(location_id: uuid.UUID) -> str:
        if location_id not in paths:
            _, parent_id, name, _ = by_id[location_id]
            parent = path(parent_id) + " › " if parent_id in by_id else ""
            paths[location_id] = parent + name
        return paths[location_id]

    return sorted((Choice(r[0], path(r[0]), r[3]) for r in rows), key=lambda c: c.label.casefold())


def category_choices(session: Session) -> list[Choice]:
    rows = session.execute(select(Category.id, Category.name, Category.tag_prefix)).all()
    return sorted((Choice(r[0], r[1], r[2]) for r in rows), key=lambda c: c.label.casefold())


def checkpoint_wal(db: Database) -> None:
    """Copy SQLite's write-ahead log into the database file now; elsewhere do nothing.

    SQLite does this on its own inside the commit that grows the log past 1,000 pages —
    during a scan, every few hundred scans, costing that one scan a few hundred
    milliseconds on a busy disk. The scan screen calls this while the scanner is idle, and
    starting an audit (which writes the whole expected set) calls it at the end, so the
    log never grows that far during scans. PASSIVE: it never waits for, nor blocks, readers and
    writers.
    """
    if not db.is_sqlite:
        return
    with db.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
