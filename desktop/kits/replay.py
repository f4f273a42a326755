"""Replaying one record of a kit's journal on the server through its service.

Each kind of record (procedure, withdrawal, scan, incident, incident note or move,
audit started or closed offline) is replayed under the rules of the service that records
it online, with the id it was given on the laptop, in a savepoint of its own: a refused
record rolls back alone and goes to the conflict queue (:class:`ReplayBatch`). A record
whose id is already on the server is "already applied".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from sqlalchemy import select

from desktop.domain.fields import CUSTOM_PREFIX, field_label
from desktop.domain.incidents import TEMPLATE_KEY, IncidentStatus
from desktop.domain.lifecycle import (
    ProcedureKind,
    ProcedureState,
)
from desktop.errors import DesktopError, ValidationError
from desktop.kits.model import (
    FieldDifference,
    KitError,
    Outcome,
)
from desktop.kits.replay_batch import ReplayBatch
from desktop.kits.replay_rules import (
    Base,
    Entry,
    Rebase,
    Replayed,
    already_queued,
    compare_with_server,
    procedure_payload,
    rebase_reason,
    replay_note,
    request_from_payload,
    scan_summary,
)
from desktop.kits.schema import (
    base_values,
)
from desktop.services import audit_scans
from desktop.services.approvals import withdraw_in_session
from desktop.services.audit_scan_types import ScanKind
from desktop.services.audits import (
    close_audit_in_session,
    start_audit_in_session,
)
from desktop.services.incidents import (
    IncidentRequest,
    add_note_in_session,
    log_in_session,
    move_incident_in_session,
)
from desktop.services.procedures import record_in_session
from desktop.services.values import display_text
from desktop.storage.models import (
    Asset,
    Audit,
    AuditScan,
    Incident,
    IncidentAsset,
    IncidentEvent,
    KitConflict,
    Procedure,
)
from desktop.storage.types import utcnow
from desktop.wording import plural


class _Replayer(ReplayBatch):
    def replay(self, entry: Entry) -> Replayed:
        if self.prefetched:
            queued = self.queued.get(entry.entry_id)
        else:
            found = self.session.execute(
                select(KitConflict.id, KitConflict.number).where(
                    KitConflict.entry_id == entry.entry_id
                )
            ).first()
            queued = None if found is None else (found.id, found.number)
        if queued is not None:
            return already_queued(entry, queued)
        handler = {
            "procedure": self._procedure,
            "withdrawal": self._withdrawal,
            "scan": self._scan,
            "incident": self._incident,
            "audit": self._audit_start,
            "audit close": self._audit_close,
            "incident event": self._incident_event,
        }.get(entry.record, self._not_replayed)
        return handler(entry)

    # -- procedures

    def _procedure(self, entry: Entry) -> Replayed:
        procedure = self.kit.get(Procedure, entry.row_id)
        if procedure is None:
            raise KitError(f"the kit's journal names procedure {entry.row_id}, which it lacks")
        kind = ProcedureKind(procedure.kind)
        performer = self._username(procedure.performed_by_id)
        kit_asset = self.kit.get(Asset, procedure.asset_id)
        tag = kit_asset.tag if kit_asset is not None else ""
        summary = f"{kind.label} {tag} by {performer} at {procedure.performed_at:%Y-%m-%d %H:%M}"
        if self._on_server(Procedure, procedure.id):
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        payload = procedure_payload(procedure, performer)
        # Prefetched (and locked) for the batch; the identity map holds what earlier
        # records of the batch made of it.
        asset = self.session.get(Asset, procedure.asset_id, populate_existing=not self.prefetched)
        common: dict[str, Any] = {
            "summary": summary,
            "performed_by_id": procedure.performed_by_id,
            "performed_at": procedure.performed_at,
            "procedure_kind": kind.value,
            "asset_id": procedure.asset_id,
            "asset_tag": tag,
            "payload": payload,
        }
        if kind is not ProcedureKind.RECEIVE and asset is None:
            return self._queue(
                entry,
                reasons=[
                    f"the asset {tag} is not on the server (it was received offline and "
                    "that receipt is itself in the conflict queue, or it was removed)"
                ],
                **common,
            )
        base = self.bases.get(procedure.asset_id)
        rebase = Rebase(None, [])
        # Custom fields are titled as the asset's category names them ("RAM (GB)").
        titles = partial(
            self.custom_titles,
            asset.category_id if asset is not None else getattr(kit_asset, "category_id", None),
        )
        if asset is not None:
            now_values = base_values(asset)
            rebase = compare_with_server(procedure.changes, base, now_values, asset.version, titles)
            if rebase.conflicting:
                differences = [
                    self._difference(str(c["field"]), base, now_values, c, titles())
                    for c in rebase.conflicting
                ]
                return self._queue(
                    entry,
                    reasons=[
                        self._conflict_reason(d, c)
                        for d, c in zip(differences, rebase.conflicting, strict=True)
                    ],
                    fields=differences,
                    **common,
                )
        merged_from = rebase.merged_from
        version_now = asset.version if asset is not None else None
        note = replay_note(self.info, performer, self.by_user, rebase, version_now)
        request = request_from_payload(
            payload,
            performed_by=performer,
            procedure_id=procedure.id,
            asset_id=procedure.asset_id,
            note=note,
            origin_detail=f"field kit {self.info.kit_id}; recorded by {procedure.origin}",
            performed_at=procedure.performed_at,
        )
        try:
            with self._attempt():
                outcome = record_in_session(self.session, request)
        except DesktopError as problem:
            fields: list[FieldDifference] = []
            if isinstance(problem, ValidationError):
                reasons = [f"{_named(p.field, titles)}: {p.message}" for p in problem.problems]
                if "tag" in problem.fields() and asset is None:
                    fields = [
                        FieldDifference(
                            "tag", "Tag", None, "taken by another asset", tag, "", "taken", tag
                        )
                    ]
            else:
                reasons = [problem.message]
            return self._queue(entry, reasons=reasons, fields=fields, **common)
        if outcome.state is ProcedureState.PENDING_APPROVAL:
            return Replayed(
                self._result(
                    entry,
                    summary,
                    Outcome.PENDING_APPROVAL,
                    f"waits for {plural(outcome.approvals_required, 'approval')} on the server",
                )
            )
        new_asset = self.session.get(Asset, outcome.asset_id)
        assert new_asset is not None
        outcome_kind = Outcome.MERGED if merged_from is not None else Outcome.APPLIED
        return Replayed(
            self._result(entry, summary, outcome_kind, rebase_reason(rebase, version_now)),
            asset_id=outcome.asset_id,
            server_version=new_asset.version,
            values=base_values(new_asset),
        )

    def _difference(
        self,
        key: str,
        base: Base | None,
        now_values: Mapping[str, Any],
        change: Mapping[str, Any],
        titles: Mapping[str, str],
    ) -> FieldDifference:
        base_value = base.values.get(key) if base is not None else change.get("before")
        server_value = now_values.get(key)
        kit_value = change.get("after")
        return FieldDifference(
            field=key,
            label=field_label(key, titles),
            base=base_value,
            server=server_value,
            kit=kit_value,
            base_text=self._text(key, base_value),
            server_text=self._text(key, server_value),
            kit_text=str(change.get("after_text", "")) or self._text(key, kit_value),
        )

    def _conflict_reason(self, difference: FieldDifference, change: Mapping[str, Any]) -> str:
        """Why a field conflicts. The server may not have changed it at all: when it still
        holds the value of the checkout, the kit's procedure built on a value an earlier
        procedure of the kit set, which the server never got (that one waits in the
        conflict queue, or was settled by taking the server's)."""
        d = difference
        if d.server == d.base and change.get("before") != d.base:
            before = str(change.get("before_text", "")) or self._text(d.field, change.get("before"))
            return (
                f"an earlier procedure of the kit set {d.label} to {_quoted(before)}, which "
                f"the server does not have (it was not applied: see the conflict queue); the "
                f"server still has {_quoted(d.server_text)}, as at checkout (the kit set "
                f"{_quoted(d.kit_text)})"
            )
        return (
            f"the server changed {d.label} to {_quoted(d.server_text)} meanwhile "
            f"(it was {_quoted(d.base_text)}; the kit set {_quoted(d.kit_text)})"
        )

    def _text(self, key: str, value: object) -> str:
        try:  # a custom yes/no field reads "yes", as in the history, not "True"
            return display_text(self.session, key, value)
        except (ValueError, DesktopError):
            return str(value)

    # -- withdrawals

    def _withdrawal(self, entry: Entry) -> Replayed:
        procedure = self.kit.get(Procedure, entry.row_id)
        if procedure is None:
            raise KitError(f"the kit's journal names procedure {entry.row_id}, which it lacks")
        performer = self._username(procedure.performed_by_id)
        summary = f"Withdrawal of {procedure.kind} {procedure.id} by {performer}"
        server_procedure = self.session.get(Procedure, procedure.id, populate_existing=True)
        common: dict[str, Any] = {
            "summary": summary,
            "performed_by_id": procedure.performed_by_id,
            "performed_at": procedure.completed_at or procedure.performed_at,
            "procedure_kind": procedure.kind,
            "asset_id": procedure.asset_id,
        }
        if server_procedure is None:
            return self._queue(
                entry,
                reasons=["the procedure withdrawn is not on the server (it is in conflict)"],
                **common,
            )
        if server_procedure.state == ProcedureState.CANCELLED.value:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        reason = procedure.note.split(":", 1)[1].strip() if ":" in procedure.note else ""
        return self._replay(
            entry,
            lambda: withdraw_in_session(
                self.session, procedure_id=procedure.id, requester=performer, reason=reason
            ),
            **common,
        )

    # -- scans

    def _scan(self, entry: Entry) -> Replayed:
        scan = self.kit.get(AuditScan, entry.row_id)
        if scan is None:
            raise KitError(f"the kit's journal names scan {entry.row_id}, which it lacks")
        scanner = self._username(scan.scanned_by_id)
        summary = scan_summary(scan, scanner)
        if self._on_server(AuditScan, scan.id):
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        kind = ScanKind(scan.kind)
        try:
            with self._attempt(), audit_scans.made_as(scan.id, scan.scanned_at):
                if kind is ScanKind.MANUAL:
                    assert scan.asset_id is not None
                    audit_scans.record_manual_find_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        asset_id=scan.asset_id,
                        reason=scan.reason,
                        scanned_by=scanner,
                        room_id=scan.location_id,
                    )
                elif kind is ScanKind.UNDO:
                    assert scan.undoes_scan_id is not None
                    audit_scans.undo_scan_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        undone_scan_id=scan.undoes_scan_id,
                        scanned_by=scanner,
                        room_id=scan.location_id,
                    )
                elif kind in (ScanKind.ROOM_CLOSED, ScanKind.ROOM_REOPEN):
                    assert scan.location_id is not None
                    audit_scans.set_room_finished_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        room_id=scan.location_id,
                        finished=kind is ScanKind.ROOM_CLOSED,
                        scanned_by=scanner,
                    )
                else:
                    audit_scans.record_scan_in_session(
                        self.session,
                        audit_id=scan.audit_id,
                        raw=scan.raw,
                        scanned_by=scanner,
                        room_id=scan.location_id if kind is ScanKind.ASSET else None,
                    )
        except DesktopError as problem:
            return self._queue(
                entry,
                summary=summary,
                reasons=[problem.message],
                performed_by_id=scan.scanned_by_id,
                performed_at=scan.scanned_at,
                asset_id=scan.asset_id,
                payload={"audit_id": str(scan.audit_id), "raw": scan.raw, "kind": scan.kind},
            )
        return Replayed(self._result(entry, summary, Outcome.APPLIED))

    # -- incidents

    def _incident(self, entry: Entry) -> Replayed:
        incident = self.kit.get(Incident, entry.row_id)
        if incident is None:
            raise KitError(f"the kit's journal names incident {entry.row_id}, which it lacks")
        summary = f"Incident “{incident.title}” (kit number {incident.number})"
        there = self.session.get(Incident, incident.id)
        if there is not None:
            return Replayed(
                self._result(entry, summary, Outcome.ALREADY_APPLIED, server_number=there.number)
            )
        logged = self.kit.execute(
            select(IncidentEvent.person_id)
            .where(IncidentEvent.incident_id == incident.id)
            .order_by(IncidentEvent.at)
            .limit(1)
        ).scalar()
        tags = list(
            self.kit.execute(
                select(Asset.tag)
                .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
                .where(IncidentAsset.incident_id == incident.id)
            ).scalars()
        )
        request = IncidentRequest(
            logged_by=self._username(logged or incident.reported_by_id),
            asset_tags=tags,
            title=incident.title,
            description=incident.description,
            severity=incident.severity,
            routed_group=incident.routed_group_id,
            reported_by=incident.reported_by_id,
            answers={k: v for k, v in incident.answers.items() if k != TEMPLATE_KEY},
            incident_id=incident.id,
            reported_at=incident.reported_at,
        )
        try:
            with self._attempt():
                made = log_in_session(self.session, request)
        except DesktopError as problem:
            return self._queue(
                entry,
                summary=summary,
                reasons=[problem.message],
                performed_by_id=logged or incident.reported_by_id,
                performed_at=incident.reported_at,
                asset_tag=", ".join(tags),
                payload={"title": incident.title, "asset_tags": tags},
            )
        reason = (
            f"the kit's provisional number {incident.number} is number {made.number} on the server"
        )
        return Replayed(
            self._result(entry, summary, Outcome.APPLIED, reason, server_number=made.number)
        )

    # -- audits started offline

    def _audit_start(self, entry: Entry) -> Replayed:
        audit = self.kit.get(Audit, entry.row_id)
        if audit is None:
            raise KitError(f"the kit's journal names audit {entry.row_id}, which it lacks")
        starter = self._username(audit.started_by_id)
        summary = f"Audit “{audit.name}” started by {starter}"
        if self.session.get(Audit, audit.id) is not None:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        return self._replay(
            entry,
            lambda: start_audit_in_session(
                self.session,
                scope_location_id=audit.scope_location_id,
                started_by=starter,
                category_ids=[uuid.UUID(str(c)) for c in audit.category_ids or []],
                name=audit.name,
                audit_id=audit.id,
                started_at=audit.started_at,
            ),
            summary=summary,
            performed_by_id=audit.started_by_id,
            performed_at=audit.started_at,
            payload={"name": audit.name, "scope_location_id": str(audit.scope_location_id)},
        )

    # -- audits closed offline

    def _audit_close(self, entry: Entry) -> Replayed:
        audit = self.kit.get(Audit, entry.row_id)
        if audit is None:
            raise KitError(f"the kit's journal names audit {entry.row_id}, which it lacks")
        closer = self._username(audit.closed_by_id)
        summary = f"Audit “{audit.name}” closed by {closer}"
        there = self.session.get(Audit, audit.id, populate_existing=True)
        if (
            there is not None
            and there.status == audit.status
            and there.closed_by_id == (audit.closed_by_id)
        ):
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))

        def close() -> None:
            if there is None:
                raise KitError(f"the audit “{audit.name}” is not on the server")
            close_audit_in_session(
                self.session, audit_id=audit.id, closed_by=closer, closed_at=audit.closed_at
            )

        return self._replay(
            entry,
            close,
            summary=summary,
            performed_by_id=audit.closed_by_id,
            performed_at=audit.closed_at or utcnow(),
        )

    # -- incident notes

    def _incident_event(self, entry: Entry) -> Replayed:
        event = self.kit.get(IncidentEvent, entry.row_id)
        if event is None:
            raise KitError(f"the kit's journal names incident event {entry.row_id}, which it lacks")
        if event.from_status is not None or event.to_status is not None:
            return self._incident_move(entry, event)
        incident = self.kit.get(Incident, event.incident_id)
        author = self._username(event.person_id)
        summary = f"Note on incident “{incident.title if incident else ''}” by {author}"
        if self.session.get(IncidentEvent, event.id) is not None:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        there = self.session.get(Incident, event.incident_id)

        def add_note() -> None:
            if there is None:
                raise KitError("the incident is not on the server (it is in conflict)")
            add_note_in_session(
                self.session,
                number=there.number,
                by=author,
                note=event.note,
                event_id=event.id,
                at=event.at,
            )

        return self._replay(
            entry,
            add_note,
            summary=summary,
            performed_by_id=event.person_id,
            performed_at=event.at,
            payload={"note": event.note},
        )

    # -- incident status moves

    def _incident_move(self, entry: Entry, event: IncidentEvent) -> Replayed:
        incident = self.kit.get(Incident, event.incident_id)
        if incident is None:
            raise KitError(f"the kit's journal names incident {event.incident_id}, which it lacks")
        author = self._username(event.person_id)
        summary = (
            f"Incident “{incident.title}” moved from {event.from_status} to "
            f"{event.to_status} by {author}"
        )
        if self.session.get(IncidentEvent, event.id) is not None:
            return Replayed(self._result(entry, summary, Outcome.ALREADY_APPLIED))
        there = self.session.get(Incident, event.incident_id, populate_existing=True)
        common: dict[str, Any] = {
            "summary": summary,
            "performed_by_id": event.person_id,
            "performed_at": event.at,
            "payload": {
                "incident_id": str(incident.id),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
            },
        }
        if there is None:
            return self._queue(
                entry, reasons=["the incident is not on the server (it is in conflict)"], **common
            )
        target = str(event.to_status)
        # The kit's assignee (a move to "assigned" is made from "new", which has none:
        # the base). Status and assignee go to the queue field by field, never
        # last-writer-wins: a server that moved the incident, or assigned it to someone
        # else, since the kit's base keeps its values.
        kit_assignee = incident.assigned_to_id if target == "assigned" else None
        fields = [
            FieldDifference(
                "status",
                "Status",
                event.from_status,
                there.status,
                target,
                IncidentStatus(str(event.from_status)).label,
                IncidentStatus(there.status).label,
                IncidentStatus(target).label,
            )
        ]
        if target == "assigned":
            fields.append(
                FieldDifference(
                    "assigned_to",
                    "Assigned to",
                    None,
                    str(there.assigned_to_id) if there.assigned_to_id else None,
                    str(kit_assignee) if kit_assignee else None,
                    "",
                    self._text("assigned_to", there.assigned_to_id),
                    self._text("assigned_to", kit_assignee),
                )
            )
        reasons: list[str] = []
        if there.status != event.from_status:
            reasons.append(
                f"the server moved incident #{there.number} to {there.status} meanwhile "
                f"(the kit moved it from {event.from_status} to {event.to_status})"
            )
        if (
            target == "assigned"
            and there.assigned_to_id is not None
            and there.assigned_to_id != kit_assignee
        ):
            reasons.append(
                f"the server assigned incident #{there.number} to "
                f"{fields[-1].server_text} meanwhile (the kit assigned it to "
                f"{fields[-1].kit_text})"
            )
        # A later move of the incident made in the kit builds on the kit's earlier ones:
        # while one of those waits in the queue (queued in this run, also by a dry run,
        # or by an earlier sync and still open), this one waits with it.
        queued: set[uuid.UUID] = self.__dict__.setdefault("_incidents_queued", set())
        earlier = select(IncidentEvent.id).where(
            IncidentEvent.incident_id == incident.id,
            IncidentEvent.from_status.is_not(None),
            IncidentEvent.at < event.at,
        )
        earlier_ids = list(self.kit.execute(earlier).scalars())
        if earlier_ids and not reasons:
            blocking = (
                "in this sync"
                if incident.id in queued
                else self.session.execute(
                    select(KitConflict.number)
                    .where(KitConflict.record_id.in_(earlier_ids), KitConflict.resolution.is_(None))
                    .order_by(KitConflict.number)
                    .limit(1)
                ).scalar()
            )
            if blocking is not None:
                which = blocking if isinstance(blocking, str) else f"as conflict #{blocking}"
                reasons.append(
                    f"an earlier move of incident #{there.number} made in the kit waits in "
                    f"the queue ({which}): settle it first, then make this move on the server"
                )
        if reasons:
            queued.add(incident.id)
            return self._queue(entry, reasons=reasons, fields=fields, **common)
        fix = incident.fixed_by_procedure_id
        replayed = self._replay(
            entry,
            lambda: move_incident_in_session(
                self.session,
                number=there.number,
                to_status=target,
                by=author,
                assignee=kit_assignee,
                root_cause=incident.root_cause if target == "resolved" else "",
                resolution=incident.resolution if target == "resolved" else "",
                note=event.note,
                fixed_by_procedure=(
                    fix
                    if target == "resolved" and fix and there.fixed_by_procedure_id is None
                    else None
                ),
                event_id=event.id,
                at=event.at,
            ),
            **common,
        )
        if replayed.result.outcome is Outcome.CONFLICT:
            queued.add(incident.id)
        return replayed

    # -- what is not replayed

    def _not_replayed(self, entry: Entry) -> Replayed:
        words = f"a {entry.record} made offline"
        return self._queue(
            entry,
            summary=f"{entry.record.capitalize()} {entry.row_id}",
            reasons=[
                f"{words} is not replayed automatically: do it on the server (the record "
                "is kept here so that nothing is lost)"
            ],
            performed_by_id=None,
            performed_at=utcnow(),
        )


def _named(key: str, titles: Callable[[], Mapping[str, str]]) -> str:
    """A refused field as a reason names it: a custom field by its title ("RAM (GB)", not
    "custom.ram_gb"), any other by the key the service gave."""
    return field_label(key, titles()) if key.startswith(CUSTOM_PREFIX) else key


def _quoted(text: str) -> str:
    """A value in a conflict's reason: “Room A1”, or "empty" (not “”)."""
    return f"“{text}”" if text else "empty"
