"""A procedure's stored row, as :mod:`desktop.services.procedures` records it.

:class:`ProcedureWriter` writes an asset's procedures (and their approvals) into
:class:`Rows` — a working-hours time after the previous step, a performer, a ticket, the
answers and the change list as JSON texts — for :class:`desktop.demo.life.LifeWriter`,
which decides an asset's life step by step. The commonest procedures fill pre-built texts
(:func:`location_entry`, :func:`assigned_entry`, :func:`notes_entry`,
:data:`STATUS_ENTRIES`) and are written by :meth:`ProcedureWriter._done`; the rarer ones
go through the general :meth:`ProcedureWriter._step` and :meth:`ProcedureWriter._procedure`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from desktop.demo import content
from desktop.demo import values as v
from desktop.demo.change_json import (
    _JSON_BOOL,
    _STATUS_JSON,
    _custom_change,
    _plain_json,
)
from desktop.demo.hex_world import _HexWorld
from desktop.demo.stored import HexIds, encode, stamp
from desktop.demo.world import DemoWorld
from desktop.domain.lifecycle import ProcedureKind


@dataclass
class Rows:
    """Stored tuples (:data:`desktop.demo.stored.COLUMNS` order)."""

    assets: list[tuple[Any, ...]] = field(default_factory=list)
    procedures: list[tuple[Any, ...]] = field(default_factory=list)
    approvals: list[tuple[Any, ...]] = field(default_factory=list)
    #: Per asset, its search index row less the rank: (tag key, tag, serial number, name,
    #: model, assignee, location) as the index holds them — where the world asks for them.
    search: list[tuple[str, ...]] = field(default_factory=list)


class ProcedureWriter:
    """Writes the procedures of the asset being written into :attr:`rows`, counting them.

    The asset's state is set by the subclass for each asset: its id, its team (whose
    technicians perform), its version, :attr:`clock` (the last step's time), :attr:`limit`
    (no step after it), the fields' values :attr:`s` and custom values :attr:`custom`.
    """

    asset_id: str
    team: str
    version: int
    clock: float
    limit: float
    s: dict[str, Any]
    custom: dict[str, Any]

    def __init__(
        self, world: DemoWorld, rng: random.Random, now_ts: float, origin_detail: str
    ) -> None:
        self.world = world
        self.rng = rng
        self.now_ts = now_ts
        self.origin_detail = origin_detail
        self.rows = Rows()
        self.procedures = 0
        self.approvals = 0
        self.names = world.names
        self.random = rng.random
        self.new_id = HexIds().next
        # The state and the rows hold references as hex ids (hashed faster than UUIDs).
        self.hex = _HexWorld.of(world)
        self.refs = self.hex.refs
        #: kind → (its value, template id, template version): one lookup per procedure.
        self.kinds = {
            kind: (kind.value, ids[0].hex, ids[1]) for kind, ids in world.templates.items()
        }
        #: :attr:`clock` as stored, set with it when a procedure completes.
        self.clock_text = ""
        self.change_template = self.kinds.get(CHANGE, ("", "", 0))
        #: The performers of the asset's procedures (its team's technicians).
        self.technicians: tuple[str, ...] = ()

    def _change(
        self,
        ts: float,
        changes: str,
        change_type: str,
        reason: str,
        ticket_kind: str,
        timed: bool = False,
    ) -> None:
        """A change completed at once without approvals, its changes' JSON text made;
        ``timed``: ``ts`` is its time already (:meth:`_at`)."""
        draw = self.random
        # informed (90 %), tested (70 %), a risk assessed (30 %, one of _LOW_RISKS)
        roll = draw()
        pick = (draw() < 0.9) + 2 * (draw() < 0.7)
        if roll < 0.3:
            pick += 4 * (1 + int(roll * (len(_LOW_RISKS) / 0.3)))
        answers, risk = _CHANGE_ANSWERS[change_type][pick]
        ticket = f"{ticket_kind}{10_000 + int(draw() * 89_999):07d}"
        self._done(self.change_template, ts, changes, answers, reason, ticket, risk, timed)

    def _at(self, ts: float, timed: bool = False) -> float:
        """The time of a procedure meant for ``ts``: a working-hours time after the previous
        step (:attr:`clock`) and before :attr:`limit` (``values.working_time``, inline);
        ``timed``: ``ts`` is a working-hours time already, only kept between the two."""
        draw = self.random
        low, high = self.clock + 300.0, self.limit
        if ts > low and not timed:
            day = int(ts // _DAY)
            seconds = ts - day * _DAY
            if not ((day + 3) % 7 < 5 and _OPENS <= seconds <= _CLOSES):
                if seconds > _OPENS:
                    day += 1
                weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
                if weekday >= 5:
                    day += 7 - weekday
                moment = day * _DAY + _OPENS + draw() * 9.5 * 3600
                if moment > ts:
                    ts = moment
        if ts < low:
            room = high - low
            ts = low + draw() * min(3 * 3600.0, (room if room > 0.0 else 0.0) * 0.1)
        if ts > high:
            room = high - low
            ts = low + (room if room > 0.0 else 0.0) * 0.2 * draw()
        return ts

    def _done(
        self,
        template: tuple[str, str, int],
        ts: float,
        changes: str,
        answers: str,
        reason: str,
        ticket: str,
        risk: str | None,
        timed: bool = False,
    ) -> None:
        """A procedure completed at once without approvals (all but the receive and the
        decommissions' and disposals'): :meth:`_procedure`'s row for them, the same
        draws in the same order. ``template``: its kind, template id and version;
        ``timed``: ``ts`` is its time already (:meth:`_at`)."""
        draw = self.random
        ts = self.clock = self._at(ts, timed)  # a working-hours time after the previous step
        technicians = self.technicians  # _pick, inline
        performer = technicians[int(draw() * len(technicians))]
        at = self.clock_text = stamp(ts)
        self.version += 1
        self.procedures += 1
        self.rows.procedures.append(
            (
                self.new_id(),
                self.asset_id,
                template[0],
                "completed",
                template[1],
                template[2],
                performer,
                at,
                ticket,
                reason,
                answers,
                changes,
                "demo",
                self.origin_detail,
                risk,
                0,
                None,
                at,
                "",
                1,
                at,
                at,
            )
        )

    def _change_values(
        self,
        ts: float,
        values: list[tuple[str, Any]],
        status: str | None,
        change_type: str,
        reason: str,
        ticket_kind: str,
        *,
        custom: dict[str, Any] | None = None,
    ) -> None:
        """A change completed at once without approvals (:meth:`_change`) that sets
        ``values``, ``status`` and the custom fields ``custom``."""
        changes = self._entries(values, status, custom)
        self._change(ts, f"[{', '.join(changes)}]", change_type, reason, ticket_kind)
        self._apply(values, status, custom)

    def _step(
        self,
        kind: ProcedureKind,
        ts: float,
        values: list[tuple[str, Any]],
        status: str | None,
        answers: str,
        reason: str,
        ticket: str,
        custom: dict[str, Any] | None = None,
        approvals: int = 0,
        pending: int | None = None,
        risk: str | None = None,
    ) -> None:
        """Record one procedure after the receive; ``pending`` = approvals already given.
        ``answers``: their JSON text."""
        changes = self._entries(values, status, custom)
        self._procedure(kind, ts, changes, answers, reason, ticket, approvals, pending, risk)
        if pending is None:
            self._apply(values, status, custom)

    def _entries(
        self, values: list[tuple[str, Any]], status: str | None, custom: dict[str, Any] | None
    ) -> list[str]:
        """The change entries of setting ``values``, ``status`` and custom fields ``custom``
        (those that change), in the order the services record them."""
        s, change = self.s, self._field_change
        changes = [change(key, s[key], value) for key, value in values if s[key] != value]
        if status is not None and status != s["status"]:
            changes.append(change("status", s["status"], status))
        if custom:
            known = self.custom
            changes += [_custom_change(key, known.get(key), value) for key, value in custom.items()]
        return changes

    def _apply(
        self, values: list[tuple[str, Any]], status: str | None, custom: dict[str, Any] | None
    ) -> None:
        """The asset's state once ``values``, ``status`` and ``custom`` are set."""
        s = self.s
        for key, value in values:
            s[key] = value
        if status is not None:
            s["status"] = status
        if custom:
            self.custom.update(custom)

    def _field_change(self, key: str, before: Any, after: Any) -> str:
        """A change entry's JSON text, as :func:`desktop.demo.values.field_change` encoded."""
        b: tuple[str, str] | None
        a: tuple[str, str] | None
        if key in _REFERENCE_KEYS:
            refs = self.refs
            b, a = refs[before], refs[after]
        elif key == "status":
            b, a = _STATUS_JSON[before], _STATUS_JSON[after]
        else:
            b, a = _plain_json(before), _plain_json(after)
        if b is None or a is None:
            return encode(v.field_change(self.names, key, before, after))
        return (
            f'{{"field": "{key}", "before": {b[0]}, "after": {a[0]}, '
            f'"before_text": {b[1]}, "after_text": {a[1]}}}'
        )

    def _procedure(
        self,
        kind: ProcedureKind,
        ts: float,
        changes: list[str],
        answers: str,
        reason: str,
        ticket: str = "",
        approvals: int = 0,
        pending: int | None = None,
        risk: str | None = None,
    ) -> None:
        hex_world, draw = self.hex, self.random
        ts = self.clock = self._at(ts)  # a working-hours time after the previous step
        technicians = hex_world.technicians[self.team]  # _pick, inline
        performer = technicians[int(draw() * len(technicians))]
        at = stamp(ts)
        procedure_id = self.new_id()
        kind_value, template_id, template_version = self.kinds[kind]
        asset_version = self.version if approvals else None
        decisions = approvals if pending is None else pending
        decided = ts
        updated = at
        if decisions:
            pool = hex_world.approvers_for[performer]  # two different ones at most
            first = int(draw() * len(pool))
            approvers = [pool[first]]
            if decisions > 1:
                second = int(draw() * (len(pool) - 1))
                approvers.append(pool[second + (second >= first)])
            append = self.rows.approvals.append
            for approver in approvers:
                room = max(self.limit - decided, 60.0)
                decided += min((0.5 + 40 * draw()) * 3600, room * 0.3)
                updated = stamp(decided)
                append(
                    (
                        self.new_id(),
                        procedure_id,
                        approver,
                        "approve",
                        _COMMENTS[int(draw() * _COMMENT_COUNT)],  # _pick, inline
                        updated,
                        hex_world.group_docs[approver],
                    )
                )
            self.approvals += decisions
        if pending is not None:
            state, completed = "pending_approval", None
        else:
            state, completed = "completed", updated
            self.clock = decided
            self.clock_text = updated  # what the asset's times show when it ends here
            self.version += 1
        self.rows.procedures.append(
            (
                procedure_id,
                self.asset_id,
                kind_value,
                state,
                template_id,
                template_version,
                performer,
                at,
                ticket,
                reason,
                answers,
                f"[{', '.join(changes)}]",
                "demo",
                self.origin_detail,
                risk,
                approvals,
                asset_version,
                completed,
                "",
                1 + decisions,
                at,
                updated,
            )
        )
        self.procedures += 1


CHANGE = ProcedureKind.CHANGE
_COMMENTS = content.APPROVAL_COMMENTS
_COMMENT_COUNT = len(_COMMENTS)
#: Working hours (values.working_time): 08:00 to 17:30 UTC, in seconds of the day.
_DAY = v.DAY
_OPENS = 8 * 3600
_CLOSES = 17.5 * 3600
_RISK_SCORE = {"low": 1, "medium": 2, "high": 3}
_REFERENCE_KEYS = v.REFERENCE_KEYS
_LOW_RISKS = (
    ("low", "low"),
    ("low", "medium"),
    ("medium", "low"),
    ("medium", "medium"),
    ("high", "low"),
)


def location_entry(before: tuple[str, str], after: tuple[str, str]) -> str:
    """A location's change entry from both locations' (JSON value, name as JSON)."""
    return (
        f'{{"field": "location", "before": {before[0]}, "after": {after[0]}, '
        f'"before_text": {before[1]}, "after_text": {after[1]}}}'
    )


def assigned_entry(before: tuple[str, str], after: tuple[str, str]) -> str:
    """An assignee's change entry from both people's (JSON value, name as JSON)."""
    return (
        f'{{"field": "assigned_to", "before": {before[0]}, "after": {after[0]}, '
        f'"before_text": {before[1]}, "after_text": {after[1]}}}'
    )


def notes_entry(before: str, after: str) -> str:
    """The notes' change entry from both texts as JSON."""
    return (
        f'{{"field": "notes", "before": {before}, "after": {after}, '
        f'"before_text": {before}, "after_text": {after}}}'
    )


def closed_list(entries: str) -> str:
    """``[`` and entries each followed by ``, `` (the last one maybe not) as a JSON list."""
    return (entries[:-2] if entries.endswith(", ") else entries) + "]"


#: (status before, after) → the status's change entry (statuses and labels as JSON).
STATUS_ENTRIES = {
    (before, after): (
        f'{{"field": "status", "before": {_STATUS_JSON[before][0]}, "after": '
        f'{_STATUS_JSON[after][0]}, "before_text": {_STATUS_JSON[before][1]}, '
        f'"after_text": {_STATUS_JSON[after][1]}}}'
    )
    for before in _STATUS_JSON
    for after in _STATUS_JSON
    if after is not None
}


def _change_answers(change_type: str) -> tuple[tuple[str, str | None], ...]:
    """A change's answers as JSON with its risk level, for every combination of
    user informed (bit 0), tested (bit 1) and a risk assessed (bits 2 on: 0 none, else
    1 + its place in :data:`_LOW_RISKS`): made once, picked by number."""
    found: list[tuple[str, str | None]] = []
    for risky in (None, *_LOW_RISKS):
        for tested in (False, True):
            for informed in (False, True):
                text, risk = "", None
                if risky is not None:
                    impact, likelihood = risky
                    text = f', "impact": "{impact}", "likelihood": "{likelihood}"'
                    score = _RISK_SCORE[impact] * _RISK_SCORE[likelihood]
                    risk = "medium" if score >= 3 else "low"
                found.append(
                    (
                        f'{{"change_type": "{change_type}", "checklist.user_informed": '
                        f'{_JSON_BOOL[informed]}, "checklist.tested": {_JSON_BOOL[tested]}'
                        f"{text}}}",
                        risk,
                    )
                )
    return tuple(found)


#: change type → its answers and risk level by number (:func:`_change_answers`).
_CHANGE_ANSWERS = {
    kind: _change_answers(kind)
    for kind in ("Reassignment", "Move", "Repair", "Upgrade", "Record correction")
}
