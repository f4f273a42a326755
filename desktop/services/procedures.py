"""Recording procedures: the only way an asset changes.

A procedure is validated against its template and the lifecycle, then the asset and the
procedure row are written in the same transaction. A procedure that needs approval is
stored as pending and the asset is left as it is (see :mod:`desktop.services.approvals`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.fields import (
    CUSTOM_PREFIX,
    FIELDS_BY_KEY,
    custom_field_labels,
    field_label,
    plain_text,
)
from desktop.domain.lifecycle import (
    KIND_TARGET_STATUS,
    AssetStatus,
    Origin,
    ProcedureKind,
    ProcedureState,
    decommissioned_change_problem,
    status_move_problem,
)
from desktop.domain.permissions import work_for
from desktop.domain.tags import normalize_tag
from desktop.errors import ConflictError, FieldConflict, NotFoundError, Problem, ValidationError
from desktop.services.approval_rule import initial_state
from desktop.services.lifecycle_rules import apply_lifecycle_rules
from desktop.services.permissions import require
from desktop.services.procedure_groups import ProcedureGroups, procedure_group
from desktop.services.tags import allocate_tag, kit_block_holding, tag_in_use
from desktop.services.templates import TemplateRef, current_template
from desktop.services.values import (
    coerce_asset_value,
    coerce_custom_value,
    display_text,
    json_value,
)
from desktop.storage.database import Database
from desktop.storage.models import Asset, Category, Procedure
from desktop.storage.types import utcnow

#: Each enum member's value, by member (``member.value`` is a Python-level property:
#: a batch of procedures reads thousands) and each status by its value.
_VALUE_OF: dict[object, str] = {
    **{kind: kind.value for kind in ProcedureKind},
    **{state: state.value for state in ProcedureState},
    **{origin: origin.value for origin in Origin},
}
_STATUS_OF = {status.value: status for status in AssetStatus}


@dataclass(frozen=True)
class ProcedureRequest:
    """What a procedure form submits.

    Attributes:
        kind: receive, install, change, decommission, dispose, audit correction.
        performed_by: the user name of the person who performs it.
        asset_tag: the asset (not for receive, which creates one).
        values: new values of asset fields, by field key ("location", "custom.ram_gb", ...).
        answers: answers to the template's own fields, by key.
        checklist: checklist item key → ticked.
        expected_version: the asset version the form was filled against; a newer one in
            the database is a conflict.
        impact, likelihood: risk evaluation ("low", "medium", "high") where asked.
        procedure_id: the procedure's id when it was made elsewhere (a field kit's
            replay); for a receive, ``asset_id`` is then the new asset's id.
        note: a note recorded with the procedure (a replay says it was rebased).
    """

    kind: ProcedureKind
    performed_by: str
    asset_tag: str | None = None
    asset_id: uuid.UUID | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    answers: Mapping[str, object] = field(default_factory=dict)
    checklist: Mapping[str, bool] = field(default_factory=dict)
    ticket_ref: str = ""
    reason: str = ""
    origin: Origin = Origin.GUI
    origin_detail: str = ""
    expected_version: int | None = None
    performed_at: dt.datetime | None = None
    impact: str | None = None
    likelihood: str | None = None
    procedure_id: uuid.UUID | None = None
    note: str = ""


@dataclass(frozen=True)
class FieldChange:
    """One field's before → after, as a procedure records it."""

    field: str
    before: object
    after: object
    before_text: str
    after_text: str
    #: A custom field's title as its category names it ("RAM (GB)"); empty for the others.
    title: str = ""

    @classmethod
    def custom(
        cls, name: str, before: object, after: object, titles: Mapping[str, str]
    ) -> FieldChange:
        """A custom field's change, titled as the asset's category names it ("Disk
        encrypted", not "Encrypted" from its key); a yes/no field reads "yes" (not
        "True"), as every other value reads."""
        return cls(
            CUSTOM_PREFIX + name,
            before,
            after,
            plain_text(before),
            plain_text(after),
            titles.get(name, ""),
        )

    @property
    def label(self) -> str:
        """The field's title for people ("Serial number"; "RAM (GB)" for custom.ram_gb as
        the asset's category names it)."""
        return self.title or field_label(self.field)

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "before_text": self.before_text,
            "after_text": self.after_text,
        }


@dataclass(frozen=True)
class ProcedureOutcome:
    procedure_id: uuid.UUID
    asset_id: uuid.UUID
    asset_tag: str
    kind: ProcedureKind
    state: ProcedureState
    asset_version: int
    changes: tuple[FieldChange, ...]
    approvals_required: int
    risk_level: str | None


class StaleAssetError(ConflictError):
    """The asset's row changed under a write already in flight (raised at flush time)."""

    def __init__(self, asset_id: uuid.UUID, tag: str, request: ProcedureRequest) -> None:
        self.asset_id = asset_id
        self.request = request
        version = request.expected_version or 0
        super().__init__(
            subject=f"asset {tag}", expected_version=version, current_version=version, conflicts=[]
        )


def record_procedure(db: Database, request: ProcedureRequest) -> ProcedureOutcome:
    """Validate and record one procedure in its own transaction."""
    return record_procedures(db, [request])[0]


def record_procedures(db: Database, requests: Sequence[ProcedureRequest]) -> list[ProcedureOutcome]:
    """Record several procedures (one per asset) all or nothing."""
    try:
        with db.write() as session:
            return [record_in_session(session, request) for request in requests]
    except StaleAssetError as stale:
        with db.read() as session:
            asset = session.get(Asset, stale.asset_id)
            if asset is None:
                raise
            raise _conflict(session, asset, stale.request) from None


def find_asset(
    session: Session, *, tag: str | None = None, asset_id: uuid.UUID | None = None
) -> Asset:
    if asset_id is not None:
        asset = session.get(Asset, asset_id)
        if asset is None:
            raise NotFoundError(f"there is no asset with id {asset_id}")
        return asset
    if tag is None or not tag.strip():
        raise NotFoundError("no asset tag given")
    asset = session.execute(
        select(Asset).where(Asset.tag_key == normalize_tag(tag))
    ).scalar_one_or_none()
    if asset is None:
        raise NotFoundError(f"there is no asset with the tag '{tag.strip()}'")
    return asset


@dataclass(frozen=True)
class ProcedureDecision:
    """What the rules make of one procedure request against the asset as it is.

    Attributes:
        new_values: the asset fields it sets (column values), status included.
        custom: the custom fields it sets (None removes one).
        answers: the template's answers, checklist and risk evaluation.
        changes: the before → after of every field it changes.
        approvals: how many approvals it needs (0: it is applied at once).
    """

    template: TemplateRef
    category: Category | None
    new_values: dict[str, object]
    custom: dict[str, Any]
    answers: dict[str, Any]
    changes: tuple[FieldChange, ...]
    risk: str | None
    approvals: int


def decide_procedure(
    session: Session,
    request: ProcedureRequest,
    asset: Asset | None,
    *,
    pending: Mapping[uuid.UUID, Sequence[tuple[uuid.UUID, str]]] | None = None,
    groups: ProcedureGroups | None = None,
    group_key: Hashable = None,
) -> ProcedureDecision:
    """Validate ``request`` against ``asset`` (None for a receive) and its template:
    fields, answers, checklist, lifecycle legality and rules, the tag's uniqueness; and
    work out its changes and approvals. Raises :class:`ValidationError` with every
    problem. Writes nothing: :func:`record_in_session` and a field kit's batch replay
    (which holds the asset's current values in memory) record what it decided.
    ``pending``: the procedures waiting for approval per asset, when the caller read them
    for many assets at once (:func:`desktop.services.lifecycle_rules.pending_procedures`).
    ``groups``: what the requests of one group share (template, form, answers, risk,
    approvals) decided once per group: ``group_key`` stands for this request's answers,
    checklist, impact and likelihood (the same key, the same ones); see
    :mod:`desktop.services.procedure_groups`. The decision's ``answers`` are then the
    group's: not to be changed.
    """
    kind = request.kind
    subject = f"asset {asset.tag}" if asset else "new asset"
    category_id = _category_for(session, asset, request)
    group = (
        procedure_group(session, request, category_id)
        if groups is None
        else groups.of(session, request, category_id, group_key)
    )
    template = group.template
    problems: list[Problem] = []
    new_values = _validate_values(session, template, asset, request, problems)
    problems.extend(group.problems)
    answers = group.answers
    target_status = _target_status(kind, new_values)
    current_status = (_STATUS_OF.get(asset.status) or AssetStatus(asset.status)) if asset else None
    if (reason := status_move_problem(kind, current_status, target_status)) is not None:
        problems.append(Problem("status", reason))
    if target_status is not None:
        new_values["status"] = target_status.value

    category = group.category
    custom = _validate_custom(category, asset, request, problems)

    def install_requirements() -> list[Problem]:
        found: list[Problem] = []
        install = current_template(session, ProcedureKind.INSTALL, category_id)
        _check_required_and_rules(install, asset, new_values, {}, custom, found)
        return found

    apply_lifecycle_rules(
        session,
        kind=kind,
        asset=asset,
        target_status=target_status,
        given=request.values,
        new_values=new_values,
        install_requirements=install_requirements,
        problems=problems,
        custom=custom,
        category_id=category_id,
        pending=pending,
    )
    _check_required_and_rules(template, asset, new_values, answers, custom, problems)
    new_tag = str(new_values.get("tag") or "")
    retagged = asset is None or normalize_tag(new_tag) != asset.tag_key
    if new_tag and retagged and tag_in_use(session, new_tag):
        problems.append(Problem("tag", f"the tag '{new_tag}' is already used by another asset"))
    elif (
        new_tag
        and retagged
        and request.origin is not Origin.FIELD_KIT
        and (reserved := kit_block_holding(session, new_tag)) is not None
    ):
        problems.append(Problem("tag", reserved))
    if problems:
        raise ValidationError(problems, subject=subject)

    changes = _changes(session, asset, new_values, custom, category)
    if kind is ProcedureKind.CHANGE and not changes and group.must_change is not None:
        raise ValidationError(Problem("values", group.must_change), subject=subject)
    return ProcedureDecision(
        template, category, new_values, custom, answers, tuple(changes), group.risk, group.approvals
    )


def apply_decision(asset: Asset, decision: ProcedureDecision) -> None:
    """Set the asset's fields as ``decision`` says (an applied procedure's effect)."""
    _apply(asset, decision.new_values, decision.custom)


def record_in_session(session: Session, request: ProcedureRequest) -> ProcedureOutcome:
    """Validate and record one procedure inside the caller's transaction."""
    kind = request.kind
    actor = require(session, request.performed_by, work_for(kind))
    asset = (
        None
        if kind is ProcedureKind.RECEIVE
        else find_asset(session, tag=request.asset_tag, asset_id=request.asset_id)
    )
    subject = f"asset {asset.tag}" if asset else "new asset"

    if (
        asset is not None
        and request.expected_version is not None
        and asset.version != request.expected_version
    ):
        raise _conflict(session, asset, request)

    decision = decide_procedure(session, request, asset)
    template, category = decision.template, decision.category
    new_values, custom, answers = decision.new_values, decision.custom, decision.answers
    changes, risk, approvals = list(decision.changes), decision.risk, decision.approvals
    now = utcnow()
    if asset is None:
        if not new_values.get("tag"):
            assert category is not None
            new_values["tag"] = allocate_tag(session, category.tag_prefix)
            changes = _changes(session, None, new_values, custom, category)
        asset = Asset(
            id=request.asset_id or uuid.uuid4(), status=AssetStatus.IN_STOCK.value, custom_fields={}
        )
        _apply(asset, new_values, custom)
        session.add(asset)
    elif approvals == 0:
        _apply(asset, new_values, custom)
    procedure = Procedure(
        **procedure_values(
            request,
            template=template,
            answers=answers,
            changes=changes,
            risk=risk,
            approvals=approvals,
            performed_by_id=actor.id,
            asset_id=asset.id,
            asset_version=asset.version,
            now=now,
        )
    )
    session.add(procedure)
    asset_id, asset_tag = asset.id, asset.tag  # still readable if the flush fails
    try:
        session.flush()
    except StaleDataError:
        # Another client committed a newer version after we read it. The transaction is
        # dead: the wrapper re-reads the asset in a fresh one to show both values.
        raise StaleAssetError(asset_id, asset_tag, request) from None
    except IntegrityError as exc:
        if "tag_key" not in str(exc.orig) and "uq_assets" not in str(exc.orig):
            raise
        # Another client took the same tag between our check and our insert.
        raise ValidationError(
            Problem("tag", f"the tag '{asset_tag}' is already used by another asset"),
            subject=subject,
        ) from None
    return ProcedureOutcome(
        procedure_id=procedure.id,
        asset_id=asset.id,
        asset_tag=asset.tag,
        kind=kind,
        state=ProcedureState(procedure.state),
        asset_version=asset.version,
        changes=tuple(changes),
        approvals_required=approvals,
        risk_level=risk,
    )


def procedure_values(
    request: ProcedureRequest,
    *,
    template: TemplateRef,
    answers: dict[str, Any],
    changes: Sequence[FieldChange],
    risk: str | None,
    approvals: int,
    performed_by_id: uuid.UUID,
    asset_id: uuid.UUID,
    asset_version: int | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """The procedure row's columns (the ORM object's, or a batch insert's)."""
    return {
        "id": request.procedure_id or uuid.uuid4(),
        "asset_id": asset_id,
        "kind": _VALUE_OF[request.kind],
        "state": _VALUE_OF[initial_state(approvals)],
        "template_id": template.id,
        "template_version": template.version,
        "performed_by_id": performed_by_id,
        "performed_at": request.performed_at or now,
        "ticket_ref": request.ticket_ref.strip()[:100],
        "reason": request.reason.strip(),
        "answers": answers,
        "changes": [c.as_json() for c in changes],
        "origin": _VALUE_OF[request.origin],
        "origin_detail": request.origin_detail[:500],
        "risk_level": risk,
        "approvals_required": approvals,
        "asset_version": asset_version if approvals else None,
        "completed_at": None if approvals else now,
        "note": request.note,
    }


def _category_for(
    session: Session, asset: Asset | None, request: ProcedureRequest
) -> uuid.UUID | None:
    raw = request.values.get("category")
    if raw:
        try:
            return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except ValueError:
            return asset.category_id if asset else None
    return asset.category_id if asset else None


def _validate_values(
    session: Session,
    template: TemplateRef,
    asset: Asset | None,
    request: ProcedureRequest,
    problems: list[Problem],
) -> dict[str, object]:
    allowed = template.definition.asset_field_keys()
    result: dict[str, object] = {}
    for key, raw in request.values.items():
        if key.startswith(CUSTOM_PREFIX):
            continue
        if key not in FIELDS_BY_KEY:
            problems.append(
                Problem(key, f"'{key}' is not a field of an asset{_settable(template)}")
            )
            continue
        if key not in allowed:
            label = FIELDS_BY_KEY[key].label
            problems.append(
                Problem(
                    key,
                    f"{label} cannot be set by a {template.definition.kind.label.lower()} "
                    f"procedure{_settable(template)}",
                )
            )
            continue
        value, problem = coerce_asset_value(session, FIELDS_BY_KEY[key], raw)
        if problem:
            problems.append(problem)
        elif asset is None or value != getattr(asset, FIELDS_BY_KEY[key].column):
            result[key] = value
    if asset is not None and "tag" in result and not result["tag"]:
        problems.append(Problem("tag", "an asset's tag cannot be removed"))
    return result


def _settable(template: TemplateRef) -> str:
    """The fields ``template``'s form sets, said after a field it does not set."""
    keys = ", ".join(f.key for f in template.definition.asset_fields) or "no field"
    return f" (the {template.definition.name} form sets: {keys})"


def _target_status(kind: ProcedureKind, new_values: dict[str, object]) -> AssetStatus | None:
    if kind in KIND_TARGET_STATUS:
        return KIND_TARGET_STATUS[kind]
    status = new_values.pop("status", None)
    return AssetStatus(str(status)) if status else None


def _validate_custom(
    category: Category | None,
    asset: Asset | None,
    request: ProcedureRequest,
    problems: list[Problem],
) -> dict[str, Any]:
    definitions = {d["key"]: d for d in (category.custom_fields if category else [])}
    current = dict(asset.custom_fields) if asset else {}
    result: dict[str, Any] = {}
    for key, raw in request.values.items():
        if not key.startswith(CUSTOM_PREFIX):
            continue
        name = key[len(CUSTOM_PREFIX) :]
        if name not in definitions:
            category_name = category.name if category else "this category"
            problems.append(Problem(key, f"'{name}' is not a custom field of {category_name}"))
            continue
        value, problem = coerce_custom_value(definitions[name], raw)
        if problem:
            problems.append(problem)
        elif value != current.get(name):
            result[name] = value
    if asset is None:
        for name, definition in definitions.items():
            if definition.get("required") and result.get(name) is None:
                problems.append(
                    Problem(CUSTOM_PREFIX + name, f"{definition.get('label', name)} is required")
                )
    return result


def _check_required_and_rules(
    template: TemplateRef,
    asset: Asset | None,
    new_values: dict[str, object],
    answers: dict[str, Any],
    custom: dict[str, Any],
    problems: list[Problem],
) -> None:
    def resulting(key: str) -> object:
        if key in new_values:
            return new_values[key]
        if key in answers:
            return answers[key]
        if asset is not None and key in FIELDS_BY_KEY:
            return getattr(asset, FIELDS_BY_KEY[key].column)
        return None

    for spec in template.definition.asset_fields:
        if spec.required and resulting(spec.key) in (None, ""):
            problems.append(Problem(spec.key, f"{spec.label} is required"))
    for rule in template.definition.rules:
        if rule.one_of and all(resulting(key) in (None, "") for key in rule.one_of):
            problems.append(Problem(rule.one_of[0], rule.message))


def required_and_rules_problems(
    template: TemplateRef,
    asset: Any,
    new_values: dict[str, object],
    answers: dict[str, Any],
) -> list[Problem]:
    """What :func:`decide_procedure` finds wrong with the asset as ``new_values`` leave it
    under ``template``'s required fields and rules (``asset``: anything with the asset's
    columns as attributes; only whether each is empty counts). A field kit's set-wise
    replay checks it once per distinct such input."""
    problems: list[Problem] = []
    _check_required_and_rules(template, asset, new_values, answers, {}, problems)
    return problems


def _changes(
    session: Session,
    asset: Asset | None,
    new_values: dict[str, object],
    custom: dict[str, Any],
    category: Category | None,
) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for key, after in new_values.items():
        before = getattr(asset, FIELDS_BY_KEY[key].column) if asset is not None else None
        if asset is not None and before == after:
            continue
        if asset is None and after in (None, ""):
            continue
        changes.append(
            FieldChange(
                field=key,
                before=json_value(before),
                after=json_value(after),
                before_text=display_text(session, key, before),
                after_text=display_text(session, key, after),
            )
        )
    current = asset.custom_fields if asset is not None else {}
    titles = custom_field_labels(category.custom_fields if category else None)
    for name, after in custom.items():
        before = current.get(name)
        changes.append(FieldChange.custom(name, before, after, titles))
    return changes


def _apply(asset: Asset, new_values: dict[str, object], custom: dict[str, Any]) -> None:
    for key, value in new_values.items():
        setattr(asset, FIELDS_BY_KEY[key].column, value)
        if key == "tag":
            asset.tag_key = normalize_tag(str(value))
    if custom:
        merged = dict(asset.custom_fields or {})
        for name, value in custom.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        asset.custom_fields = merged


def _conflict(session: Session, asset: Asset, request: ProcedureRequest) -> ConflictError:
    """Re-read the asset as it is now and describe, field by field, yours against theirs."""
    current = session.get(Asset, asset.id, populate_existing=True)
    assert current is not None
    conflicts = []
    for key, yours in request.values.items():
        spec = FIELDS_BY_KEY.get(key)
        if spec is None:
            continue
        theirs = getattr(current, spec.column)
        conflicts.append(
            FieldConflict(
                spec.label, display_text(session, key, yours), display_text(session, key, theirs)
            )
        )
    return ConflictError(
        subject=f"asset {current.tag}",
        expected_version=request.expected_version
        if request.expected_version is not None
        else asset.version,
        current_version=current.version,
        conflicts=conflicts,
    )


# -- completing a pending procedure (used by desktop.services.approvals) ------------------


@dataclass(frozen=True)
class RecordedChangeCheck:
    """Whether a pending procedure's recorded changes still fit the asset as it is now.

    Attributes:
        conflicts: fields whose current value is no longer the recorded ``before``
            (yours = the value the procedure wants to set, theirs = the value now).
        problems: recorded values that can no longer be applied (a person who left, a tag
            someone else took meanwhile, a status move that is no longer legal).
    """

    conflicts: tuple[FieldConflict, ...]
    problems: tuple[Problem, ...]

    @property
    def applicable(self) -> bool:
        return not self.conflicts and not self.problems


def check_recorded_changes(
    session: Session, asset: Asset, kind: ProcedureKind, changes: Sequence[Mapping[str, Any]]
) -> RecordedChangeCheck:
    """Compare each recorded ``before`` with the asset's current value, and re-validate."""
    conflicts: list[FieldConflict] = []
    problems: list[Problem] = []
    custom_now = dict(asset.custom_fields or {})
    for change in changes:
        key = str(change["field"])
        if key.startswith(CUSTOM_PREFIX):
            now: object = custom_now.get(key[len(CUSTOM_PREFIX) :])
            now_text = "" if now is None else str(now)
        else:
            spec = FIELDS_BY_KEY[key]
            column_value = getattr(asset, spec.column)
            now, now_text = json_value(column_value), display_text(session, key, column_value)
        if now != change.get("before"):
            label = FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key
            conflicts.append(FieldConflict(label, change.get("after_text", ""), now_text))
    new_values, _custom, value_problems = _recorded_values(session, changes)
    problems.extend(value_problems)
    target = new_values.get("status")
    reason = status_move_problem(
        kind, AssetStatus(asset.status), AssetStatus(str(target)) if target else None
    )
    if reason is not None:
        problems.append(Problem("status", reason))
    fields = [str(change["field"]) for change in changes]
    if (
        retired := decommissioned_change_problem(kind, AssetStatus(asset.status), fields)
    ) is not None:
        problems.append(Problem(*retired))
    new_tag = new_values.get("tag")
    if (
        new_tag
        and normalize_tag(str(new_tag)) != asset.tag_key
        and tag_in_use(session, str(new_tag))
    ):
        problems.append(Problem("tag", f"the tag '{new_tag}' is now used by another asset"))
    return RecordedChangeCheck(tuple(conflicts), tuple(problems))


def apply_recorded_changes(
    session: Session, asset: Asset, changes: Sequence[Mapping[str, Any]]
) -> None:
    """Apply exactly the after-values a pending procedure recorded (status and custom fields
    included). Call :func:`check_recorded_changes` first; a value that cannot be applied
    raises :class:`ValidationError` naming the field."""
    new_values, custom, problems = _recorded_values(session, changes)
    if problems:
        raise ValidationError(problems, subject=f"asset {asset.tag}")
    _apply(asset, new_values, custom)


def _recorded_values(
    session: Session, changes: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, object], dict[str, Any], list[Problem]]:
    """The recorded JSON after-values turned back into column values (validated again)."""
    new_values: dict[str, object] = {}
    custom: dict[str, Any] = {}
    problems: list[Problem] = []
    for change in changes:
        key = str(change["field"])
        after = change.get("after")
        if key.startswith(CUSTOM_PREFIX):
            custom[key[len(CUSTOM_PREFIX) :]] = after
            continue
        value, problem = coerce_asset_value(session, FIELDS_BY_KEY[key], after)
        if problem is not None:
            problems.append(problem)
        else:
            new_values[key] = value
    return new_values, custom, problems
