"""What a closed audit's reconciliation does to the register — always through procedures.

- **moves**: every misplaced asset gets an *audit correction* procedure that sets its
  location to the room it was found in (recorded with ``record_in_session``, so the
  template's approval rule applies: a pending procedure leaves the asset unchanged);
- **missing**: every expected asset that was not found gets an audit correction that
  sets its status to *missing*;
- **audited**: every asset found (here or misplaced) gets its "last audited" time set to
  the moment it was scanned;
- unknown tags are received as new assets (:func:`receive_unknown_tags`), in the room
  where they were scanned, with the category the user chooses.

"Last audited" is not a field any procedure form may set (see
``desktop.domain.fields.EDITABLE_FIELD_KEYS``), so :func:`record_audited_in_session` is the
one documented path that sets it: it writes the asset's ``last_audited_at`` and a completed
*audit correction* procedure holding that before → after change, in the caller's
transaction. Recording that an audit saw an asset changes nothing about the asset itself,
so it never waits for approval. ``record_in_session`` is left as it is.

Actions run on closed audits only (their result can no longer change), each call in one
transaction (all or nothing), and may be repeated: what was already done is skipped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import (
    ACTIVE_STATUSES,
    AssetStatus,
    Origin,
    ProcedureKind,
    ProcedureState,
)
from desktop.domain.permissions import Work
from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError, Problem, ValidationError
from desktop.services.audit_tally import Reconciliation, ReconciliationItem, reconcile
from desktop.services.audits import AUDIT_CLOSED, get_audit
from desktop.services.permissions import require
from desktop.services.procedures import (
    FieldChange,
    ProcedureOutcome,
    ProcedureRequest,
    record_in_session,
)
from desktop.services.templates import TemplateRef, current_template
from desktop.services.values import display_text, json_value
from desktop.storage.database import Database
from desktop.storage.models import Asset, Audit, Person, Procedure
from desktop.storage.types import utcnow

_CHUNK = 500


class AuditAction(StrEnum):
    MOVES = "moves"
    MISSING = "missing"
    AUDITED = "audited"

    @property
    def label(self) -> str:
        return {
            AuditAction.MOVES: "Record the moves of misplaced assets",
            AuditAction.MISSING: "Mark missing assets as missing",
            AuditAction.AUDITED: "Set “last audited” on everything found",
        }[self]


def parse_actions(text: str) -> list[AuditAction]:
    """``"moves,missing"`` → the actions; an unknown word is named."""
    actions = []
    for word in (w.strip().lower() for w in text.split(",")):
        if not word:
            continue
        try:
            actions.append(AuditAction(word))
        except ValueError:
            known = ", ".join(a.value for a in AuditAction)
            raise ValidationError(
                Problem("apply", f"'{word}' is not an audit action (choose from {known})")
            ) from None
    return actions


@dataclass(frozen=True)
class ActionOutcome:
    """What one action did: procedures recorded, pending approval, and what it skipped."""

    action: AuditAction
    recorded: int = 0
    pending_approval: int = 0
    skipped: tuple[str, ...] = field(default_factory=tuple)


def apply_audit_actions(
    db: Database,
    *,
    audit_id: uuid.UUID,
    actions: Iterable[AuditAction],
    performed_by: str,
    asset_ids: Collection[uuid.UUID] | None = None,
) -> list[ActionOutcome]:
    """Apply the reconciliation's actions (optionally only to some assets), all or nothing."""
    with db.write() as session:
        audit = get_audit(session, audit_id)
        if audit.status != AUDIT_CLOSED:
            raise DesktopError(f"close the audit '{audit.name}' first: its result may still change")
        actor = require(session, performed_by, Work.AUDIT)
        result = reconcile(session, audit_id)

        def chosen(items: Sequence[ReconciliationItem]) -> list[ReconciliationItem]:
            return [i for i in items if asset_ids is None or i.asset_id in asset_ids]

        outcomes = []
        for action in dict.fromkeys(actions):
            if action is AuditAction.MOVES:
                outcomes.append(_moves(session, audit, actor, chosen(result.misplaced)))
            elif action is AuditAction.MISSING:
                outcomes.append(_missing(session, audit, actor, chosen(result.missing)))
            else:
                found = chosen(result.found) + chosen(result.misplaced)
                outcomes.append(_audited(session, audit, actor, found))
        return outcomes


def _request(
    audit: Audit,
    actor: Person,
    asset_id: uuid.UUID,
    *,
    values: Mapping[str, object],
    reason: str,
) -> ProcedureRequest:
    return ProcedureRequest(
        kind=ProcedureKind.AUDIT_CORRECTION,
        performed_by=actor.username,
        asset_id=asset_id,
        values=values,
        answers={"audit_reference": audit.name[:200]},
        reason=reason,
        origin=Origin.AUDIT,
        origin_detail=f"audit {audit.id} ({audit.name})"[:500],
    )


def _assets(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Asset]:
    found: dict[uuid.UUID, Asset] = {}
    for start in range(0, len(ids), _CHUNK):
        for asset in session.execute(
            select(Asset).where(Asset.id.in_(ids[start : start + _CHUNK]))
        ).scalars():
            found[asset.id] = asset
    return found


def _count(
    action: AuditAction, outcomes: list[ProcedureOutcome], skipped: list[str]
) -> ActionOutcome:
    pending = sum(o.state is ProcedureState.PENDING_APPROVAL for o in outcomes)
    return ActionOutcome(action, len(outcomes) - pending, pending, tuple(skipped))


def _moves(
    session: Session, audit: Audit, actor: Person, items: list[ReconciliationItem]
) -> ActionOutcome:
    assets = _assets(session, [i.asset_id for i in items if i.asset_id])
    outcomes, skipped = [], []
    for item in items:
        asset = assets.get(item.asset_id) if item.asset_id else None
        if asset is None or item.room_id is None:
            continue
        if asset.location_id == item.room_id:
            skipped.append(f"{asset.tag} is already recorded in {item.room}")
            continue
        if asset.status not in {s.value for s in ACTIVE_STATUSES | {AssetStatus.MISSING}}:
            skipped.append(f"{asset.tag} is {AssetStatus(asset.status).label.lower()}")
            continue
        outcomes.append(
            record_in_session(
                session,
                _request(
                    audit,
                    actor,
                    asset.id,
                    values={"location": item.room_id},
                    reason=f"found in {item.room} during the audit '{audit.name}' "
                    f"(expected in {item.expected_location or 'no location'})",
                ),
            )
        )
    return _count(AuditAction.MOVES, outcomes, skipped)


def _missing(
    session: Session, audit: Audit, actor: Person, items: list[ReconciliationItem]
) -> ActionOutcome:
    assets = _assets(session, [i.asset_id for i in items if i.asset_id])
    outcomes, skipped = [], []
    for item in items:
        asset = assets.get(item.asset_id) if item.asset_id else None
        if asset is None:
            continue
        if asset.status not in {s.value for s in ACTIVE_STATUSES}:
            skipped.append(f"{asset.tag} is {AssetStatus(asset.status).label.lower()} now")
            continue
        outcomes.append(
            record_in_session(
                session,
                _request(
                    audit,
                    actor,
                    asset.id,
                    values={"status": AssetStatus.MISSING.value},
                    reason=f"not found during the audit '{audit.name}' "
                    f"(expected in {item.expected_location or 'no location'})",
                ),
            )
        )
    return _count(AuditAction.MISSING, outcomes, skipped)


def _audited(
    session: Session, audit: Audit, actor: Person, items: list[ReconciliationItem]
) -> ActionOutcome:
    assets = _assets(session, [i.asset_id for i in items if i.asset_id])
    templates: dict[uuid.UUID, TemplateRef] = {}
    recorded, skipped = 0, []
    for item in items:
        asset = assets.get(item.asset_id) if item.asset_id else None
        if asset is None or item.scanned_at is None:
            continue
        if asset.last_audited_at is not None and asset.last_audited_at >= item.scanned_at:
            skipped.append(f"{asset.tag} was already marked audited")
            continue
        if asset.status == AssetStatus.MISSING.value:
            # Found after all: back in stock first (an ordinary audit correction).
            record_in_session(
                session,
                _request(
                    audit,
                    actor,
                    asset.id,
                    values={"status": AssetStatus.IN_STOCK.value},
                    reason=f"recorded as missing, found during the audit '{audit.name}'",
                ),
            )
        if asset.category_id not in templates:
            templates[asset.category_id] = current_template(
                session, ProcedureKind.AUDIT_CORRECTION, asset.category_id
            )
        record_audited_in_session(
            session,
            asset=asset,
            audited_at=item.scanned_at,
            performed_by=actor,
            audit=audit,
            template=templates[asset.category_id],
        )
        recorded += 1
    return ActionOutcome(AuditAction.AUDITED, recorded, 0, tuple(skipped))


def record_audited_in_session(
    session: Session,
    *,
    asset: Asset,
    audited_at: dt.datetime,
    performed_by: Person,
    audit: Audit,
    template: TemplateRef | None = None,
) -> Procedure:
    """Set ``asset.last_audited_at`` and record it as a completed audit correction.

    The one path that writes "last audited" (the procedure forms cannot): the procedure
    carries the before → after of ``last_audited_at`` like any other change, so the
    asset's history shows when and by which audit it was seen.
    """
    template = template or current_template(
        session, ProcedureKind.AUDIT_CORRECTION, asset.category_id
    )
    before = asset.last_audited_at
    change = FieldChange(
        "last_audited_at",
        json_value(before),
        json_value(audited_at),
        display_text(session, "last_audited_at", before),
        display_text(session, "last_audited_at", audited_at),
    )
    asset.last_audited_at = audited_at
    now = utcnow()
    procedure = Procedure(
        asset_id=asset.id,
        kind=ProcedureKind.AUDIT_CORRECTION.value,
        state=ProcedureState.COMPLETED.value,
        template_id=template.id,
        template_version=template.version,
        performed_by_id=performed_by.id,
        performed_at=now,
        reason=f"seen during the audit '{audit.name}'",
        answers={"audit_reference": audit.name[:200]},
        changes=[change.as_json()],
        origin=Origin.AUDIT.value,
        origin_detail=f"audit {audit.id} ({audit.name})"[:500],
        approvals_required=0,
        completed_at=now,
    )
    session.add(procedure)
    return procedure


def receive_unknown_tags(
    db: Database,
    *,
    audit_id: uuid.UUID,
    tags: Sequence[str],
    category_id: uuid.UUID,
    performed_by: str,
    checklist: Mapping[str, bool],
    name: str = "",
) -> list[ProcedureOutcome]:
    """Receive unknown tags of a closed audit as new assets, in the room they were scanned in.

    ``checklist`` answers the receive form's checklist (the person confirms they inspected
    the devices). All or nothing.
    """
    with db.write() as session:
        audit = get_audit(session, audit_id)
        if audit.status != AUDIT_CLOSED:
            raise DesktopError(f"close the audit '{audit.name}' first: its result may still change")
        result: Reconciliation = reconcile(session, audit_id)
        unknown = {normalize_tag(i.tag): i for i in result.unknown}
        outcomes = []
        for tag in tags:
            item = unknown.get(normalize_tag(tag))
            if item is None:
                raise ValidationError(
                    Problem("tag", f"'{tag}' is not an unknown tag of the audit '{audit.name}'")
                )
            if item.room_id is None:
                raise ValidationError(
                    Problem(
                        "location",
                        f"'{item.tag}' was scanned without a room: receive it from the "
                        "main window and say where it is",
                    )
                )
            outcomes.append(
                record_in_session(
                    session,
                    ProcedureRequest(
                        kind=ProcedureKind.RECEIVE,
                        performed_by=performed_by,
                        values={
                            "tag": item.tag,
                            "name": name.strip() or f"Found during audit: {item.tag}",
                            "category": category_id,
                            "location": item.room_id,
                        },
                        checklist=checklist,
                        reason=f"unknown tag found in {item.room} during the audit '{audit.name}'",
                        origin=Origin.AUDIT,
                        origin_detail=f"audit {audit.id} ({audit.name})"[:500],
                    ),
                )
            )
        return outcomes
