"""Change approval with segregation of duties.

A procedure whose template asks for approval is stored as ``pending_approval`` by
:func:`desktop.services.procedures.record_in_session`; the asset is left as it is. This
module decides on it. The rules hold on every backend because they are checked here, in
the same transaction that records the decision:

* the approver holds the ``approver`` role and is active;
* the approver is not the person who performs the procedure, and shares no group with
  them (the policy: approval comes from outside the group that makes the change);
* the same person counts once (also a unique constraint on (procedure, approver));
* a rejection carries a comment;
* the approver's groups at decision time are stored with the decision.

When the last required approval arrives the procedure completes in the same transaction,
re-validated against the asset as it is now: if the asset moved on since the request, the
procedure becomes ``conflict`` and nothing is applied. The procedure row is locked while
deciding (``SELECT … FOR UPDATE``; SQLite serialises writers), and its version column
guards the update as well, so two approvers deciding at once never complete it twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.fields import custom_field_labels, field_label
from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.domain.permissions import Work, allowed
from desktop.errors import (
    DesktopError,
    FieldConflict,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ValidationError,
)
from desktop.services.people import acting_person, role_names
from desktop.services.procedures import apply_recorded_changes, check_recorded_changes
from desktop.storage.database import Database
from desktop.storage.kitfile import returned_note, session_is_kit
from desktop.storage.models import Approval, Asset, Category, Person, Procedure
from desktop.storage.types import utcnow

APPROVER_ROLE = "approver"
#: Shortest procedure id prefix accepted where a person types an id.
MIN_ID_PREFIX = 6


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True)
class DecisionOutcome:
    """What a decision did.

    Attributes:
        state: the procedure's state afterwards: still ``pending_approval`` (more
            approvals needed), ``completed`` (applied to the asset), ``rejected``, or
            ``conflict`` (the asset changed since the request; nothing was applied).
        approvals_given: approving decisions recorded so far, this one included.
        conflicts: for ``conflict``, the fields that moved on (yours = wanted, theirs = now).
        message: one sentence for the person who decided.
    """

    procedure_id: uuid.UUID
    asset_id: uuid.UUID
    asset_tag: str
    decision: Decision
    state: ProcedureState
    approvals_given: int
    approvals_required: int
    asset_version: int
    conflicts: tuple[FieldConflict, ...] = ()
    problems: tuple[Problem, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class WithdrawOutcome:
    procedure_id: uuid.UUID
    asset_tag: str
    state: ProcedureState


# -- deciding ---------------------------------------------------------------------------


def approve(
    db: Database, *, procedure_id: uuid.UUID | str, approver: str, comment: str = ""
) -> DecisionOutcome:
    """Record ``approver``'s approval; completes the procedure when it is the last needed."""
    with db.write() as session:
        return decide_in_session(
            session,
            procedure_id=procedure_id,
            approver=approver,
            decision=Decision.APPROVE,
            comment=comment,
        )


def reject(
    db: Database, *, procedure_id: uuid.UUID | str, approver: str, comment: str
) -> DecisionOutcome:
    """Record a rejection (a comment is required); the procedure ends as rejected."""
    with db.write() as session:
        return decide_in_session(
            session,
            procedure_id=procedure_id,
            approver=approver,
            decision=Decision.REJECT,
            comment=comment,
        )


#: Why nothing is decided in a field kit (the decision and the inbox's reason alike).
OFFLINE_APPROVAL = (
    "approvals are not given in a field kit: nobody approves offline, and nobody "
    "approves their own work. The procedure waits for an approver on the server "
    "once the kit is synced."
)


def decide_in_session(
    session: Session,
    *,
    procedure_id: uuid.UUID | str,
    approver: str,
    decision: Decision,
    comment: str = "",
) -> DecisionOutcome:
    """Validate and record one decision inside the caller's transaction."""
    if session_is_kit(session):
        raise PermissionDeniedError(OFFLINE_APPROVAL)
    person = acting_person(session, approver)
    procedure = _locked_procedure(session, procedure_id)
    asset = session.get(Asset, procedure.asset_id)
    assert asset is not None  # procedures.asset_id is a foreign key
    subject = f"the {procedure.kind} procedure on asset {asset.tag}"
    if procedure.state != ProcedureState.PENDING_APPROVAL:
        raise ValidationError(
            Problem("state", f"it is {_state_words(procedure.state)}, not waiting for approval"),
            subject=subject,
        )
    performer = session.get(Person, procedure.performed_by_id)
    assert performer is not None
    given = _decisions(session, procedure.id)
    if (reason := why_not_yours(person, performer, given)) is not None:
        raise PermissionDeniedError(f"{person.name} may not decide on {subject}: {reason}")
    comment = comment.strip()
    if decision is Decision.REJECT and not comment:
        raise ValidationError(
            Problem("comment", "a rejection needs a comment saying why"), subject=subject
        )

    now = utcnow()
    session.add(
        Approval(
            procedure_id=procedure.id,
            approver_id=person.id,
            decision=decision.value,
            comment=comment,
            decided_at=now,
            approver_groups=[
                {"id": str(g.id), "name": g.name} for g in sorted(person.groups, key=_by_name)
            ],
        )
    )
    # The decision is written before the procedure changes state: the database completes
    # a pending procedure only once it holds the approvals (migration 0022), and a flush
    # would otherwise write the procedure, the parent row, first.
    session.flush()
    approvals = sum(1 for a in given if a.decision == Decision.APPROVE) + (
        decision is Decision.APPROVE
    )
    conflicts: tuple[FieldConflict, ...] = ()
    problems: tuple[Problem, ...] = ()
    if decision is Decision.REJECT:
        procedure.state = ProcedureState.REJECTED.value
        procedure.completed_at = now
        message = f"Rejected {subject}."
    elif approvals < procedure.approvals_required:
        # Touch the row so that its version moves: a concurrent decision that read the
        # procedure before this one fails on the version check instead of missing it.
        procedure.updated_at = now
        message = (
            f"Approved {subject}: {approvals} of {procedure.approvals_required} approvals; "
            "the asset changes when the last one arrives."
        )
    else:
        conflicts, problems = _complete(session, procedure, asset, now)
        if conflicts or problems:
            message = (
                f"Approved, but {subject} could not be applied: the asset changed since it "
                "was requested. It is recorded as a conflict; request it again if it is "
                "still needed."
            )
        else:
            message = f"Approved {subject}: the last approval arrived and the change is applied."
    try:
        session.flush()
    except StaleDataError:
        raise DesktopError(
            f"{subject} was decided by someone else at the same moment; look at it again"
        ) from None
    return DecisionOutcome(
        procedure_id=procedure.id,
        asset_id=asset.id,
        asset_tag=asset.tag,
        decision=decision,
        state=ProcedureState(procedure.state),
        approvals_given=approvals,
        approvals_required=procedure.approvals_required,
        asset_version=asset.version,
        conflicts=conflicts,
        problems=problems,
        message=message,
    )


def _complete(
    session: Session, procedure: Procedure, asset: Asset, now: dt.datetime
) -> tuple[tuple[FieldConflict, ...], tuple[Problem, ...]]:
    """Apply the recorded changes if the asset is still as it was when requested."""
    locked = session.execute(
        select(Asset)
        .where(Asset.id == asset.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    check = check_recorded_changes(
        session, locked, ProcedureKind(procedure.kind), procedure.changes
    )
    conflicts = list(check.conflicts)
    if locked.version != procedure.asset_version and not conflicts and not check.problems:
        conflicts.append(
            FieldConflict("Version", str(procedure.asset_version), str(locked.version))
        )
    if conflicts or check.problems:
        procedure.state = ProcedureState.CONFLICT.value
        procedure.completed_at = now
        procedure.note = _conflict_note(procedure, locked, conflicts, check.problems)
        return tuple(conflicts), check.problems
    apply_recorded_changes(session, locked, procedure.changes)
    procedure.state = ProcedureState.COMPLETED.value
    procedure.completed_at = now
    return (), ()


def _conflict_note(
    procedure: Procedure,
    asset: Asset,
    conflicts: list[FieldConflict],
    problems: tuple[Problem, ...],
) -> str:
    parts = [
        f"Not applied: asset {asset.tag} changed since the request "
        f"(version {procedure.asset_version}, now {asset.version})."
    ]
    parts += [f"{c.field}: wanted {c.yours!r}, now {c.theirs!r}." for c in conflicts]
    parts += [f"{p.field}: {p.message}." for p in problems]
    return " ".join(parts)


# -- withdrawing ------------------------------------------------------------------------


def withdraw(
    db: Database, *, procedure_id: uuid.UUID | str, requester: str, reason: str = ""
) -> WithdrawOutcome:
    """The person who requested a pending procedure takes it back (it ends as cancelled)."""
    with db.write() as session:
        return withdraw_in_session(
            session, procedure_id=procedure_id, requester=requester, reason=reason
        )


def withdraw_in_session(
    session: Session, *, procedure_id: uuid.UUID | str, requester: str, reason: str = ""
) -> WithdrawOutcome:
    """:func:`withdraw` inside the caller's transaction (a field kit's replay)."""
    person = acting_person(session, requester)
    procedure = _locked_procedure(session, procedure_id)
    asset = session.get(Asset, procedure.asset_id)
    assert asset is not None
    subject = f"the {procedure.kind} procedure on asset {asset.tag}"
    if procedure.state != ProcedureState.PENDING_APPROVAL:
        raise ValidationError(
            Problem("state", f"it is {_state_words(procedure.state)}; only a pending one"),
            subject=subject,
        )
    if procedure.performed_by_id != person.id:
        raise PermissionDeniedError(
            f"{person.name} may not withdraw {subject}: only the person who requested it can"
        )
    procedure.state = ProcedureState.CANCELLED.value
    procedure.completed_at = utcnow()
    procedure.note = f"Withdrawn by {person.name}" + (
        f": {reason.strip()}" if reason.strip() else "."
    )
    try:
        session.flush()
    except StaleDataError:
        raise DesktopError(
            f"{subject} was decided by someone else at the same moment; look at it again"
        ) from None
    return WithdrawOutcome(procedure.id, asset.tag, ProcedureState.CANCELLED)


# -- who may decide ---------------------------------------------------------------------


@dataclass(frozen=True)
class GivenDecision:
    approver_id: uuid.UUID
    approver: str
    decision: str
    comment: str
    decided_at: dt.datetime
    groups: tuple[str, ...]


def why_not_yours(
    person: Person, performer: Person, given: list[GivenDecision] | tuple[GivenDecision, ...]
) -> str | None:
    """Why ``person`` may not decide on a procedure ``performer`` performs; None if they may."""
    if person.id == performer.id:
        return "it is their own procedure: nobody approves their own"
    if not allowed(role_names(person), Work.APPROVE):
        return "the approver role is needed to decide"
    shared = sorted({g.name for g in person.groups} & {g.name for g in performer.groups})
    if shared:
        return f"same group as {performer.name}, who performs it ({', '.join(shared)})"
    mine = next((d for d in given if d.approver_id == person.id), None)
    if mine is not None:
        return f"already decided on it ({mine.decision}d)"
    return None


def possible_approvers(session: Session, performer: Person) -> int:
    """How many active people may approve what ``performer`` performs (the approver role,
    not themselves, no group in common): fewer than a template asks for, and the procedure
    waits for ever (a one-person local file's first decommission did)."""
    people = session.execute(select(Person).where(Person.active.is_(True))).scalars()
    return sum(why_not_yours(person, performer, ()) is None for person in people)


def _decisions(session: Session, procedure_id: uuid.UUID) -> list[GivenDecision]:
    rows = session.execute(
        select(Approval, Person.name)
        .join(Person, Person.id == Approval.approver_id)
        .where(Approval.procedure_id == procedure_id)
        .order_by(Approval.decided_at)
    ).all()
    return [
        GivenDecision(
            approver_id=a.approver_id,
            approver=name,
            decision=a.decision,
            comment=a.comment,
            decided_at=a.decided_at,
            groups=tuple(g["name"] for g in a.approver_groups),
        )
        for a, name in rows
    ]


# -- finding procedures -----------------------------------------------------------------


def resolve_procedure_id(session: Session, reference: uuid.UUID | str) -> uuid.UUID:
    """A procedure id from a full id or, for a pending one, a unique prefix of it."""
    if isinstance(reference, uuid.UUID):
        return reference
    text = reference.strip().lower()
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    bare = text.replace("-", "")
    if len(bare) < MIN_ID_PREFIX or any(c not in "0123456789abcdef" for c in bare):
        raise NotFoundError(
            f"'{reference}' is not a procedure id (give at least {MIN_ID_PREFIX} of its digits)"
        )
    pending = session.execute(
        select(Procedure.id).where(Procedure.state == ProcedureState.PENDING_APPROVAL.value)
    ).scalars()
    matches = [pid for pid in pending if pid.hex.startswith(bare)]
    if not matches:
        raise NotFoundError(f"there is no pending procedure whose id starts with '{reference}'")
    if len(matches) > 1:
        raise NotFoundError(f"'{reference}' matches {len(matches)} pending procedures; give more")
    return matches[0]


def _locked_procedure(session: Session, reference: uuid.UUID | str) -> Procedure:
    procedure_id = resolve_procedure_id(session, reference)
    procedure = session.execute(
        select(Procedure)
        .where(Procedure.id == procedure_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if procedure is None:
        raise NotFoundError(f"there is no procedure with id {procedure_id}")
    return procedure


def _state_words(state: str) -> str:
    return {
        ProcedureState.COMPLETED.value: "already completed",
        ProcedureState.REJECTED.value: "already rejected",
        ProcedureState.CANCELLED.value: "withdrawn",
        ProcedureState.CONFLICT.value: "a conflict (the asset changed before it was approved)",
    }.get(state, state.replace("_", " "))


def _by_name(row: Any) -> str:
    return str(row.name)


# -- the inbox --------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingItem:
    """A procedure waiting for approval, as the inbox and ``approvals list`` show it.

    Attributes:
        decidable: whether the person the list was made for may decide on it now.
        why_not: when not decidable, the reason in words (empty when decidable).
    """

    procedure_id: uuid.UUID
    asset_id: uuid.UUID
    asset_tag: str
    asset_name: str
    kind: str
    performed_by: str
    performed_by_username: str
    performed_at: dt.datetime
    ticket_ref: str
    reason: str
    risk_level: str | None
    approvals_required: int
    approvals_given: int
    decisions: tuple[GivenDecision, ...]
    changes: tuple[dict[str, Any], ...]
    answers: dict[str, Any]
    decidable: bool
    why_not: str
    #: The asset's category's custom field titles by key ("ram_gb" → "RAM (GB)").
    field_labels: dict[str, str] = field(default_factory=dict)

    def change_label(self, change: dict[str, Any]) -> str:
        """A change's field title, a custom field's as the asset's category names it."""
        return field_label(str(change.get("field", "")), self.field_labels)


def pending_approvals(session: Session, *, for_user: str | None = None) -> list[PendingItem]:
    """Every pending procedure, oldest first; with ``for_user``, whether they may decide it
    (in a field kit nobody may — offline, or after its check-in —: the list stays
    readable, each says why; the inbox offered Approve in a kit, then refused it)."""
    returned = returned_note(session) if for_user else None
    if for_user and returned is None and session_is_kit(session):
        returned = OFFLINE_APPROVAL.removesuffix(".")
    person = acting_person(session, for_user) if for_user and returned is None else None
    rows = session.execute(
        select(Procedure, Asset.tag, Asset.name, Category.custom_fields)
        .join(Asset, Asset.id == Procedure.asset_id)
        .outerjoin(Category, Category.id == Asset.category_id)
        .where(Procedure.state == ProcedureState.PENDING_APPROVAL.value)
        .order_by(Procedure.performed_at, Procedure.id)
    ).all()
    items = []
    for procedure, tag, name, definitions in rows:
        performer = session.get(Person, procedure.performed_by_id)
        assert performer is not None
        given = _decisions(session, procedure.id)
        why = why_not_yours(person, performer, given) if person is not None else returned
        items.append(
            PendingItem(
                procedure_id=procedure.id,
                asset_id=procedure.asset_id,
                asset_tag=tag,
                asset_name=name or "",
                kind=procedure.kind,
                performed_by=performer.name,
                performed_by_username=performer.username,
                performed_at=procedure.performed_at,
                ticket_ref=procedure.ticket_ref,
                reason=procedure.reason,
                risk_level=procedure.risk_level,
                approvals_required=procedure.approvals_required,
                approvals_given=sum(1 for d in given if d.decision == Decision.APPROVE),
                decisions=tuple(given),
                changes=tuple(procedure.changes),
                answers=dict(procedure.answers),
                decidable=person is not None and why is None,
                why_not=why or "",
                field_labels=custom_field_labels(definitions),
            )
        )
    return items


def inbox_count(session: Session, username: str) -> int:
    """How many pending procedures ``username`` may decide now (the inbox badge)."""
    return sum(1 for item in pending_approvals(session, for_user=username) if item.decidable)
