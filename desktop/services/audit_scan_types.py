"""The words of scanning: kinds of scans, what a scan turned out to be, and the answer."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum


class ScanKind(StrEnum):
    ASSET = "asset"
    LOCATION = "location"
    MANUAL = "manual"
    UNDO = "undo"
    ROOM_CLOSED = "room_closed"
    ROOM_REOPEN = "room_reopen"


#: Each kind of scan in the words of the report's Scans sheet (a person reads it in Excel).
KIND_LABELS = {
    ScanKind.ASSET: "Tag",
    ScanKind.LOCATION: "Room label",
    ScanKind.MANUAL: "Found without label",
    ScanKind.UNDO: "Undo",
    ScanKind.ROOM_CLOSED: "Room finished",
    ScanKind.ROOM_REOPEN: "Room re-opened",
}

#: What people count as scans: tags (scanned or found without a label) and room labels —
#: not an undo, the scan it cancels, or a room's finish and re-open marks.
COUNTED_SCAN_KINDS = (ScanKind.ASSET.value, ScanKind.MANUAL.value, ScanKind.LOCATION.value)


class ScanClass(StrEnum):
    """What a scan turned out to be."""

    FOUND = "found"
    MISPLACED = "misplaced"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"
    RETIRED = "retired"
    ROOM = "room"
    ROOM_OUT_OF_SCOPE = "room_out_of_scope"
    UNDO = "undo"
    ROOM_CLOSED = "room_closed"
    ROOM_REOPENED = "room_reopened"

    @property
    def label(self) -> str:
        return CLASS_LABELS[self]


CLASS_LABELS = {
    ScanClass.FOUND: "Found here",
    ScanClass.MISPLACED: "Misplaced",
    ScanClass.UNKNOWN: "Unknown tag",
    ScanClass.DUPLICATE: "Already scanned",
    ScanClass.RETIRED: "Found but retired",
    ScanClass.ROOM: "Room",
    ScanClass.ROOM_OUT_OF_SCOPE: "Room outside the audit",
    ScanClass.UNDO: "Undone",
    ScanClass.ROOM_CLOSED: "Room finished",
    ScanClass.ROOM_REOPENED: "Room re-opened",
}

#: Classifications under which an asset counts as seen (once: later scans are duplicates).
COUNTED = frozenset({ScanClass.FOUND, ScanClass.MISPLACED, ScanClass.RETIRED})
#: Scan kinds that "undo the last scan" can cancel.
UNDOABLE_KINDS = (ScanKind.ASSET, ScanKind.LOCATION, ScanKind.MANUAL)


@dataclass(frozen=True)
class ScanResult:
    """The answer to one scan, as the scan screen and the CLI show it.

    Attributes:
        room_id: the current room after this scan (changed by a room label or an undo).
        expected_location_id: where the register expects the asset (misplaced: which room).
        message: one line saying what happened, in the user's words.
    """

    scan_id: uuid.UUID
    sequence: int
    kind: ScanKind
    classification: ScanClass
    raw: str
    message: str
    room_id: uuid.UUID | None
    room: str
    asset_id: uuid.UUID | None = None
    asset_tag: str = ""
    asset_name: str = ""
    asset_status: str = ""
    expected_location_id: uuid.UUID | None = None
    expected_location: str = ""
    undone_scan_id: uuid.UUID | None = None
    undone_classification: str = ""
    scanned_at: dt.datetime | None = None
