"""An audit's scan log as the scan screen lists it: its newest counted scans.

Reopening an open audit's scan screen (after scans made elsewhere: the command line,
another scanner, an earlier session) lists what was scanned before, newest first, as the
screen lists the scans made in it. An audit may hold thousands of scans: only the newest
``limit`` are read, with how many older ones there are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import RETIRED_STATUSES, AssetStatus
from desktop.services.audit_history import locations_at
from desktop.services.audit_scan_types import COUNTED_SCAN_KINDS, ScanClass, ScanKind
from desktop.storage.models import Asset, Audit, AuditExpected, AuditScan, Location

_RETIRED = frozenset(s.value for s in RETIRED_STATUSES)


@dataclass(frozen=True)
class LoggedScan:
    """One earlier scan: its number in the audit, what it was, and a line saying so."""

    sequence: int
    classification: ScanClass
    text: str


@dataclass(frozen=True)
class ScanLog:
    scans: tuple[LoggedScan, ...]  # newest first
    older: int  # counted scans before these, not listed


def counted_scans(audit_id: uuid.UUID) -> tuple[ColumnElement[bool], ...]:
    """Where-conditions for the audit's counted scans: tags and room labels (not the
    room marks or undos, :data:`COUNTED_SCAN_KINDS`), less the scans an undo cancelled."""
    undone = select(AuditScan.undoes_scan_id).where(
        AuditScan.audit_id == audit_id,
        AuditScan.kind == ScanKind.UNDO.value,
        AuditScan.undoes_scan_id.is_not(None),
    )
    return (
        AuditScan.audit_id == audit_id,
        AuditScan.kind.in_(COUNTED_SCAN_KINDS),
        AuditScan.id.not_in(undone),
    )


def recent_scans(session: Session, audit_id: uuid.UUID, limit: int) -> ScanLog:
    """The audit's newest ``limit`` counted scans (tags and room labels not undone)."""
    counted = counted_scans(audit_id)
    rows = session.execute(
        select(
            AuditScan.sequence,
            AuditScan.classification,
            AuditScan.raw,
            AuditScan.asset_id,
            Asset.tag,
            Asset.name,
            Asset.status,
            Location.name,
        )
        .outerjoin(Asset, Asset.id == AuditScan.asset_id)
        .outerjoin(Location, Location.id == AuditScan.location_id)
        .where(*counted)
        .order_by(AuditScan.sequence.desc())
        .limit(limit)
    ).all()
    total = session.execute(select(func.count()).select_from(AuditScan).where(*counted))
    misplaced = {
        asset_id
        for _, kind, _, asset_id, _, _, _, _ in rows
        if kind == ScanClass.MISPLACED.value and asset_id is not None
    }
    expected = _expected_rooms(session, audit_id, misplaced)
    scans = tuple(
        LoggedScan(
            sequence,
            ScanClass(kind),
            _line(ScanClass(kind), raw, tag, name, room, expected.get(asset_id), status),
        )
        for sequence, kind, raw, asset_id, tag, name, status, room in rows
    )
    return ScanLog(scans, max(total.scalar_one() - len(scans), 0))


def _expected_rooms(
    session: Session, audit_id: uuid.UUID, asset_ids: set[uuid.UUID]
) -> dict[uuid.UUID | None, str]:
    """Where the audit expected each of these (misplaced) assets, by the same rule as the
    scan that found them: its place in the expected list, else where it was when the
    audit started; "no location" when it had none."""
    if not asset_ids:
        return {}
    listed = dict(
        session.execute(
            select(AuditExpected.asset_id, AuditExpected.location_id).where(
                AuditExpected.audit_id == audit_id, AuditExpected.asset_id.in_(asset_ids)
            )
        ).all()
    )
    others = asset_ids - listed.keys()
    if others:
        started = session.execute(select(Audit.started_at).where(Audit.id == audit_id)).scalar_one()
        listed.update(locations_at(session, others, started))
    ids = {location for location in listed.values() if location is not None}
    names = dict(
        session.execute(select(Location.id, Location.name).where(Location.id.in_(ids))).all()
    )
    return {
        asset: names.get(location, "no location") if location else "no location"
        for asset, location in listed.items()
    }


def _line(
    kind: ScanClass,
    raw: str,
    tag: str | None,
    name: str | None,
    room: str | None,
    expected: str | None = None,
    status: str | None = None,
) -> str:
    """Worded as the scan screen words a scan when it is made ("LAP-1 Laptop: found in …",
    "…: misplaced, expected in …", "Unknown tag …: kept as scanned in …", "… is disposed
    but is here"), with the room it was scanned in where the scan's own words lack it."""
    if kind is ScanClass.ROOM:
        return f"Now scanning in {room or raw}"
    if kind is ScanClass.ROOM_OUT_OF_SCOPE:
        return f"{room or raw}: room outside the audit"
    what = f"{tag} {name}" if tag else raw
    if kind is ScanClass.MISPLACED and expected is not None:
        return f"{what}: misplaced, expected in {expected}" + (
            f" (scanned in {room})" if room else ""
        )
    scanned_in = f" (scanned in {room})" if room else ""
    if kind is ScanClass.UNKNOWN:
        return f"Unknown tag {raw}: kept as scanned" + (f" in {room}" if room else "")
    if kind is ScanClass.DUPLICATE:
        return f"{what}: already scanned, counted once{scanned_in}"
    if kind is ScanClass.RETIRED and status in _RETIRED:
        return f"{what} is {AssetStatus(status).label.lower()} but is here{scanned_in}"
    said = "found" if kind is ScanClass.FOUND else kind.label.lower()
    return f"{what}: {said}" + (f" in {room}" if room else "")
