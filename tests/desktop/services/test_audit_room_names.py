"""A room typed by hand in an audit — its name or its path — is that room; a name two
rooms share is refused with their paths; anything else stays an unknown tag. On every
backend (each folds accents and case its own way)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from desktop.errors import DesktopError
from desktop.services import reference
from desktop.services.audit_scans import ScanClass, record_scan
from desktop.services.audits import start_audit
from desktop.storage.models import AuditScan
from tests.factories import World


def _room(world: World, name: str, parent: uuid.UUID) -> uuid.UUID:
    with world.db.write() as s:
        return reference.create_location(s, name=name, parent_id=parent).id


def _scans(world: World) -> int:
    with world.db.read() as s:
        return int(s.execute(select(func.count()).select_from(AuditScan)).scalar_one())


def test_a_room_typed_by_name_or_path_is_that_room(world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    church = _room(world, "Salle Église", world.room_a)  # no printed label: a generated code

    def scan(text: str) -> tuple[ScanClass, uuid.UUID | None, str]:
        result = record_scan(world.db, audit_id=audit.id, raw=text, scanned_by="auditor")
        return result.classification, result.room_id, result.raw

    kind, room, raw = scan("  salle eglise ")  # accents and case folded
    assert (kind, room) == (ScanClass.ROOM, church)
    assert raw != "salle eglise" and raw  # stored by the room's code
    assert scan("Head office / Building A / Room A2") == (ScanClass.ROOM, world.room_b, "ROOM-A2")
    assert scan("building a › room a1")[:2] == (ScanClass.ROOM, world.room_a)  # from any level
    assert scan("ROOM-A1")[:2] == (ScanClass.ROOM, world.room_a)  # the code still works
    assert scan("Branch store")[0] is ScanClass.ROOM_OUT_OF_SCOPE
    assert scan("Room A3")[0] is ScanClass.UNKNOWN  # a real unknown tag stays one
    assert scan("Head office / Room A1")[0] is ScanClass.UNKNOWN  # not a path of the tree


def test_a_name_two_rooms_share_is_refused_with_their_paths(world: World) -> None:
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    first = _room(world, "Storage", world.room_a)
    _room(world, "storage", world.room_b)
    before = _scans(world)
    with pytest.raises(DesktopError) as refused:
        record_scan(world.db, audit_id=audit.id, raw="Storage", scanned_by="auditor")
    assert refused.value.message == (
        "2 locations are named “Storage”: Head office › Building A › Room A1 › Storage; "
        "Head office › Building A › Room A2 › storage. Scan the room's label or type its path"
    )
    assert _scans(world) == before  # nothing stored, nothing guessed
    result = record_scan(world.db, audit_id=audit.id, raw="Room A1 / Storage", scanned_by="auditor")
    assert (result.classification, result.room_id) == (ScanClass.ROOM, first)
