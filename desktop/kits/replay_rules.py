"""What the per-record and the bulk replay of a kit's journal share.

A journal entry to replay (:class:`Entry`) and what its replay became
(:class:`Replayed`); an asset's base, the server version the kit knew
(:class:`Base`); the three-way comparison of a procedure made offline with the asset as
the server has it now (:func:`compare_with_server`) and the note and reason a rebased
record carries; and the payload a procedure is recorded again from (also when a
conflict is re-applied, :mod:`desktop.kits.conflicts`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop.domain.fields import CUSTOM_PREFIX, field_label
from desktop.domain.lifecycle import (
    KIND_TARGET_STATUS,
    Origin,
    ProcedureKind,
)
from desktop.kits.model import (
    KitInfo,
    Outcome,
    RecordResult,
)
from desktop.kits.stored_values import uuid_from_hex
from desktop.services.audit_scan_types import ScanKind
from desktop.services.procedures import ProcedureRequest


class Entry:
    """One kit journal entry to replay: its place in the journal (``seq``), its id
    (``entry_id``: what the server's conflict queue knows it by), the kind of record, the
    record's id and the operation.

    Made from the journal's text (:meth:`from_journal`), the entry's id is made when
    first asked for: the set-wise replay asks only when the kit has records in the
    conflict queue (3,000 ids cost ~3 ms of every sync of a day's scans)."""

    __slots__ = ("_entry_hex", "_entry_id", "op", "record", "row_id", "seq")

    def __init__(
        self, seq: int, entry_id: uuid.UUID, record: str, row_id: uuid.UUID, op: str
    ) -> None:
        self.seq = seq
        self._entry_id: uuid.UUID | None = entry_id
        self._entry_hex = ""
        self.record = record
        self.row_id = row_id
        self.op = op

    @classmethod
    def from_journal(
        cls, seq: int, entry_hex: str, record: str, row_id: uuid.UUID, op: str
    ) -> Entry:
        """The entry of a journal row whose id is ``entry_hex``, 32 hex digits (the
        trigger's random hex: its id is the RFC 4122 version 4 UUID of it, which MariaDB
        checks), made when first asked for."""
        made = cls.__new__(cls)
        made.seq = seq
        made._entry_id = None
        made._entry_hex = entry_hex
        made.record = record
        made.row_id = row_id
        made.op = op
        return made

    @property
    def entry_id(self) -> uuid.UUID:
        made = self._entry_id
        if made is None:
            made = self._entry_id = uuid_from_hex(self._entry_hex, version4=True)
        return made

    def __repr__(self) -> str:
        return (
            f"Entry(seq={self.seq!r}, entry_id={self.entry_id!r}, record={self.record!r}, "
            f"row_id={self.row_id!r}, op={self.op!r})"
        )


class Base:
    """An asset's base: the server version the kit knew, and its values then (from the
    kit's JSON, decoded when first asked for: most replays compare only versions)."""

    __slots__ = ("_text", "_values", "server_version")

    def __init__(
        self, server_version: int, values: dict[str, Any] | None = None, *, text: str = "{}"
    ) -> None:
        self.server_version = server_version
        self._values = values
        self._text = text

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = json.loads(self._text)
        return self._values


@dataclass(slots=True)
class Replayed:
    """A record's outcome as its replay decided it (one per record of a sync)."""

    result: RecordResult
    #: The asset's server version after an applied procedure, and its values (kit base).
    asset_id: uuid.UUID | None = None
    server_version: int | None = None
    values: dict[str, Any] | None = None


def already_queued(entry: Entry, queued: tuple[uuid.UUID, int]) -> Replayed:
    """A record an earlier sync put in the conflict queue (id, number): it stays there."""
    return Replayed(
        RecordResult(
            entry.seq,
            entry.record,
            entry.row_id,
            f"{entry.record} {entry.row_id}",
            Outcome.CONFLICT,
            f"already in the conflict queue as #{queued[1]}",
            conflict_id=queued[0],
        )
    )


# -- the three-way comparison (per record and in bulk) ------------------------------------


@dataclass(frozen=True)
class Rebase:
    """How a procedure made offline meets the asset as the server has it now.

    Attributes:
        merged_from: the server version the kit knew, when the server changed the asset
            meanwhile (None: it did not).
        server_changed: the titles of the fields the server changed meanwhile.
        conflicting: the procedure's changes whose field the server set to a third value.
    """

    merged_from: int | None
    server_changed: list[str]
    conflicting: tuple[Mapping[str, Any], ...] = ()


def compare_with_server(
    changes: list[dict[str, Any]],
    base: Base | None,
    now_values: Mapping[str, Any],
    version: int,
    titles: Callable[[], Mapping[str, str]] | None = None,
) -> Rebase:
    """For every field the procedure changed, the server's value now must be the one the
    kit saw before (nobody else touched it) or the one the kit set (the same edit on both
    sides); otherwise it conflicts. Other fields the server changed make it a rebase.

    ``titles`` gives the asset's category's custom field titles by key (asked only when
    the server changed a custom field): the reason says "RAM (GB)", not "Ram gb"."""
    conflicting = tuple(
        c
        for c in changes
        if now_values.get(str(c["field"])) not in (c.get("before"), c.get("after"))
    )
    if conflicting or base is None or version == base.server_version:
        return Rebase(None, [], conflicting)
    keys = {key for key, value in now_values.items() if base.values.get(key) != value} | {
        key for key in base.values if key.startswith(CUSTOM_PREFIX) and key not in now_values
    }
    labels = None
    if titles is not None and any(key.startswith(CUSTOM_PREFIX) for key in keys):
        labels = titles()
    return Rebase(base.server_version, sorted({field_label(key, labels) for key in keys}))


def replay_note(
    info: KitInfo, performer: str, by_user: str, rebase: Rebase, version_now: int | None
) -> str:
    """The note a replayed procedure carries (and why it was rebased)."""
    note = f"Made offline in field kit {str(info.kit_id)[:8]} by {performer}"
    note += f", synced by {by_user}."
    if rebase.merged_from is not None:
        changed = ", ".join(rebase.server_changed) or "nothing visible"
        note += (
            f" Rebased from version {rebase.merged_from} to {version_now}: the server "
            f"changed {changed} meanwhile."
        )
    return note


def rebase_reason(rebase: Rebase, version_now: int | None) -> str:
    """The sync report's reason for a merged record ("" when it was not rebased)."""
    if rebase.merged_from is None:
        return ""
    return (
        f"rebased from version {rebase.merged_from} to {version_now}: the server changed "
        f"{', '.join(rebase.server_changed) or 'nothing visible'}"
    )


# -- procedure payloads (also used to re-apply a conflict) --------------------------------

#: Each procedure kind by its value and its value by kind (``ProcedureKind(...)`` and
#: ``.value`` are Python-level calls: a sync makes thousands).
_KIND_OF = {kind.value: kind for kind in ProcedureKind}
_KIND_VALUE = {kind: kind.value for kind in ProcedureKind}
_DERIVED_BY_RULES = {ProcedureKind.DECOMMISSION: {"assigned_to"}}


#: How the sync's results name each kind of offline scan (a replayed undo was listed
#: as a second scan of the same tag).
_SCAN_WORDS = {
    ScanKind.UNDO: "Undo of the scan",
    ScanKind.MANUAL: "Found by hand",
    ScanKind.ROOM_CLOSED: "Room finished",
    ScanKind.ROOM_REOPEN: "Room reopened",
}
#: Every kind's words (an asset scan's "Scan" found without making its enum per scan).
_WORDS_OF = {kind.value: _SCAN_WORDS.get(kind, "Scan") for kind in ScanKind}


def scan_summary(scan: Any, scanner: str, at: str | None = None) -> str:
    """One line naming an offline scan (an :class:`AuditScan` or a row with its ``kind``,
    ``raw`` and ``scanned_at``) in the sync's results; ``at``: its moment already written
    as ``YYYY-MM-DD HH:MM:SS``."""
    words = _WORDS_OF.get(scan.kind)  # (a kind's value finds it: they are str enums)
    if words is None:
        words = _SCAN_WORDS.get(ScanKind(scan.kind), "Scan")  # (refuses an unknown kind)
    if at is None:
        at = f"{scan.scanned_at:%Y-%m-%d %H:%M:%S}"
    return f"{words} “{scan.raw}” by {scanner} at {at}"


#: A procedure's answers as a request gives them: its answers, checklist, impact and
#: likelihood.
SplitAnswers = tuple[dict[str, Any], dict[str, bool], Any, Any]


def split_answers(recorded: Mapping[str, Any] | None) -> SplitAnswers:
    """A recorded procedure's answers as a request gives them (the same recorded answers,
    the same split: a bulk replay splits each group's once)."""
    answers: dict[str, Any] = {}
    checklist: dict[str, bool] = {}
    impact = likelihood = None
    for key, value in (recorded or {}).items():
        if key.startswith("checklist."):
            checklist[key[len("checklist.") :]] = bool(value)
        elif key == "impact":
            impact = value
        elif key == "likelihood":
            likelihood = value
        else:
            answers[key] = value
    return answers, checklist, impact, likelihood


def _values_of(kind: ProcedureKind, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """A recorded procedure's values: the fields it set, but those its kind or the rules
    set themselves."""
    values: dict[str, Any] = {}
    derived = _DERIVED_BY_RULES.get(kind, ())
    targets_status = kind in KIND_TARGET_STATUS
    for change in changes:
        key = str(change["field"])
        if (key == "status" and targets_status) or key in derived:
            continue
        values[key] = change.get("after")
    return values


def _values_and_answers(
    kind: ProcedureKind, procedure: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, bool], Any, Any]:
    """A recorded procedure's values, answers, checklist, impact and likelihood, as a
    request gives them."""
    return (_values_of(kind, procedure.changes), *split_answers(procedure.answers))


def procedure_payload(procedure: Any, performer: str) -> dict[str, Any]:
    """What is needed to record ``procedure`` again through the procedure service (a
    :class:`Procedure`, or a row with its ``kind``, ``changes``, ``answers``,
    ``asset_id``, ``ticket_ref``, ``reason`` and ``origin``)."""
    kind = _KIND_OF.get(procedure.kind) or ProcedureKind(procedure.kind)
    values, answers, checklist, impact, likelihood = _values_and_answers(kind, procedure)
    return {
        "kind": _KIND_VALUE[kind],
        "performed_by": performer,
        "asset_id": str(procedure.asset_id),
        "values": values,
        "answers": answers,
        "checklist": checklist,
        "ticket_ref": procedure.ticket_ref,
        "reason": procedure.reason,
        "impact": impact,
        "likelihood": likelihood,
        "origin": procedure.origin,
    }


def request_from_procedure(
    procedure: Any,
    *,
    performed_by: str,
    note: str,
    origin_detail: str,
    performed_at: dt.datetime | None = None,
    answers_split: SplitAnswers | None = None,
) -> ProcedureRequest:
    """``request_from_payload(procedure_payload(procedure, performed_by), ...)`` with the
    procedure's own id and asset, made straight from the row (a bulk replay makes one
    per procedure: the payload's dictionary and its copies cost more than the request).
    ``answers_split``: :func:`split_answers` of its answers, when the caller made it (the
    request then shares its dictionaries: not to be changed)."""
    kind = _KIND_OF.get(procedure.kind) or ProcedureKind(procedure.kind)
    values = _values_of(kind, procedure.changes)
    answers, checklist, impact, likelihood = (
        split_answers(procedure.answers) if answers_split is None else answers_split
    )
    return ProcedureRequest(
        kind=kind,
        performed_by=performed_by,
        asset_id=procedure.asset_id,
        values=values,
        answers=answers,
        checklist=checklist,
        ticket_ref=str(procedure.ticket_ref or ""),
        reason=str(procedure.reason or ""),
        origin=Origin.FIELD_KIT,
        origin_detail=origin_detail,
        performed_at=performed_at,
        impact=impact,
        likelihood=likelihood,
        procedure_id=procedure.id,
        note=note,
    )


def request_from_payload(
    payload: Mapping[str, Any],
    *,
    performed_by: str,
    procedure_id: uuid.UUID | None,
    asset_id: uuid.UUID | None,
    note: str,
    origin_detail: str,
    performed_at: dt.datetime | None = None,
    values: Mapping[str, object] | None = None,
) -> ProcedureRequest:
    return ProcedureRequest(
        kind=_KIND_OF.get(payload["kind"]) or ProcedureKind(payload["kind"]),
        performed_by=performed_by,
        asset_id=asset_id,
        values=dict(payload["values"] if values is None else values),
        answers=dict(payload.get("answers") or {}),
        checklist=dict(payload.get("checklist") or {}),
        ticket_ref=str(payload.get("ticket_ref") or ""),
        reason=str(payload.get("reason") or ""),
        origin=Origin.FIELD_KIT,
        origin_detail=origin_detail,
        performed_at=performed_at,
        impact=payload.get("impact"),
        likelihood=payload.get("likelihood"),
        procedure_id=procedure_id,
        note=note,
    )
