"""An audit's scan log as the scan screen lists it: its newest counted scans.

Reopening an open audit's scan screen (after scans made elsewhere: the command line,
another scanner, an earlier session) lists what was scanned before, newest first, as the
screen lists the scans made in it. An audit may hold thousands of scans: only the newest
``limit`` are read, with how many older ones there are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from desktop.services.audit_scan_types import COUNTED_SCAN_KINDS, ScanClass
from desktop.storage.models import Asset, AuditScan, Location

_UNDO = aliased(AuditScan, name="undo")


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


def recent_scans(session: Session, audit_id: uuid.UUID, limit: int) -> ScanLog:
    """The audit's newest ``limit`` counted scans (tags and room labels not undone)."""
    counted = (
        AuditScan.audit_id == audit_id,
        AuditScan.kind.in_(COUNTED_SCAN_KINDS),
        ~select(_UNDO.id)
        .where(_UNDO.audit_id == audit_id, _UNDO.undoes_scan_id == AuditScan.id)
        .exists(),
    )
    rows = session.execute(
        select(
            AuditScan.sequence,
            AuditScan.classification,
            AuditScan.raw,
            Asset.tag,
            Asset.name,
            Location.name,
        )
        .outerjoin(Asset, Asset.id == AuditScan.asset_id)
        .outerjoin(Location, Location.id == AuditScan.location_id)
        .where(*counted)
        .order_by(AuditScan.sequence.desc())
        .limit(limit)
    ).all()
    total = session.execute(select(func.count()).select_from(AuditScan).where(*counted))
    scans = tuple(
        LoggedScan(sequence, ScanClass(kind), _line(ScanClass(kind), raw, tag, name, room))
        for sequence, kind, raw, tag, name, room in rows
    )
    return ScanLog(scans, max(total.scalar_one() - len(scans), 0))


def _line(kind: ScanClass, raw: str, tag: str | None, name: str | None, room: str | None) -> str:
    """Worded as the scan screen words a scan when it is made ("LAP-1 Laptop: found in …")."""
    if kind is ScanClass.ROOM:
        return f"Now scanning in {room or raw}"
    if kind is ScanClass.ROOM_OUT_OF_SCOPE:
        return f"{room or raw}: room outside the audit"
    what = f"{tag} {name}" if tag else raw
    said = "found" if kind is ScanClass.FOUND else kind.label.lower()
    return f"{what}: {said}" + (f" in {room}" if room else "")
