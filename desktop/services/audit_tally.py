"""Counting an audit and reconciling it: expected against scanned.

Both replay the stored scans in order, skipping the ones an undo cancelled, so the
counts on the scan screen, the reconciliation on close and the report always agree.
:class:`AuditTally` can also take each new :class:`ScanResult` as it comes, so the scan
screen never re-reads the whole audit between two scans.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import AssetStatus
from desktop.domain.tags import normalize_tag
from desktop.services.audit_history import locations_at
from desktop.services.audit_scan_types import COUNTED_SCAN_KINDS
from desktop.services.audit_scans import COUNTED, ScanClass, ScanKind, ScanResult
from desktop.services.audits import (
    AuditSummary,
    audit_summary,
    get_audit,
    location_names,
    scope_locations,
)
from desktop.storage.models import Asset, AuditExpected, AuditScan, Category, Person

_CHUNK = 500


@dataclass
class RoomCounts:
    """Running counts of one room (or of the whole audit)."""

    expected: int = 0
    found: int = 0
    misplaced: int = 0
    unknown: int = 0
    retired: int = 0
    duplicates: int = 0
    missing: int = 0
    finished: bool = False


@dataclass
class AuditTally:
    """Counts per room and for the whole audit, kept up to date scan by scan."""

    audit_id: uuid.UUID
    expected_location: dict[uuid.UUID, uuid.UUID | None]
    room_names: dict[uuid.UUID, str]
    seen: dict[uuid.UUID, ScanClass] = field(default_factory=dict)
    unknown_keys: set[str] = field(default_factory=set)
    rooms: dict[uuid.UUID | None, RoomCounts] = field(default_factory=dict)
    total: RoomCounts = field(default_factory=RoomCounts)

    @classmethod
    def load(cls, session: Session, audit_id: uuid.UUID) -> AuditTally:
        audit = get_audit(session, audit_id)
        expected = dict(
            session.execute(
                select(AuditExpected.asset_id, AuditExpected.location_id).where(
                    AuditExpected.audit_id == audit_id
                )
            ).all()
        )
        tally = cls(audit_id, expected, {i: n for i, n, _ in scope_locations(session, audit)})
        for location_id in expected.values():
            tally.room(location_id).expected += 1
            tally.room(location_id).missing += 1
        tally.total.expected = tally.total.missing = len(expected)
        for scan in effective_scans(session, audit_id):
            tally.apply(
                kind=ScanKind(scan.kind),
                classification=ScanClass(scan.classification),
                asset_id=scan.asset_id,
                room_id=scan.location_id,
                raw=scan.raw,
            )
        return tally

    def room(self, room_id: uuid.UUID | None) -> RoomCounts:
        return self.rooms.setdefault(room_id, RoomCounts())

    def apply_result(self, result: ScanResult) -> None:
        self.apply(
            kind=result.kind,
            classification=result.classification,
            asset_id=result.asset_id,
            room_id=result.room_id,
            raw=result.raw,
        )

    def apply(
        self,
        *,
        kind: ScanKind,
        classification: ScanClass,
        asset_id: uuid.UUID | None,
        room_id: uuid.UUID | None,
        raw: str,
    ) -> None:
        """Count one effective scan (an undo needs :meth:`load` again)."""
        if kind in (ScanKind.ROOM_CLOSED, ScanKind.ROOM_REOPEN) and room_id is not None:
            self.room(room_id).finished = kind is ScanKind.ROOM_CLOSED
            return
        if kind not in (ScanKind.ASSET, ScanKind.MANUAL):
            return
        if classification is ScanClass.UNKNOWN:
            self.unknown_keys.add(normalize_tag(raw))
            self._bump(room_id, "unknown")
        elif classification is ScanClass.DUPLICATE:
            self._bump(room_id, "duplicates")
        elif classification in COUNTED and asset_id is not None and asset_id not in self.seen:
            self.seen[asset_id] = classification
            counted_in = room_id if room_id is not None else self.expected_location.get(asset_id)
            if classification is ScanClass.FOUND and asset_id in self.expected_location:
                # Where it was expected: the rack it stands in when found in the rack's room,
                # so a rack's row counts its own expected, found and missing assets.
                counted_in = self.expected_location[asset_id]
            self._bump(counted_in, str(classification.value))
            if asset_id in self.expected_location:
                self.room(self.expected_location[asset_id]).missing -= 1
                self.total.missing -= 1

    def _bump(self, room_id: uuid.UUID | None, name: str) -> None:
        for counts in (self.room(room_id), self.total):
            setattr(counts, name, getattr(counts, name) + 1)

    def room_rows(self) -> list[tuple[uuid.UUID | None, str, RoomCounts]]:
        """Rooms with anything expected or scanned, by name (no room last)."""
        rows = [
            (room_id, self.room_names.get(room_id, "—") if room_id else "(no room)", counts)
            for room_id, counts in self.rooms.items()
        ]
        return sorted(rows, key=lambda r: (r[0] is None, r[1].casefold()))


def effective_scans(session: Session, audit_id: uuid.UUID) -> list[AuditScan]:
    """Every scan of the audit in order, without undo scans and the scans they cancel."""
    scans = (
        session.execute(
            select(AuditScan).where(AuditScan.audit_id == audit_id).order_by(AuditScan.sequence)
        )
        .scalars()
        .all()
    )
    undone = {s.undoes_scan_id for s in scans if s.kind == ScanKind.UNDO.value}
    return [s for s in scans if s.kind != ScanKind.UNDO.value and s.id not in undone]


@dataclass(frozen=True)
class ReconciliationItem:
    """One line of a reconciliation list."""

    asset_id: uuid.UUID | None
    tag: str
    name: str
    category: str
    status: str
    expected_location_id: uuid.UUID | None
    expected_location: str
    room_id: uuid.UUID | None
    room: str
    current_location: str
    scanned_at: dt.datetime | None
    scanned_by: str
    note: str
    #: An unknown tag since received as a new asset (it stays in the list, as scanned).
    received: bool = False
    #: Where the register records the asset now (a misplaced one once its move is recorded:
    #: the room it was scanned in).
    current_location_id: uuid.UUID | None = None
    #: When the register last recorded the asset audited (Set last audited: up to date
    #: once it is the scan's time or later).
    last_audited_at: dt.datetime | None = None


@dataclass(frozen=True)
class Reconciliation:
    """Expected against scanned: what is there, missing, misplaced, unknown or retired."""

    audit: AuditSummary
    found: tuple[ReconciliationItem, ...]
    missing: tuple[ReconciliationItem, ...]
    misplaced: tuple[ReconciliationItem, ...]
    unknown: tuple[ReconciliationItem, ...]
    retired: tuple[ReconciliationItem, ...]
    duplicates: int
    scans: int

    def counts(self) -> dict[str, int]:
        return {
            "expected": self.audit.expected,
            "found": len(self.found),
            "missing": len(self.missing),
            "misplaced": len(self.misplaced),
            "unknown": len(self.unknown),
            "retired": len(self.retired),
            "duplicates": self.duplicates,
            "scans": self.scans,
        }


@dataclass(frozen=True)
class _AssetFacts:
    tag: str
    name: str
    category: str
    status: str
    location_id: uuid.UUID | None
    last_audited_at: dt.datetime | None = None


def reconcile(session: Session, audit_id: uuid.UUID) -> Reconciliation:
    """The audit's result (an open audit gives its result so far)."""
    summary = audit_summary(session, audit_id)
    names = location_names(session)
    expected: dict[uuid.UUID, uuid.UUID | None] = {}
    facts: dict[uuid.UUID, _AssetFacts] = {}
    for asset_id, expected_at, tag, name, status, location_id, audited, category in session.execute(
        select(
            AuditExpected.asset_id,
            AuditExpected.location_id,
            Asset.tag,
            Asset.name,
            Asset.status,
            Asset.location_id,
            Asset.last_audited_at,
            Category.name,
        )
        .join(Asset, Asset.id == AuditExpected.asset_id)
        .join(Category, Category.id == Asset.category_id)
        .where(AuditExpected.audit_id == audit_id)
    ):
        expected[asset_id] = expected_at
        facts[asset_id] = _AssetFacts(tag, name, category, status, location_id, audited)

    scans = effective_scans(session, audit_id)
    first_seen: dict[uuid.UUID, AuditScan] = {}
    unknown: dict[str, AuditScan] = {}
    duplicates = 0
    for scan in scans:
        if scan.kind not in (ScanKind.ASSET.value, ScanKind.MANUAL.value):
            continue
        classification = ScanClass(scan.classification)
        if classification is ScanClass.DUPLICATE:
            duplicates += 1
        elif classification is ScanClass.UNKNOWN:
            unknown.setdefault(normalize_tag(scan.raw), scan)
        elif classification in COUNTED and scan.asset_id is not None:
            first_seen.setdefault(scan.asset_id, scan)
    facts.update(_facts(session, [a for a in first_seen if a not in facts]))
    # Found but not expected (outside the scope): expected where it stood at the start.
    unexpected = [a for a in first_seen if a not in expected]
    expected.update(locations_at(session, unexpected, summary.started_at))
    people = _people(session, {s.scanned_by_id for s in scans})

    def item(
        asset_id: uuid.UUID | None, scan: AuditScan | None, note: str = ""
    ) -> ReconciliationItem:
        fact = facts.get(asset_id) if asset_id else None
        expected_at = expected.get(asset_id) if asset_id is not None else None
        if scan is not None and scan.kind == ScanKind.MANUAL.value:
            note = f"found without a readable label: {scan.reason}"
        return ReconciliationItem(
            asset_id=asset_id,
            tag=fact.tag if fact else (scan.raw if scan else ""),
            name=fact.name if fact else "",
            category=fact.category if fact else "",
            status=AssetStatus(fact.status).label if fact else "",
            expected_location_id=expected_at,
            expected_location=names.get(expected_at, "") if expected_at else "",
            room_id=scan.location_id if scan else None,
            room=names.get(scan.location_id, "") if scan and scan.location_id else "",
            current_location=names.get(fact.location_id, "") if fact and fact.location_id else "",
            current_location_id=fact.location_id if fact else None,
            last_audited_at=fact.last_audited_at if fact else None,
            scanned_at=scan.scanned_at if scan else None,
            scanned_by=people.get(scan.scanned_by_id, "") if scan else "",
            note=note,
        )

    by_class: dict[ScanClass, list[ReconciliationItem]] = {c: [] for c in COUNTED}
    for asset_id, scan in first_seen.items():
        by_class[ScanClass(scan.classification)].append(item(asset_id, scan))
    missing = [item(a, None) for a in expected if a not in first_seen]

    # Unknown tags received since (Receive unknown tags): the register has them now.
    received = (
        set(session.scalars(select(Asset.tag_key).where(Asset.tag_key.in_(list(unknown)))))
        if unknown
        else set()
    )

    def ordered(items: Iterable[ReconciliationItem]) -> tuple[ReconciliationItem, ...]:
        return tuple(sorted(items, key=lambda i: (i.expected_location, i.tag.casefold())))

    return Reconciliation(
        audit=summary,
        found=ordered(by_class[ScanClass.FOUND]),
        missing=ordered(missing),
        misplaced=ordered(by_class[ScanClass.MISPLACED]),
        unknown=tuple(
            replace(item(None, s), received=True, note="received as a new asset")
            if key in received
            else item(None, s)
            for key, s in unknown.items()
        ),
        retired=ordered(by_class[ScanClass.RETIRED]),
        duplicates=duplicates,
        scans=sum(1 for scan in scans if scan.kind in COUNTED_SCAN_KINDS),
    )


def _facts(session: Session, asset_ids: list[uuid.UUID]) -> dict[uuid.UUID, _AssetFacts]:
    found: dict[uuid.UUID, _AssetFacts] = {}
    for start in range(0, len(asset_ids), _CHUNK):
        for asset_id, tag, name, status, location_id, audited, category in session.execute(
            select(
                Asset.id,
                Asset.tag,
                Asset.name,
                Asset.status,
                Asset.location_id,
                Asset.last_audited_at,
                Category.name,
            )
            .join(Category, Category.id == Asset.category_id)
            .where(Asset.id.in_(asset_ids[start : start + _CHUNK]))
        ):
            found[asset_id] = _AssetFacts(tag, name, category, status, location_id, audited)
    return found


def _people(session: Session, person_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not person_ids:
        return {}
    return dict(
        session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()
    )
