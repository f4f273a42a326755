"""Scanning during an audit: every scan is classified, stored and answered at once.

Each call is its own short write transaction, committed before the answer is returned:
an answered scan is a stored scan, so killing the program loses nothing. Scans are
append-only; "undo" is a scan of its own that names the scan it cancels, and finishing or
re-opening a room is recorded the same way.

The *current room* belongs to the person scanning (a screen, a CLI run): it is passed in
with each scan and returned, changed when a location label was scanned. A scanned text is
an asset tag first, then a location's code, name or path (typed by hand for a room
without a label: :mod:`desktop.services.audit_room_names`). Without a current room an
expected asset counts as found where it is expected.

"Undo" cancels the newest asset, manual or location scan not yet cancelled; finishing and
re-opening a room are not undone, they undo each other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import RETIRED_STATUSES, AssetStatus
from desktop.domain.permissions import Work
from desktop.domain.tags import TAG_MAX_LENGTH, normalize_tag
from desktop.errors import (
    DesktopError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ValidationError,
)
from desktop.services.audit_history import locations_at
from desktop.services.audit_room_names import scanned_location
from desktop.services.audit_scan_state import (
    already_counted,
    counted_assets,
    counted_in_audit,
    in_scope,
    last_effective,
    next_sequence,
    room_in_scope,
    room_is_finished,
    unknown_already_scanned,
    unknown_tags_in_audit,
    unknown_tags_scanned,
    usable_room,
)
from desktop.services.audit_scan_types import (
    CLASS_LABELS,
    COUNTED,
    UNDOABLE_KINDS,
    ScanClass,
    ScanKind,
    ScanResult,
)
from desktop.services.audits import lock_open_audit
from desktop.services.identity import require_own_login
from desktop.services.permissions import require_id
from desktop.services.reference import IN_A_ROOM
from desktop.storage.database import Database
from desktop.storage.models import Asset, Audit, AuditExpected, AuditScan, Location, Person
from desktop.storage.types import utcnow
from desktop.wording import with_detail

#: The checks of :mod:`desktop.services.audit_scan_state` a field kit's replay
#: (:mod:`desktop.kits`) reaches through this module are named here too.
__all__ = [
    "CLASS_LABELS",
    "COUNTED",
    "UNDOABLE_KINDS",
    "ScanClass",
    "ScanKind",
    "ScanResult",
    "counted_assets",
    "counted_in_audit",
    "in_scope",
    "next_sequence",
    "record_manual_find",
    "record_scan",
    "scanner_id",
    "set_room_finished",
    "undo_last_scan",
    "unknown_tags_in_audit",
    "unknown_tags_scanned",
    "usable_room",
]


# -- statements of the scan path, built once ---------------------------------------------
# A scan must answer in milliseconds; building SQLAlchemy statements costs more than
# running these indexed queries, so the hot ones are built here with bound parameters.


#: The statuses of retired assets, as stored (a scan of one says it is retired).
_RETIRED_VALUES = frozenset(s.value for s in RETIRED_STATUSES)
_MISSING = AssetStatus.MISSING.value
#: Each scan kind's and class's value, by member (``member.value`` is a Python-level
#: property: a kit's replay writes thousands of scans).
_VALUE_OF: dict[object, str] = {
    **{kind: kind.value for kind in ScanKind},
    **{made: made.value for made in ScanClass},
}

_ASSET_BY_TAG = select(Asset).where(Asset.tag_key == bindparam("key"))
_PERSON_BY_USERNAME = select(Person.id, Person.name, Person.active).where(
    func.lower(Person.username) == bindparam("username")
)
_EXPECTED_AT = select(AuditExpected.location_id).where(
    AuditExpected.audit_id == bindparam("audit_id"), AuditExpected.asset_id == bindparam("asset_id")
)


#: The id and time a scan was made elsewhere (a field kit's replay), see :func:`made_as`.
_MADE_AS: ContextVar[tuple[uuid.UUID, dt.datetime] | None] = ContextVar(
    "scan_made_as", default=None
)


@contextmanager
def made_as(scan_id: uuid.UUID, scanned_at: dt.datetime) -> Iterator[None]:
    """Scans stored inside keep ``scan_id`` and ``scanned_at`` (made on a laptop in a
    field kit): replaying the same scan twice then meets its own id and stores nothing."""
    token = _MADE_AS.set((scan_id, scanned_at))
    try:
        yield
    finally:
        _MADE_AS.reset(token)


def undo_scan(
    db: Database,
    *,
    audit_id: uuid.UUID,
    undone_scan_id: uuid.UUID,
    scanned_by: str,
    room_id: uuid.UUID | None = None,
) -> ScanResult:
    """Cancel one named scan (a field kit's undo replayed: not simply the newest one)."""
    with db.write() as session:
        return undo_scan_in_session(
            session,
            audit_id=audit_id,
            undone_scan_id=undone_scan_id,
            scanned_by=scanned_by,
            room_id=room_id,
        )


def undo_scan_in_session(
    session: Session,
    *,
    audit_id: uuid.UUID,
    undone_scan_id: uuid.UUID,
    scanned_by: str,
    room_id: uuid.UUID | None = None,
) -> ScanResult:
    """:func:`undo_scan` inside the caller's transaction (a field kit's replay)."""
    audit = lock_open_audit(session, audit_id)
    person_id = scanner_id(session, scanned_by)
    target = session.get(AuditScan, undone_scan_id)
    if target is None or target.audit_id != audit.id:
        raise NotFoundError(f"the scan to undo is not in the audit '{audit.name}'")
    undone = session.execute(
        select(AuditScan.id).where(
            AuditScan.audit_id == audit.id, AuditScan.undoes_scan_id == target.id
        )
    ).first()
    if undone is not None:
        raise DesktopError(f"the scan {target.raw} is already undone")
    room = session.get(Location, room_id) if room_id else None
    return _store_undo(session, audit, person_id, target, room)


def record_scan(
    db: Database,
    *,
    audit_id: uuid.UUID,
    raw: str,
    scanned_by: str,
    room_id: uuid.UUID | None = None,
) -> ScanResult:
    """Classify and store one scanned text: an asset tag or a location label."""
    text = _scanned_text(raw)
    with db.write() as session:
        return record_scan_in_session(
            session, audit_id=audit_id, raw=text, scanned_by=scanned_by, room_id=room_id
        )


def _scanned_text(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise ValidationError(Problem("scan", "the scan is empty"))
    if len(text) > 200:
        raise ValidationError(Problem("scan", "the scan is longer than 200 characters"))
    return text


def record_scan_in_session(
    session: Session,
    *,
    audit_id: uuid.UUID,
    raw: str,
    scanned_by: str,
    room_id: uuid.UUID | None = None,
) -> ScanResult:
    """:func:`record_scan` inside the caller's transaction (a field kit's replay)."""
    text = _scanned_text(raw)
    key = normalize_tag(text)
    audit = lock_open_audit(session, audit_id)
    person_id = scanner_id(session, scanned_by)
    asset = (
        session.execute(_ASSET_BY_TAG, {"key": key}).scalar_one_or_none()
        if len(key) <= TAG_MAX_LENGTH
        else None
    )
    if asset is None:
        found = scanned_location(session, text, key)  # its code, or its name typed by hand
        if found is not None:
            return _room_scan(session, audit, person_id, *found)
    room = usable_room(session, audit, room_id)
    if asset is None:
        repeat = unknown_already_scanned(session, audit.id, key)
        return _store(
            session,
            audit,
            person_id,
            ScanKind.ASSET,
            classify_unknown_scan(repeat=repeat),
            text,
            room,
            message=f"Unknown tag {text}: already scanned, counted once"
            if repeat
            else f"Unknown tag {text}: kept as scanned" + (f" in {room.name}" if room else ""),
        )
    return _asset_scan(session, audit, person_id, ScanKind.ASSET, text, asset, room, "")


def record_manual_find(
    db: Database,
    *,
    audit_id: uuid.UUID,
    asset_id: uuid.UUID,
    reason: str,
    scanned_by: str,
    room_id: uuid.UUID | None = None,
) -> ScanResult:
    """ "Found without a readable label": the asset was picked by search, with a reason."""
    why = reason.strip()
    if not why:
        raise ValidationError(
            Problem("reason", "say why the asset was found without scanning (e.g. label torn off)")
        )
    with db.write() as session:
        return record_manual_find_in_session(
            session,
            audit_id=audit_id,
            asset_id=asset_id,
            reason=why,
            scanned_by=scanned_by,
            room_id=room_id,
        )


def record_manual_find_in_session(
    session: Session,
    *,
    audit_id: uuid.UUID,
    asset_id: uuid.UUID,
    reason: str,
    scanned_by: str,
    room_id: uuid.UUID | None = None,
) -> ScanResult:
    """:func:`record_manual_find` inside the caller's transaction (a field kit's replay)."""
    why = reason.strip()
    audit = lock_open_audit(session, audit_id)
    person_id = scanner_id(session, scanned_by)
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFoundError(f"there is no asset with id {asset_id}")
    room = usable_room(session, audit, room_id)
    return _asset_scan(session, audit, person_id, ScanKind.MANUAL, asset.tag, asset, room, why)


def undo_last_scan(
    db: Database, *, audit_id: uuid.UUID, scanned_by: str, room_id: uuid.UUID | None = None
) -> ScanResult:
    """Cancel the newest scan not cancelled yet, by storing an undo scan that names it."""
    with db.write() as session:
        audit = lock_open_audit(session, audit_id)
        person_id = scanner_id(session, scanned_by)
        last = last_effective(session, audit.id)
        if last is None:
            raise DesktopError(f"there is no scan to undo in the audit '{audit.name}'")
        room = session.get(Location, room_id) if room_id else None
        if last.kind == ScanKind.LOCATION:
            previous = last_effective(session, audit.id, before=last.sequence)
            room = (
                session.get(Location, previous.location_id)
                if previous and previous.location_id
                else None
            )
        return _store_undo(session, audit, person_id, last, room)


def _store_undo(
    session: Session, audit: Audit, person_id: uuid.UUID, undone: AuditScan, room: Location | None
) -> ScanResult:
    """Store the undo scan that cancels ``undone`` (the newest one, or one a kit names)."""
    what = f"{ScanClass(undone.classification).label.lower()} {undone.raw}"
    return _store(
        session,
        audit,
        person_id,
        ScanKind.UNDO,
        ScanClass.UNDO,
        undone.raw,
        room,
        message=f"Undone: {what}",
        asset_id=undone.asset_id,
        undoes=undone,
    )


def set_room_finished(
    db: Database,
    *,
    audit_id: uuid.UUID,
    room_id: uuid.UUID,
    finished: bool,
    scanned_by: str,
) -> ScanResult:
    """Finish a room (no more scans into it) or re-open it, until the audit is closed."""
    with db.write() as session:
        return set_room_finished_in_session(
            session, audit_id=audit_id, room_id=room_id, finished=finished, scanned_by=scanned_by
        )


def set_room_finished_in_session(
    session: Session,
    *,
    audit_id: uuid.UUID,
    room_id: uuid.UUID,
    finished: bool,
    scanned_by: str,
) -> ScanResult:
    """:func:`set_room_finished` inside the caller's transaction (a field kit's replay)."""
    audit = lock_open_audit(session, audit_id)
    person_id = scanner_id(session, scanned_by)
    room = room_in_scope(session, audit, room_id)
    if room_is_finished(session, audit.id, room.id) == finished:
        state = "finished" if finished else "open"
        raise DesktopError(f"{room.name} is already {state} in the audit '{audit.name}'")
    kind, classification, verb = (
        (ScanKind.ROOM_CLOSED, ScanClass.ROOM_CLOSED, "finished")
        if finished
        else (ScanKind.ROOM_REOPEN, ScanClass.ROOM_REOPENED, "re-opened")
    )
    return _store(
        session,
        audit,
        person_id,
        kind,
        classification,
        room.code,
        room,
        message=f"{room.name} {verb}",
    )


def scanner_id(session: Session, username: str) -> uuid.UUID:
    """The id of the active person behind ``username`` (one query: scans are hot)."""
    from desktop.services.batch_cache import cached

    return cached(
        session, ("scanner_id", username.strip().lower()), lambda: _scanner_id(session, username)
    )


def _scanner_id(session: Session, username: str) -> uuid.UUID:
    row = session.execute(_PERSON_BY_USERNAME, {"username": username.strip().lower()}).first()
    if row is None:
        raise NotFoundError(f"there is no person with the user name '{username}'")
    if not row.active:
        raise PermissionDeniedError(f"{row.name} ({username}) is no longer active")
    person_id: uuid.UUID = row.id
    require_own_login(session, person_id, row.name, username)
    require_id(session, person_id, row.name, username, Work.AUDIT)
    return person_id


# -- classification -------------------------------------------------------------------


def _room_scan(
    session: Session, audit: Audit, person_id: uuid.UUID, text: str, location: Location
) -> ScanResult:
    if not in_scope(session, audit, location):
        return _store(
            session,
            audit,
            person_id,
            ScanKind.LOCATION,
            ScanClass.ROOM_OUT_OF_SCOPE,
            text,
            None,
            message=f"{with_detail(location.name, location.code)} is not in this audit's scope: "
            "the current room did not change",
        )
    finished = room_is_finished(session, audit.id, location.id)
    note = " (finished: re-open it to scan more)" if finished else ""
    return _store(
        session,
        audit,
        person_id,
        ScanKind.LOCATION,
        ScanClass.ROOM,
        text,
        location,
        message=f"Now scanning in {location.name}{note}",
    )


def _asset_scan(
    session: Session,
    audit: Audit,
    person_id: uuid.UUID,
    kind: ScanKind,
    text: str,
    asset: Asset,
    room: Location | None,
    reason: str,
) -> ScanResult:
    expected = session.execute(_EXPECTED_AT, {"audit_id": audit.id, "asset_id": asset.id}).first()
    expected_location_id = (
        expected.location_id
        if expected
        else locations_at(session, [asset.id], audit.started_at).get(asset.id)
    )
    expected_location = (
        session.get(Location, expected_location_id) if expected_location_id else None
    )
    classification, message = classify_asset_scan(
        asset,
        room,
        expected_location_id=expected_location_id,
        expected_location=expected_location,
        listed=expected is not None,
        already_counted=already_counted(session, audit.id, asset.id),
        outside_scope=room is None
        and expected is None
        and (expected_location is None or not in_scope(session, audit, expected_location)),
    )
    return _store(
        session,
        audit,
        person_id,
        kind,
        classification,
        text,
        room,
        message=message,
        asset=asset,
        expected_location=expected_location,
        reason=reason,
    )


class ScannedAsset(Protocol):
    """What classifying a scan needs to know of the asset scanned."""

    @property
    def tag(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def status(self) -> str: ...


def classify_asset_scan(
    asset: ScannedAsset,
    room: Location | None,
    *,
    expected_location_id: uuid.UUID | None,
    expected_location: Location | None,
    listed: bool,
    already_counted: bool,
    outside_scope: bool,
) -> tuple[ScanClass, str]:
    """What a scan of ``asset`` in ``room`` is (and the answer to show), given where the
    audit expects it (``listed``: in the audit's expected list) and whether a scan not
    undone already counted it (an asset expected in a rack of the room is found in the
    room). The one rule for a scan made here or replayed from a kit.

    With no room scanned an asset counts as found where it is expected — unless the audit
    does not list it and it stood outside the scope (``outside_scope``, asked only then):
    wherever in the scope it is scanned, it is not where it was recorded, as in any room
    of the scope (misplaced). It was found, counted beyond the expected (newuser6)."""
    where = expected_location.name if expected_location else "no location"
    label = f"{asset.tag} {asset.name}".strip()
    if already_counted:
        return ScanClass.DUPLICATE, f"{label}: already scanned, counted once"
    if asset.status in _RETIRED_VALUES:
        status = AssetStatus(asset.status).label.lower()
        return ScanClass.RETIRED, f"{label} is {status} but is here"
    if room is None and outside_scope:
        outside = f"expected in {where} (outside this audit's scope; no room scanned)"
        return ScanClass.MISPLACED, f"{label}: misplaced, {outside}"
    if room is None or expected_location_id == room.id or _stands_in(expected_location, room):
        message = f"{label}: found" + (
            f" in {room.name}" if room else f" (expected in {where}; no room scanned)"
        )
        if asset.status == _MISSING:
            message += " — it was recorded as missing"
        elif not listed:
            message += " — not in this audit's expected list"
        return ScanClass.FOUND, message
    return ScanClass.MISPLACED, f"{label}: misplaced, expected in {where}"


def _stands_in(place: Location | None, room: Location) -> bool:
    """Whether ``place`` is a rack standing in ``room``: an asset expected in it and
    scanned in the room is where it belongs (a room's racks count as the room)."""
    return place is not None and place.kind == IN_A_ROOM and place.parent_id == room.id


def classify_unknown_scan(*, repeat: bool) -> ScanClass:
    """An unknown tag: counted once (a repeat is a duplicate)."""
    return ScanClass.DUPLICATE if repeat else ScanClass.UNKNOWN


def scan_row(
    *,
    scan_id: uuid.UUID,
    audit_id: uuid.UUID,
    sequence: int,
    scanned_at: dt.datetime,
    scanned_by_id: uuid.UUID,
    raw: str,
    kind: ScanKind,
    classification: ScanClass,
    asset_id: uuid.UUID | None,
    room_id: uuid.UUID | None,
    undoes_scan_id: uuid.UUID | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """An ``audit_scans`` row as stored (one insert here, many in a kit's batch replay)."""
    return {
        "id": scan_id,
        "audit_id": audit_id,
        "sequence": sequence,
        "scanned_at": scanned_at,
        "scanned_by_id": scanned_by_id,
        "raw": raw[:200],
        "kind": _VALUE_OF[kind],
        "asset_id": asset_id,
        "location_id": room_id,
        "classification": _VALUE_OF[classification],
        "undoes_scan_id": undoes_scan_id,
        "reason": reason,
    }


def _store(
    session: Session,
    audit: Audit,
    person_id: uuid.UUID,
    kind: ScanKind,
    classification: ScanClass,
    raw: str,
    room: Location | None,
    *,
    message: str,
    asset: Asset | None = None,
    asset_id: uuid.UUID | None = None,
    expected_location: Location | None = None,
    reason: str = "",
    undoes: AuditScan | None = None,
) -> ScanResult:
    sequence = next_sequence(session, audit.id)
    made = _MADE_AS.get()
    scan_id, scanned_at = made if made is not None else (uuid.uuid4(), utcnow())
    text = raw[:200]
    asset_ref = asset.id if asset else asset_id
    row = scan_row(
        scan_id=scan_id,
        audit_id=audit.id,
        sequence=sequence,
        scanned_at=scanned_at,
        scanned_by_id=person_id,
        raw=raw,
        kind=kind,
        classification=classification,
        asset_id=asset_ref,
        room_id=room.id if room else None,
        undoes_scan_id=undoes.id if undoes else None,
        reason=reason,
    )
    # A Core insert: the row is never changed afterwards, no ORM object is needed.
    session.connection().execute(insert(AuditScan), row)
    return ScanResult(
        scan_id=scan_id,
        sequence=sequence,
        kind=kind,
        classification=classification,
        raw=text,
        message=message,
        room_id=room.id if room else None,
        room=room.name if room else "",
        asset_id=asset_ref,
        asset_tag=asset.tag if asset else "",
        asset_name=asset.name if asset else "",
        asset_status=asset.status if asset else "",
        expected_location_id=expected_location.id if expected_location else None,
        expected_location=expected_location.name if expected_location else "",
        undone_scan_id=undoes.id if undoes else None,
        undone_classification=undoes.classification if undoes else "",
        scanned_at=scanned_at,
    )
