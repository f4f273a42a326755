"""One asset's life, written as exactly the rows the services would have written.

An asset is received into a site's IT store, installed, moved, reassigned, repaired and
upgraded over the years, and at the end of its life returned, decommissioned (with two
approvals from outside the technician's groups) and disposed of. Each step is a procedure
row whose ``changes`` hold the before/after of every field it changed, in the order and
shape :mod:`desktop.services.procedures` records them; the asset row is the result of
applying them, and its ``version`` is one more than the number of completed steps after
the receive.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from desktop.demo import content
from desktop.demo import values as v
from desktop.demo.orders import (
    DECOMMISSIONED,
    DISPOSED,
    IN_REPAIR,
    IN_SERVICE,
    IN_STOCK,
    MISSING,
    Order,
)
from desktop.demo.world import PLACEMENT_ROOMS, DemoWorld
from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.tags import normalize_tag
from desktop.storage.bulk import JsonParts, SharedJson


@dataclass
class Rows:
    assets: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceAsset:
    """An in-service asset incidents may be logged against."""

    id: uuid.UUID
    category: str
    team: str
    assigned_to: uuid.UUID | None


class LifeWriter:
    """Writes assets one at a time into :attr:`rows`, counting what it wrote."""

    def __init__(
        self, world: DemoWorld, rng: random.Random, now_ts: float, origin_detail: str
    ) -> None:
        self.world = world
        self.rng = rng
        self.now_ts = now_ts
        self.origin_detail = origin_detail
        self.rows = Rows()
        self.statuses: Counter[str] = Counter()
        self.procedures = 0
        self.approvals = 0
        self.pending = 0
        self.in_service: list[ServiceAsset] = []
        self.in_service_seen = 0
        self.sample_size = 2000
        self.names = world.names
        self.change = v.ChangeMaker(world.names)
        self.new_id = v.NewIds()
        #: kind → (its value, template id, template version): one lookup per procedure.
        self.kinds = {kind: (kind.value, *ids) for kind, ids in world.templates.items()}
        self.group_docs: dict[uuid.UUID, list[dict[str, Any]]] = {}
        self._shared: tuple[Order | None, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = (
            None,
            ([], []),
        )

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
        self.exact = True  # the receive keeps the order's delivery time
        self.s: dict[str, Any] = {key: None for key in _RECEIVE_ORDER}
        self.s["status"] = None
        self.s["notes"] = ""
        self.custom: dict[str, Any] = {}
        self._receive(start, tag)
        created = self.clock
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
            for ts in sorted(self.clock + rng.random() * span * 0.92 for _ in range(steps)):
                self._middle(ts)
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
        updated = self.clock
        self.limit = self.now_ts - 600.0
        if pending is not None:
            self._pending(pending)
        self._write_asset(created, updated)

    # -- steps -----------------------------------------------------------------------

    def _receive(self, ts: float, tag: str) -> None:
        order, rng, s = self.order, self.rng, self.s
        name = self._asset_name(tag)
        serial = v.serial_number(rng, order.model.spec)
        if self._shared[0] is not order:  # the assets of an order come one after another
            self._shared = (order, self._receive_changes(order))
        shared = self._shared[1]
        changes = JsonParts((self.change("tag", None, tag), self.change("name", None, name)))
        changes += shared[0]
        changes.append(self.change("serial_number", None, serial))
        changes += shared[1]
        s["tag"], s["name"], s["serial_number"] = tag, name, serial
        s["category"], s["model"] = order.category.id, order.model.id
        s["location"], s["supplier"], s["order_number"] = (
            order.site.store,
            order.supplier,
            order.number,
        )
        s["purchase_date"], s["purchase_cost"] = order.purchase_date, order.cost
        s["warranty_end"] = order.warranty_end
        s["owning_group"] = self.world.groups[order.category.spec.team]
        s["status"] = IN_STOCK
        for field_name, value in content.custom_values(self.order, self.rng).items():
            changes.append(v.custom_change(field_name, None, value))
            self.custom[field_name] = value
        answers = {
            "delivery_reference": order.delivery_note,
            "checklist.inspected": True,
            "checklist.contents_match": True,
            "checklist.labelled": rng.random() < 0.9,
        }
        self._procedure(ProcedureKind.RECEIVE, ts, changes, answers, reason="Delivery")

    def _receive_changes(self, order: Order) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The receive's changes every asset of ``order`` shares: before and after the serial
        number, in the order the receive form lists the fields (status last). They are the
        same objects for every asset of the order (:class:`SharedJson`: encoded once)."""

        def change(key: str, before: Any, after: Any) -> dict[str, Any]:
            return SharedJson(self.change(key, before, after))

        before = [
            change("category", None, order.category.id),
            change("model", None, order.model.id),
        ]
        after = [
            change("location", None, order.site.store),
            change("supplier", None, order.supplier),
            change("order_number", None, order.number),
            change("purchase_date", None, order.purchase_date),
            change("purchase_cost", None, order.cost),
            change("warranty_end", None, order.warranty_end),
            change("owning_group", None, self.world.groups[order.category.spec.team]),
            change("status", None, IN_STOCK),
        ]
        return before, after

    def _install(self, ts: float) -> None:
        rng, spec = self.rng, self.order.category.spec
        values: list[tuple[str, Any]] = [("location", self._room())]
        if spec.personal:
            values.append(("assigned_to", rng.choice(self.world.employees)))
        answers: dict[str, Any] = {}
        if spec.name in ("Laptop", "Desktop") or not spec.personal:
            answers["hostname"] = self._hostname(self.s["tag"])
        answers |= {
            "checklist.powers_on": True,
            "checklist.handover": True,
            "checklist.management": rng.random() < 0.85,
        }
        reason = "New starter" if spec.personal else "New installation"
        self._step(
            ProcedureKind.INSTALL, ts, values, IN_SERVICE, answers, reason, v.ticket(rng, "RITM")
        )

    def _middle(self, ts: float) -> None:
        rng, spec = self.rng, self.order.category.spec
        roll = rng.random()
        if spec.personal and roll < 0.38:
            values: list[tuple[str, Any]] = []
            if rng.random() < 0.4:
                values.append(("location", self._room()))
            values.append(("assigned_to", rng.choice(self.world.employees)))
            self._change(
                ts, values, None, "Reassignment", rng.choice(content.REASSIGN_REASONS), "RITM"
            )
        elif roll < 0.62:
            self._change(
                ts,
                [("location", self._room())],
                None,
                "Move",
                rng.choice(content.MOVE_REASONS),
                "RITM",
            )
        elif roll < 0.82:
            back = self.s["location"]
            fault, fix = rng.choice(content.FAULTS)
            self._repair_start(ts, fault)
            done = self.clock + (1 + 20 * rng.random()) * v.DAY
            when = v.as_datetime(done).date().isoformat()
            notes = (self.s["notes"] + f"\n{when}: {fix}").strip()
            self._change(
                done,
                [("location", back), ("notes", notes)],
                IN_SERVICE,
                "Repair",
                f"Repaired: {fix}",
                "INC",
            )
        elif roll < 0.93 and not self._upgrade(ts):
            self._change(
                ts,
                [("location", self._room())],
                None,
                "Move",
                rng.choice(content.MOVE_REASONS),
                "RITM",
            )
        elif roll >= 0.93:
            extended = self.s["warranty_end"] + dt.timedelta(days=365 * rng.choice((1, 2)))
            reason = f"Warranty extended (care pack {v.digits(rng, 10)})"
            self._change(
                ts, [("warranty_end", extended)], None, "Record correction", reason, "RITM"
            )

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
        self._change(ts, [], None, "Upgrade", reason, "CHG", custom=changes)
        return True

    def _repair_start(self, ts: float, fault: str | None = None) -> None:
        fault = fault or self.rng.choice(content.FAULTS)[0]
        values = [("location", self.order.site.workshop)]
        self._change(ts, values, IN_REPAIR, "Repair", fault, "INC")

    def _return_to_stock(self, ts: float) -> None:
        values: list[tuple[str, Any]] = [("location", self.order.site.store)]
        if self.s["assigned_to"] is not None:
            values.append(("assigned_to", None))
        reason = self.rng.choice(content.RETURN_REASONS)
        self._change(ts, values, IN_STOCK, "Reassignment", reason, "RITM")

    def _missing(self, ts: float) -> None:
        year = v.as_datetime(ts).year
        answers = {"audit_reference": f"Annual inventory audit {year} ({self.order.site.code})"}
        self._step(
            ProcedureKind.AUDIT_CORRECTION,
            ts,
            [],
            MISSING,
            answers,
            "Not found during the annual audit",
            "",
        )

    def _decommission(self, ts: float) -> None:
        rng, spec = self.rng, self.order.category.spec
        method = (
            content.SANITISATION.get(spec.name, "No data-bearing media")
            if spec.data_bearing
            else "No data-bearing media"
        )
        answers: dict[str, Any] = {
            "sanitisation_method": method,
            "evidence_reference": f"BLANCCO-{v.as_datetime(ts).year}-{v.digits(rng, 6)}",
        }
        if spec.data_bearing and rng.random() < 0.5:
            answers["storage_serials"] = f"S6B0NL0T{v.digits(rng, 6)}"
        answers |= {
            "checklist.accounts_removed": True,
            "checklist.licences_released": rng.random() < 0.8,
        }
        values = [("location", self.order.site.store)]
        reason = rng.choice(content.DECOMMISSION_REASONS)
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

    def _dispose_answers(self, ts: float) -> dict[str, Any]:
        method, recipient, code = self.rng.choice(content.DISPOSALS)
        return {
            "disposal_method": method,
            "certificate_number": f"{code}-{v.as_datetime(ts).year}-{v.digits(self.rng, 6)}",
            "recipient": recipient,
            "checklist.labels_removed": True,
        }

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
            answers = {
                "change_type": "Move",
                "checklist.user_informed": True,
                "checklist.tested": False,
            }
            answers |= {"impact": "high", "likelihood": "medium"}
            self._step(
                ProcedureKind.CHANGE,
                ts,
                [("location", target)],
                None,
                answers,
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
            spec = self.order.category.spec
            method = (
                content.SANITISATION.get(spec.name, "No data-bearing media")
                if spec.data_bearing
                else "No data-bearing media"
            )
            answers = {
                "sanitisation_method": method,
                "evidence_reference": f"BLANCCO-{v.as_datetime(ts).year}-{v.digits(rng, 6)}",
                "checklist.accounts_removed": True,
                "checklist.licences_released": True,
            }
            self._step(
                ProcedureKind.DECOMMISSION,
                ts,
                [("location", self.order.site.store)],
                DECOMMISSIONED,
                answers,
                "Beyond economical repair",
                v.ticket(rng, "CHG"),
                approvals=2,
                pending=given,
            )
        self.pending += 1

    # -- recording -------------------------------------------------------------------

    def _change(
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
        rng = self.rng
        answers: dict[str, Any] = {
            "change_type": change_type,
            "checklist.user_informed": rng.random() < 0.9,
            "checklist.tested": rng.random() < 0.7,
        }
        risk = None
        if rng.random() < 0.3:
            impact, likelihood = rng.choice(_LOW_RISKS)
            answers |= {"impact": impact, "likelihood": likelihood}
            risk = "medium" if _RISK_SCORE[impact] * _RISK_SCORE[likelihood] >= 3 else "low"
        ticket = v.ticket(rng, ticket_kind)
        self._step(
            ProcedureKind.CHANGE,
            ts,
            values,
            status,
            answers,
            reason,
            ticket,
            custom=custom,
            risk=risk,
        )

    def _step(
        self,
        kind: ProcedureKind,
        ts: float,
        values: list[tuple[str, Any]],
        status: str | None,
        answers: dict[str, Any],
        reason: str,
        ticket: str,
        *,
        custom: dict[str, Any] | None = None,
        approvals: int = 0,
        pending: int | None = None,
        risk: str | None = None,
    ) -> None:
        """Record one procedure after the receive; ``pending`` = approvals already given."""
        s, change = self.s, self.change
        changes = [change(key, s[key], value) for key, value in values if s[key] != value]
        if status is not None and status != s["status"]:
            changes.append(change("status", s["status"], status))
        for name, value in (custom or {}).items():
            changes.append(v.custom_change(name, self.custom.get(name), value))
        self._procedure(
            kind,
            ts,
            changes,
            answers,
            reason=reason,
            ticket=ticket,
            approvals=approvals,
            pending=pending,
            risk=risk,
        )
        if pending is None:
            for key, value in values:
                s[key] = value
            if status is not None:
                s["status"] = status
            self.custom.update(custom or {})

    def _procedure(
        self,
        kind: ProcedureKind,
        ts: float,
        changes: list[dict[str, Any]],
        answers: dict[str, Any],
        *,
        reason: str,
        ticket: str = "",
        approvals: int = 0,
        pending: int | None = None,
        risk: str | None = None,
    ) -> None:
        rng = self.rng
        ts = self._at(ts)
        performer = rng.choice(self.world.technicians[self.team])
        at = v.as_datetime(ts)
        procedure_id = self.new_id()
        kind_value, template_id, template_version = self.kinds[kind]
        row = {
            "id": procedure_id,
            "asset_id": self.asset_id,
            "kind": kind_value,
            "state": "completed",
            "template_id": template_id,
            "template_version": template_version,
            "performed_by_id": performer,
            "performed_at": at,
            "ticket_ref": ticket,
            "reason": reason,
            "answers": answers,
            "changes": changes,
            "origin": "demo",
            "origin_detail": self.origin_detail,
            "risk_level": risk,
            "approvals_required": approvals,
            "asset_version": self.version if approvals else None,
            "completed_at": at,
            "note": "",
            "version": 1,
            "created_at": at,
            "updated_at": at,
        }
        decisions = approvals if pending is None else pending
        decided = ts
        # (sample() costs an ABC check per call even for none; none draws no numbers)
        approvers = rng.sample(self.world.approvers_for[performer], decisions) if decisions else []
        for approver in approvers:
            room = max(self.limit - decided, 60.0)
            decided += min((0.5 + 40 * rng.random()) * 3600, room * 0.3)
            self.rows.approvals.append(
                {
                    "id": self.new_id(),
                    "procedure_id": procedure_id,
                    "approver_id": approver,
                    "decision": "approve",
                    "comment": rng.choice(content.APPROVAL_COMMENTS),
                    "decided_at": v.as_datetime(decided),
                    "approver_groups": self._groups_of(approver),
                }
            )
        self.approvals += len(approvers)
        if approvers:
            row["version"] = 1 + len(approvers)
            row["updated_at"] = v.as_datetime(decided)
        if pending is not None:
            row["state"] = "pending_approval"
            row["completed_at"] = None
        else:
            if approvers:
                row["completed_at"] = row["updated_at"]
            self.clock = decided
            self.version += 1
        self.rows.procedures.append(row)
        self.procedures += 1

    def _groups_of(self, approver: uuid.UUID) -> list[dict[str, Any]]:
        """The approver's groups as an approval records them (its items shared)."""
        groups = self.group_docs.get(approver)
        if groups is None:
            groups = self.group_docs[approver] = [
                SharedJson(id=gid, name=name) for gid, name in self.world.group_names_of[approver]
            ]
        return JsonParts(groups)

    def _at(self, proposal: float) -> float:
        """A working-hours time after the previous step and before the limit."""
        rng = self.rng
        low, high = self.clock + 300.0, self.limit
        if self.exact:
            self.exact = False
            self.clock = proposal
            return proposal
        ts = v.working_time(rng, proposal) if proposal > low else proposal
        if ts < low:
            ts = low + rng.random() * min(3 * 3600.0, max(high - low, 0.0) * 0.1)
        if ts > high:
            ts = low + max(high - low, 0.0) * 0.2 * rng.random()
        self.clock = ts
        return ts

    def _write_asset(self, created: float, updated: float) -> None:
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
                last_audited = v.as_datetime(v.working_time(rng, audited))
                if last_audited.timestamp() > self.now_ts:
                    last_audited = None
        elif status in (DECOMMISSIONED, DISPOSED, MISSING) and rng.random() < 0.5:
            audited = created + (updated - created) * 0.6 * rng.random()
            last_audited = v.as_datetime(audited)
        self.rows.assets.append(
            {
                "id": self.asset_id,
                "tag": s["tag"],
                "tag_key": normalize_tag(s["tag"]),
                "name": s["name"],
                "category_id": s["category"],
                "model_id": s["model"],
                "serial_number": s["serial_number"],
                "status": status,
                "location_id": s["location"],
                "assigned_to_id": s["assigned_to"],
                "owning_group_id": s["owning_group"],
                "purchase_date": s["purchase_date"],
                "purchase_cost": s["purchase_cost"],
                "order_number": s["order_number"],
                "supplier_id": s["supplier"],
                "warranty_end": s["warranty_end"],
                "custom_fields": dict(self.custom),
                "notes": s["notes"],
                "last_audited_at": last_audited,
                "version": self.version,
                "created_at": v.as_datetime(created),
                "updated_at": v.as_datetime(updated),
            }
        )
        self.statuses[status] += 1
        if status == IN_SERVICE:
            self._sample(ServiceAsset(self.asset_id, spec.name, spec.team, s["assigned_to"]))

    def _sample(self, asset: ServiceAsset) -> None:
        """Keep a uniform sample of in-service assets (reservoir sampling)."""
        self.in_service_seen += 1
        if len(self.in_service) < self.sample_size:
            self.in_service.append(asset)
            return
        slot = self.rng.randrange(self.in_service_seen)
        if slot < self.sample_size:
            self.in_service[slot] = asset

    # -- values ----------------------------------------------------------------------

    def _room(self) -> uuid.UUID:
        spec, site = self.order.category.spec, self.order.site
        rooms: list[uuid.UUID] = []
        for kind in PLACEMENT_ROOMS[spec.placement]:
            rooms.extend(site.rooms.get(kind, ()))
        if not rooms:
            rooms = [site.store]
        current = self.s["location"]
        room = self.rng.choice(rooms)
        if room == current and len(rooms) > 1:
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
_RISK_SCORE = {"low": 1, "medium": 2, "high": 3}
_LOW_RISKS = (
    ("low", "low"),
    ("low", "medium"),
    ("medium", "low"),
    ("medium", "medium"),
    ("high", "low"),
)
