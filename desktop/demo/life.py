"""One asset's life, written as exactly the rows the services would have written.

An asset is received into a site's IT store, installed, moved, reassigned, repaired and
upgraded over the years, and at the end of its life returned, decommissioned (with two
approvals from outside the technician's groups) and disposed of. Each step is a procedure
row whose ``changes`` hold the before/after of every field it changed, in the order and
shape :mod:`desktop.services.procedures` records them; the asset row is the result of
applying them, and its ``version`` is one more than the number of completed steps after
the receive.

Rows are written directly in SQLite's stored form (:mod:`desktop.demo.stored`): tuples
with hex ids, time texts and JSON texts. A change entry is the text ``json.dumps`` writes
for ``{"field", "before", "after", "before_text", "after_text"}``, put together from
pieces encoded once (a location's id and name, a status and its label, an order's shared
receive changes, an approver's groups); answers are filled into templates.

The commonest procedures (the receive, installs, moves, reassignments, repairs and returns
to stock: ~88 % of them) fill pre-built texts — a location's, an assignee's and the notes'
change entries (:func:`desktop.demo.procedure_rows.location_entry` …), a status change
from :data:`desktop.demo.procedure_rows.STATUS_ENTRIES` — and their row is written by
:meth:`~desktop.demo.procedure_rows.ProcedureWriter._done`; the rarer ones (upgrades,
warranty extensions, audits, decommissions, disposals, pending procedures) go through the
general ``_step`` and ``_procedure`` of :class:`~desktop.demo.procedure_rows.ProcedureWriter`,
which writes every procedure's row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from desktop.demo import content
from desktop.demo import values as v
from desktop.demo.change_json import _JSON_BOOL, _custom_change
from desktop.demo.hex_world import _OrderPlaces
from desktop.demo.orders import (
    DECOMMISSIONED,
    DISPOSED,
    IN_REPAIR,
    IN_SERVICE,
    IN_STOCK,
    MISSING,
    Order,
)
from desktop.demo.procedure_rows import (
    STATUS_ENTRIES,
    ProcedureWriter,
    assigned_entry,
    closed_list,
    location_entry,
    notes_entry,
)
from desktop.demo.stored import encode, quote, stamp
from desktop.demo.world import DemoWorld
from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.tags import normalize_tag
from desktop.services.search import indexed_text

_T = TypeVar("_T")


#: What the receives of an order's assets share (:meth:`LifeWriter._order_receive`).
_SharedReceive = tuple[
    Order | None, tuple[str, str], content.CustomPlan, dict[str, Any], tuple[str, str]
]


@dataclass(frozen=True)
class ServiceAsset:
    """An in-service asset incidents may be logged against (ids: their 32 hex digits)."""

    id: str
    category: str
    team: str
    assigned_to: str | None


def _pick(random: Callable[[], float], items: Sequence[_T]) -> _T:
    """``random.choice`` in one step (its bit-exact rejection sampling is not needed here)."""
    return items[int(random() * len(items))]


class LifeWriter(ProcedureWriter):
    """Writes assets one at a time into :attr:`rows`, counting what it wrote."""

    def __init__(
        self, world: DemoWorld, rng: random.Random, now_ts: float, origin_detail: str
    ) -> None:
        super().__init__(world, rng, now_ts, origin_detail)
        self.statuses: Counter[str] = Counter()
        self.pending = 0
        self.in_service: list[ServiceAsset] = []
        self.in_service_seen = 0
        self.sample_size = 2000
        self._shared: _SharedReceive = (None, ("", ""), (), {}, ("", ""))
        #: (custom field, value's type, value) → its receive's change text (values repeat).
        self.custom_changes: dict[tuple[str, type, Any], str] = {}
        self.place = _OrderPlaces("", "", "", "", "", "", ())
        self.indexed_names = world.indexed_names
        #: The rows' (kind, template id, template version) of the commonest procedures.
        none = ("", "", 0)
        self.receive_template = self.kinds.get(ProcedureKind.RECEIVE, none)[1:]
        self.install_template = self.kinds.get(ProcedureKind.INSTALL, none)
        self.employees = self.hex.employees

    # -- one asset -------------------------------------------------------------------

    def live(
        self, order: Order, position: int, tag: str, *, final: str, pending: str | None = None
    ) -> None:
        """Write the asset ``tag`` of ``order`` whose life ends in status ``final``.

        ``pending`` adds a last procedure that waits for approval: "decommission",
        "decommission_half" (one approval already given), "dispose" or "change".
        """
        rng = self.rng
        spec = order.category.spec
        self.asset_id = self.new_id()
        self.order = order
        self.team = spec.team
        self.version = 0
        self.limit = self.now_ts - (3 * v.DAY if pending else 3600.0)
        start = min(order.received_ts + position * 97.0, self.limit - v.DAY)
        self.clock = start - 600.0
        self.technicians = self.hex.technicians[spec.team]
        self.s: dict[str, Any] = dict(_EMPTY_STATE)
        self.custom: dict[str, Any] = {}
        self._receive(start, tag)
        created, created_text = self.clock, self.clock_text
        age = (self.limit - start) / v.YEAR
        retire_at = start + spec.life_years * v.YEAR * (0.85 + 0.45 * rng.random())
        installed = final not in (IN_STOCK,) or rng.random() < 0.35
        if final in (DECOMMISSIONED, DISPOSED) or pending == "dispose":
            retire_at = min(
                retire_at, self.limit - (90 * v.DAY if final == DISPOSED else 5 * v.DAY)
            )
        else:
            retire_at = self.limit
        if installed:
            self._install(start + (0.5 + 14 * rng.random()) * v.DAY)
            rate = 0.55 if spec.personal else 0.3
            steps = min(8, int(age * rate + rng.random() * 2))
            span = max(retire_at - self.clock, v.DAY)
            draw, clock = self.random, self.clock
            if steps:
                self._middle(sorted([clock + draw() * span * 0.92 for _ in range(steps)]))
        final_ts = self.clock + (retire_at - self.clock) * (0.93 + 0.07 * rng.random())
        if final == IN_STOCK and installed:
            self._return_to_stock(final_ts)
        elif final == IN_REPAIR:
            self._repair_start(final_ts)
        elif final == MISSING:
            self._missing(final_ts)
        elif final in (DECOMMISSIONED, DISPOSED):
            if self.s["assigned_to"] is not None:
                self._return_to_stock(final_ts - (2 + 10 * rng.random()) * v.DAY)
            self._decommission(final_ts)
            if final == DISPOSED:
                self._dispose(self.clock + (14 + 100 * rng.random()) * v.DAY)
        updated, updated_text = self.clock, self.clock_text
        self.limit = self.now_ts - 600.0
        if pending is not None:
            self._pending(pending)
        self._write_asset(created, updated, created_text, updated_text)

    # -- steps -----------------------------------------------------------------------

    def _receive(self, ts: float, tag: str) -> None:
        """The receive: its changes filled into the order's pre-built texts (the tag's,
        name's and serial number's entries, then the custom fields'), its row written
        at the order's delivery time (no working-hours draw)."""
        order, rng, s = self.order, self.rng, self.s
        name = self._asset_name(tag)
        serial = v.serial_number(rng, order.model.spec)
        shared = self._shared
        if shared[0] is not order:  # the assets of an order come one after another
            self.place = self.hex.places(order)
            shared = self._shared = self._order_receive(order)
        _order, (before, after), plan, state, answers = shared
        s.update(state)
        s["tag"], s["name"], s["serial_number"] = tag, name, serial
        tag_text, name_text, serial_text = quote(tag), quote(name), quote(serial)
        changes = (
            f'[{{"field": "tag", "before": null, "after": {tag_text}, "before_text": "", '
            f'"after_text": {tag_text}}}, {{"field": "name", "before": null, "after": '
            f'{name_text}, "before_text": "", "after_text": {name_text}}}, {before}, '
            f'{{"field": "serial_number", "before": null, "after": {serial_text}, '
            f'"before_text": "", "after_text": {serial_text}}}, {after}'
        )
        custom_changes = self.custom_changes
        for field_name, value in content.custom_values_of(plan, order, rng).items():
            key = (field_name, value.__class__, value)  # (True == 1: the type too)
            change = custom_changes.get(key)
            if change is None:  # (most values repeat: a RAM size, an operating system)
                change = custom_changes[key] = _custom_change(field_name, None, value)
            changes += ", " + change
            self.custom[field_name] = value
        draw = self.random
        labelled = draw() < 0.9
        technicians = self.technicians  # _pick, inline
        performer = technicians[int(draw() * len(technicians))]
        at = self.clock_text = stamp(ts)
        self.clock = ts
        self.version = 1
        self.procedures += 1
        self.rows.procedures.append(
            (
                self.new_id(),
                self.asset_id,
                "receive",
                "completed",
                *self.receive_template,
                performer,
                at,
                "",
                "Delivery",
                answers[labelled],
                changes + "]",
                "demo",
                self.origin_detail,
                None,
                0,
                None,
                at,
                "",
                1,
                at,
                at,
            )
        )

    def _order_receive(self, order: Order) -> _SharedReceive:
        """What the receives of ``order``'s assets share, made once per order: their
        changes' texts, its custom fields' plan, the fields' values and the answers
        (not labelled, labelled) as JSON."""
        place = self.place
        state = {
            "category": place.category,
            "model": place.model,
            "location": place.store,
            "supplier": place.supplier,
            "order_number": order.number,
            "purchase_date": order.purchase_date,
            "purchase_cost": order.cost,
            "warranty_end": order.warranty_end,
            "owning_group": place.group,
            "status": IN_STOCK,
        }
        answers = tuple(
            f'{{"delivery_reference": {quote(order.delivery_note)}, "checklist.inspected": '
            f'true, "checklist.contents_match": true, "checklist.labelled": '
            f"{_JSON_BOOL[labelled]}}}"
            for labelled in (False, True)
        )
        return (
            order,
            self._receive_changes(order),
            content.custom_plan(order),
            state,
            (answers[0], answers[1]),
        )

    def _receive_changes(self, order: Order) -> tuple[str, str]:
        """The receive's changes every asset of ``order`` shares, as JSON list items:
        before and after the serial number, in the order the receive form lists the
        fields (status last). Encoded once per order."""
        change, place = self._field_change, self.place
        before = [change("category", None, place.category), change("model", None, place.model)]
        after = [
            change("location", None, place.store),
            change("supplier", None, place.supplier),
            change("order_number", None, order.number),
            change("purchase_date", None, order.purchase_date),
            change("purchase_cost", None, order.cost),
            change("warranty_end", None, order.warranty_end),
            change("owning_group", None, place.group),
            change("status", None, IN_STOCK),
        ]
        return ", ".join(before), ", ".join(after)

    def _install(self, ts: float) -> None:
        rng, spec, s, refs = self.rng, self.order.category.spec, self.s, self.refs
        here, room = s["location"], self._room()
        changes = "[" + location_entry(refs[here], refs[room]) + ", " if room != here else "["
        if spec.personal:
            person = _pick(self.random, self.hex.employees)
            changes += assigned_entry(refs[None], refs[person]) + ", "
            s["assigned_to"] = person
        host = ""
        if spec.name in ("Laptop", "Desktop") or not spec.personal:
            host = f'"hostname": {quote(self._hostname(s["tag"]))}, '
        answers = (
            f'{{{host}"checklist.powers_on": true, "checklist.handover": true, '
            f'"checklist.management": {_JSON_BOOL[rng.random() < 0.85]}}}'
        )
        reason = "New starter" if spec.personal else "New installation"
        ticket = f"RITM{10_000 + int(self.random() * 89_999):07d}"  # (values.ticket)
        changes += STATUS_ENTRIES[s["status"], IN_SERVICE] + "]"
        self._done(self.install_template, ts, changes, answers, reason, ticket, None)
        s["location"], s["status"] = room, IN_SERVICE

    def _middle(self, times: list[float]) -> None:
        """The steps in service at ``times``: each a reassignment, a move, a repair (two
        procedures), an upgrade or a warranty extension. The common ones fill pre-built
        change entries (:func:`location_entry`, :data:`STATUS_ENTRIES`)."""
        rng, s, refs, draw = self.rng, self.s, self.refs, self.random
        personal, rooms, employees = (
            self.order.category.spec.personal,
            self.place.rooms,
            self.employees,
        )
        change = self._change
        for ts in times:
            roll = draw()
            if personal and roll < 0.38:
                here, person = s["location"], s["assigned_to"]
                changes = "["
                if draw() < 0.4:
                    room = rooms[int(draw() * len(rooms))]  # _room, inline
                    if room == here and len(rooms) > 1:
                        room = rooms[(rooms.index(room) + 1) % len(rooms)]
                    if room != here:
                        changes += location_entry(refs[here], refs[room]) + ", "
                    here = room
                new = employees[int(draw() * len(employees))]  # _pick, inline
                if new != person:
                    changes += assigned_entry(refs[person], refs[new])
                reason = _REASSIGN_REASONS[int(draw() * len(_REASSIGN_REASONS))]
                change(ts, closed_list(changes), "Reassignment", reason, "RITM")
                s["location"], s["assigned_to"] = here, new
            elif roll < 0.62:  # a move (_move, inline)
                here = s["location"]
                room = rooms[int(draw() * len(rooms))]  # _room, inline
                if room == here and len(rooms) > 1:
                    room = rooms[(rooms.index(room) + 1) % len(rooms)]
                reason = _MOVE_REASONS[int(draw() * len(_MOVE_REASONS))]  # _pick, inline
                if room != here:
                    change(
                        ts, f"[{location_entry(refs[here], refs[room])}]", "Move", reason, "RITM"
                    )
                    s["location"] = room
                else:
                    change(ts, "[]", "Move", reason, "RITM")
            elif roll < 0.82:
                back = s["location"]
                fault, fix = _FAULTS[int(draw() * len(_FAULTS))]  # _pick, inline
                self._repair_start(ts, fault)
                # the notes line dated as the repair's procedure (its time made first)
                done = self._at(self.clock + (1 + 20 * draw()) * v.DAY)
                when = stamp(done)[:10]
                before = s["notes"]
                notes = (before + f"\n{when}: {fix}").strip()
                here = s["location"]
                changes = "["
                if back != here:
                    changes += location_entry(refs[here], refs[back]) + ", "
                if notes != before:
                    changes += notes_entry(quote(before), quote(notes)) + ", "
                changes += STATUS_ENTRIES[s["status"], IN_SERVICE]
                change(done, changes + "]", "Repair", f"Repaired: {fix}", "INC", True)
                s["location"], s["notes"], s["status"] = back, notes, IN_SERVICE
            elif roll < 0.93:
                if not self._upgrade(ts):
                    self._move(ts)
            else:
                extended = s["warranty_end"] + dt.timedelta(days=365 * rng.choice((1, 2)))
                reason = f"Warranty extended (care pack {v.digits(rng, 10)})"
                self._change_values(
                    ts, [("warranty_end", extended)], None, "Record correction", reason, "RITM"
                )

    def _move(self, ts: float) -> None:
        s, refs = self.s, self.refs
        here, room = s["location"], self._room()
        reason = _MOVE_REASONS[int(self.random() * len(_MOVE_REASONS))]  # _pick, inline
        changes = "[" + location_entry(refs[here], refs[room]) + "]" if room != here else "[]"
        self._change(ts, changes, "Move", reason, "RITM")
        s["location"] = room

    def _upgrade(self, ts: float) -> bool:
        rng = self.rng
        ram = self.custom.get("ram_gb")
        changes: dict[str, Any]
        if isinstance(ram, int) and ram < 64:
            changes = {"ram_gb": ram * 2}
            reason = f"Memory upgrade to {ram * 2} GB"
        elif "firmware" in self.custom:
            choices = v.FIRMWARE.get(self.order.model.spec.manufacturer, ())
            newer = [f for f in choices if f != self.custom["firmware"]]
            if not newer:
                return False
            changes = {"firmware": rng.choice(newer)}
            reason = "Firmware update (vendor security advisory)"
        else:
            return False
        self._change_values(ts, [], None, "Upgrade", reason, "CHG", custom=changes)
        return True

    def _repair_start(self, ts: float, fault: str | None = None) -> None:
        fault = fault or _pick(self.random, content.FAULTS)[0]
        s, refs = self.s, self.refs
        here, workshop, status = s["location"], self.place.workshop, s["status"]
        changes = (
            "[" + location_entry(refs[here], refs[workshop]) + ", " if here != workshop else "["
        )
        changes += STATUS_ENTRIES[status, IN_REPAIR] if status != IN_REPAIR else ""
        self._change(ts, closed_list(changes), "Repair", fault, "INC")
        s["location"], s["status"] = workshop, IN_REPAIR

    def _return_to_stock(self, ts: float) -> None:
        s, refs = self.s, self.refs
        here, store, person, status = s["location"], self.place.store, s["assigned_to"], s["status"]
        changes = "[" + location_entry(refs[here], refs[store]) + ", " if here != store else "["
        if person is not None:
            changes += assigned_entry(refs[person], refs[None]) + ", "
        changes += STATUS_ENTRIES[status, IN_STOCK] if status != IN_STOCK else ""
        reason = _pick(self.random, content.RETURN_REASONS)
        self._change(ts, closed_list(changes), "Reassignment", reason, "RITM")
        s["location"], s["assigned_to"], s["status"] = store, None, IN_STOCK

    def _missing(self, ts: float) -> None:
        year = v.as_datetime(ts).year
        reference = f"Annual inventory audit {year} ({self.order.site.code})"
        self._step(
            ProcedureKind.AUDIT_CORRECTION,
            ts,
            [],
            MISSING,
            f'{{"audit_reference": {quote(reference)}}}',
            "Not found during the annual audit",
            "",
        )

    def _sanitisation(self) -> str:
        spec = self.order.category.spec
        if not spec.data_bearing:
            return "No data-bearing media"
        return content.SANITISATION.get(spec.name, "No data-bearing media")

    def _decommission(self, ts: float) -> None:
        rng, spec = self.rng, self.order.category.spec
        evidence = f"BLANCCO-{v.as_datetime(ts).year}-{v.digits(rng, 6)}"
        storage = ""
        if spec.data_bearing and rng.random() < 0.5:
            storage = f'"storage_serials": "S6B0NL0T{v.digits(rng, 6)}", '
        answers = (
            f'{{"sanitisation_method": {quote(self._sanitisation())}, "evidence_reference": '
            f'"{evidence}", {storage}"checklist.accounts_removed": true, '
            f'"checklist.licences_released": {_JSON_BOOL[rng.random() < 0.8]}}}'
        )
        values = [("location", self.place.store)]
        reason = _pick(self.random, content.DECOMMISSION_REASONS)
        self._step(
            ProcedureKind.DECOMMISSION,
            ts,
            values,
            DECOMMISSIONED,
            answers,
            reason,
            v.ticket(rng, "CHG"),
            approvals=2,
        )

    def _dispose_answers(self, ts: float) -> str:
        method, recipient, code = _pick(self.random, content.DISPOSALS)
        certificate = f"{code}-{v.as_datetime(ts).year}-{v.digits(self.rng, 6)}"
        return (
            f'{{"disposal_method": {quote(method)}, "certificate_number": {quote(certificate)}, '
            f'"recipient": {quote(recipient)}, "checklist.labels_removed": true}}'
        )

    def _dispose(self, ts: float) -> None:
        answers = self._dispose_answers(ts)
        ticket = v.ticket(self.rng, "CHG")
        self._step(
            ProcedureKind.DISPOSE,
            ts,
            [],
            DISPOSED,
            answers,
            "Quarterly disposal batch",
            ticket,
            approvals=2,
        )

    def _pending(self, what: str) -> None:
        rng = self.rng
        ts = self.now_ts - (0.2 + 2.5 * rng.random()) * v.DAY
        if what == "dispose":
            answers = self._dispose_answers(ts)
            self._step(
                ProcedureKind.DISPOSE,
                ts,
                [],
                DISPOSED,
                answers,
                "Quarterly disposal batch",
                v.ticket(rng, "CHG"),
                approvals=2,
                pending=0,
            )
        elif what == "change":
            target = self._room()
            self._step(
                ProcedureKind.CHANGE,
                ts,
                [("location", target)],
                None,
                '{"change_type": "Move", "checklist.user_informed": true, '
                '"checklist.tested": false, "impact": "high", "likelihood": "medium"}',
                "Relocation during the network refresh"
                if not self.order.category.spec.personal
                else "Team moves to another floor",
                v.ticket(rng, "CHG"),
                approvals=2,
                pending=0,
                risk="high",
            )
        else:
            given = 1 if what == "decommission_half" else 0
            evidence = f"BLANCCO-{v.as_datetime(ts).year}-{v.digits(rng, 6)}"
            answers = (
                f'{{"sanitisation_method": {quote(self._sanitisation())}, '
                f'"evidence_reference": "{evidence}", "checklist.accounts_removed": true, '
                '"checklist.licences_released": true}'
            )
            self._step(
                ProcedureKind.DECOMMISSION,
                ts,
                [("location", self.place.store)],
                DECOMMISSIONED,
                answers,
                "Beyond economical repair",
                v.ticket(rng, "CHG"),
                approvals=2,
                pending=given,
            )
        self.pending += 1

    def _write_asset(
        self, created: float, updated: float, created_text: str, updated_text: str
    ) -> None:
        """``created_text``, ``updated_text``: ``created`` and ``updated`` stamped."""
        s, rng = self.s, self.rng
        status = s["status"]
        spec = self.order.category.spec
        last_audited = None
        if status in (IN_STOCK, IN_SERVICE, IN_REPAIR) and rng.random() > 0.18:
            interval = spec.audit_interval_days * v.DAY
            audited = self.now_ts - rng.random() * 1.45 * interval
            if audited <= created + v.DAY:  # younger than the window: audited since arrival
                audited = created + v.DAY + rng.random() * (self.now_ts - created - v.DAY)
            if audited > created + v.DAY:
                audited = v.working_time(rng, audited)
                if audited <= self.now_ts:
                    last_audited = stamp(audited)
        elif status in (DECOMMISSIONED, DISPOSED, MISSING) and rng.random() < 0.5:
            last_audited = stamp(created + (updated - created) * 0.6 * rng.random())
        cost = s["purchase_cost"]
        tag_key = normalize_tag(s["tag"])
        if self.indexed_names is not None:
            names = self.indexed_names
            tag, serial, name = s["tag"], s["serial_number"], s["name"]
            self.rows.search.append(
                (  # (indexed_text, inline: ASCII text as it is)
                    tag_key,
                    tag if tag.isascii() else indexed_text(tag),
                    serial if serial.isascii() else indexed_text(serial),
                    name if name.isascii() else indexed_text(name),
                    names[s["model"]],
                    names[s["assigned_to"]],
                    names[s["location"]],
                )
            )
        self.rows.assets.append(
            (
                self.asset_id,
                s["tag"],
                tag_key,
                s["name"],
                s["category"],
                s["model"],
                s["serial_number"],
                status,
                s["location"],
                s["assigned_to"],
                s["owning_group"],
                s["purchase_date"].isoformat(),
                None if cost is None else int(cost * 100),
                s["order_number"],
                s["supplier"],
                s["warranty_end"].isoformat(),
                encode(self.custom),
                s["notes"],
                last_audited,
                self.version,
                created_text,
                updated_text,
            )
        )
        self.statuses[status] += 1
        if status == IN_SERVICE:
            self._sample(spec.name, spec.team)

    def _sample(self, category: str, team: str) -> None:
        """Keep a uniform sample of in-service assets (reservoir sampling)."""
        self.in_service_seen += 1
        kept = self.in_service
        slot = len(kept)
        if slot >= self.sample_size:
            slot = int(self.random() * self.in_service_seen)  # (randrange: exact, dearer)
            if slot >= self.sample_size:
                return  # made only when kept (a frozen dataclass costs ~1.5 µs)
        asset = ServiceAsset(self.asset_id, category, team, self.s["assigned_to"])
        if slot == len(kept):
            kept.append(asset)
        else:
            kept[slot] = asset

    # -- values ----------------------------------------------------------------------

    def _room(self) -> str:
        rooms = self.place.rooms
        room = rooms[int(self.random() * len(rooms))]  # _pick, inline
        if room == self.s["location"] and len(rooms) > 1:
            room = rooms[(rooms.index(room) + 1) % len(rooms)]
        return room

    def _asset_name(self, tag: str) -> str:
        spec = self.order.category.spec
        if spec.personal:
            return self.order.model.spec.name
        return self._hostname(tag)

    def _hostname(self, tag: str) -> str:
        """``lon-lt-000123`` for a laptop, ``slo-srv-0042`` for a server: from the tag, so
        that host names are unique too."""
        spec, site = self.order.category.spec, self.order.site.code.lower()
        number = tag.rsplit("-", 1)[-1]
        if spec.personal:
            return f"{site}-{'lt' if spec.name == 'Laptop' else 'pc'}-{number}"
        short = content.HOST_KINDS.get(spec.name, "dev")
        return f"{site}-{short}-{int(number):04d}"


_RECEIVE_ORDER = (
    "tag",
    "name",
    "category",
    "model",
    "serial_number",
    "location",
    "assigned_to",
    "supplier",
    "order_number",
    "purchase_date",
    "purchase_cost",
    "warranty_end",
    "owning_group",
    "notes",
)
_EMPTY_STATE: dict[str, Any] = {**dict.fromkeys(_RECEIVE_ORDER), "status": None, "notes": ""}
_REASSIGN_REASONS = content.REASSIGN_REASONS
_MOVE_REASONS = content.MOVE_REASONS
_FAULTS = content.FAULTS
