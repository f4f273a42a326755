"""Procedures recorded from text, as a script or the command line gives them.

``assetdesk procedure KIND TAG... --set FIELD=VALUE --answer KEY=VALUE --check ITEM``
becomes one :class:`ProcedureRequest` per tag, recorded by
:func:`desktop.services.procedures.record_in_session` — the service the procedure form
uses — so the template's validation, the lifecycle, the roles and the approval rule are
exactly the form's. Names are turned into ids here (a location by code or name, a person
by user name, e-mail or name, ...), and ``yes``/``no`` into ticks.

**All or nothing**: every tag is checked and recorded in one transaction. When any tag
is refused nothing is recorded, and every refused tag is named with its problems.

For *receive*, each TAG is the tag of a new asset (as printed on its label); with
``allocate`` instead, that many new assets get tags from their category's sequence.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.domain.fields import CUSTOM_PREFIX, FIELDS_BY_KEY, FieldType
from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.domain.naming import name_after_model
from desktop.errors import (
    DesktopError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ValidationError,
)
from desktop.services.audits import find_category, find_location
from desktop.services.field_names import answer_key, field_key, keyed
from desktop.services.procedures import (
    ProcedureOutcome,
    ProcedureRequest,
    find_asset,
    record_in_session,
)
from desktop.services.templates import current_template
from desktop.storage.database import Database
from desktop.storage.models import AssetModel, Category, Group, Manufacturer, Person, Supplier

YES = frozenset({"yes", "y", "true", "1", "ja", "x"})
NO = frozenset({"no", "n", "false", "0", "nein", ""})
#: The most new assets one receive may allocate tags for.
MAX_ALLOCATE = 1000


@dataclass(frozen=True)
class TextProcedure:
    """What a person typed: field keys or labels with text values, answers, ticked items."""

    kind: ProcedureKind
    performed_by: str
    tags: tuple[str, ...] = ()
    allocate: int = 0
    values: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, str] = field(default_factory=dict)
    checked: tuple[str, ...] = ()
    reason: str = ""
    ticket_ref: str = ""
    impact: str | None = None
    likelihood: str | None = None
    origin: Origin = Origin.COMMAND_LINE
    origin_detail: str = "assetdesk procedure"


def parse_assignments(texts: Sequence[str], option: str) -> dict[str, str]:
    """``["location=Room A1", ...]`` → {"location": "Room A1"}; a text without ``=`` is named."""
    result: dict[str, str] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ValidationError(Problem(option, f"'{text}' is not KEY=VALUE"))
        result[key.strip()] = value.strip()
    return result


def record_text_procedures(db: Database, order: TextProcedure) -> list[ProcedureOutcome]:
    """Record ``order`` for every tag, all or nothing (see the module's docstring)."""
    targets = _targets(order)
    with db.write() as session:
        values = _values(session, order.values)
        outcomes: list[ProcedureOutcome] = []
        refused: list[str] = []
        for tag in targets:
            try:
                request = _request(session, order, tag, values)
                outcomes.append(record_in_session(session, request))
            except PermissionDeniedError:
                raise  # about the person, not the tag: said once
            except DesktopError as exc:
                refused.append(_named(exc, tag, order.kind) + _how_to_answer(session, order, exc))
                if not session.is_active:  # a failed flush: nothing more can be checked
                    break
        if refused:
            raise DesktopError(
                "nothing was recorded: " + "; ".join(refused)
                if len(targets) > 1
                else refused[0] + " (nothing was recorded)"
            )
        return outcomes


def _targets(order: TextProcedure) -> list[str | None]:
    if order.kind is ProcedureKind.RECEIVE:
        if order.allocate and order.tags:
            raise DesktopError("give either the new tags or --allocate N, not both")
        if order.allocate:
            if not 0 < order.allocate <= MAX_ALLOCATE:
                raise DesktopError(f"--allocate takes 1 to {MAX_ALLOCATE} new assets")
            return [None] * order.allocate
        if not order.tags:
            raise DesktopError("name the new assets' tags, or --allocate N to have tags made")
    elif order.allocate:
        raise DesktopError("--allocate is for receive only: the other procedures name assets")
    elif not order.tags:
        raise DesktopError(f"name the assets to {order.kind.value} by their tags")
    keys = [t.strip().casefold() for t in order.tags]
    if len(set(keys)) != len(keys):
        twice = sorted({t for t in order.tags if keys.count(t.strip().casefold()) > 1})
        raise DesktopError(f"a tag is named twice: {', '.join(twice)}")
    return list(order.tags)


def _how_to_answer(session: Session, order: TextProcedure, exc: DesktopError) -> str:
    """How to give the template's questions left unanswered and tick its checklist:
    "Type of change is required" did not say that it is ``--answer change_type=…``, nor
    its choices; "checklist: '…' must be done" did not say ``--check KEY``."""
    if not isinstance(exc, ValidationError) or not session.is_active:
        return ""
    definition = current_template(session, order.kind).definition
    specs = {f.key: f for f in definition.fields}
    checklist = {item.key for item in definition.checklist}
    hints = []
    for problem in exc.problems:
        if problem.field in checklist and "must be done" in problem.message:
            hints.append(f"--check {problem.field}")
            continue
        spec = specs.get(problem.field)
        if spec is None or problem.field in order.answers or "is required" not in problem.message:
            continue
        choices = f", one of {', '.join(spec.choices)}" if spec.choices else ""
        hints.append(f"--answer {spec.key}=VALUE{choices}")
    return f": give it with {'; '.join(hints)}" if hints else ""


def _named(exc: DesktopError, tag: str | None, kind: ProcedureKind) -> str:
    """The message with the asset it is about (validation messages carry it already)."""
    where = (
        f"asset {tag}"
        if kind is not ProcedureKind.RECEIVE
        else f"new asset {tag}"
        if tag is not None
        else "new asset"
    )
    if isinstance(exc, ValidationError) and exc.subject:
        if exc.subject == "new asset":
            return where + exc.message[len(exc.subject) :]
        return exc.message
    return f"{where}: {exc.message}"


def _request(
    session: Session, order: TextProcedure, tag: str | None, values: dict[str, object]
) -> ProcedureRequest:
    given = keyed(values)  # the standard fields first: they say the category
    asset_id = None
    if order.kind is ProcedureKind.RECEIVE:
        category_id = given.get("category")
    else:
        asset = find_asset(session, tag=tag)
        category_id, asset_id = given.get("category", asset.category_id), asset.id
    category = session.get(Category, category_id) if isinstance(category_id, uuid.UUID) else None
    if category is not None and category.custom_fields:  # "RAM (GB)" is custom.ram_gb
        given = keyed(values, category.custom_fields)
    if order.kind is ProcedureKind.RECEIVE:
        if tag is not None:
            given["tag"] = tag
        if not given.get("name"):  # README: receive --allocate 3 --set category=Laptop
            given["name"] = _default_name(session, given)
    _custom_ticks(category, given)
    template = current_template(
        session, order.kind, category_id if isinstance(category_id, uuid.UUID) else None
    )
    answers = _answers(session, template.definition.fields, order.answers)
    return ProcedureRequest(
        kind=order.kind,
        performed_by=order.performed_by,
        asset_id=asset_id,
        values=given,
        answers=answers,
        checklist={key: True for key in order.checked},
        ticket_ref=order.ticket_ref,
        reason=order.reason,
        origin=order.origin,
        origin_detail=order.origin_detail,
        impact=order.impact,
        likelihood=order.likelihood,
    )


def _default_name(session: Session, given: Mapping[str, object]) -> str:
    """A received asset's name when none is given: its model ("HP EliteBook 840 G10"),
    else its category ("Laptop"); empty (the template then asks for one) otherwise."""
    model_id, category_id = given.get("model"), given.get("category")
    if isinstance(model_id, uuid.UUID) and (model := session.get(AssetModel, model_id)):
        return name_after_model(model.manufacturer.name, model.name)
    if isinstance(category_id, uuid.UUID) and (category := session.get(Category, category_id)):
        return category.name
    return ""


def _values(session: Session, texts: Mapping[str, str]) -> dict[str, object]:
    """Asset field values with names turned into ids; unknown names are all named.

    Keyed by the field's name as given: a custom field's title is read against the
    asset's category (per tag, :func:`_request`)."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for name, text in texts.items():
        key = field_key(name)
        spec = FIELDS_BY_KEY.get(key)
        if spec is None or not text:
            values[name] = text
            continue
        try:
            values[name] = _reference(session, spec.type, text)
        except NotFoundError as exc:
            problems.append(Problem(key, exc.message))
    if problems:
        raise ValidationError(problems, subject="--set")
    return values


def _reference(session: Session, type_: FieldType, text: str) -> object:
    """The id ``text`` names for a reference field; other types keep their text."""
    match type_:
        case FieldType.CATEGORY:
            return find_category(session, text).id
        case FieldType.LOCATION:
            return find_location(session, text).id
        case FieldType.PERSON:
            return _person(session, text)
        case FieldType.GROUP:
            return _one(
                session,
                select(Group.id).where(func.lower(Group.name) == text.lower()),
                f"there is no group '{text}'",
            )
        case FieldType.SUPPLIER:
            return _one(
                session,
                select(Supplier.id).where(func.lower(Supplier.name) == text.lower()),
                f"there is no supplier '{text}'",
            )
        case FieldType.MODEL:
            full = func.lower(Manufacturer.name + " " + AssetModel.name)
            return _one(
                session,
                select(AssetModel.id)
                .join(Manufacturer, Manufacturer.id == AssetModel.manufacturer_id)
                .where(or_(func.lower(AssetModel.name) == text.lower(), full == text.lower())),
                f"there is no model '{text}'",
            )
    return text


def _person(session: Session, text: str) -> uuid.UUID:
    wanted = text.strip().lower()
    return _one(
        session,
        select(Person.id).where(
            or_(
                func.lower(Person.username) == wanted,
                func.lower(Person.email) == wanted,
                func.lower(Person.name) == wanted,
            )
        ),
        f"there is no person with the user name, e-mail or name '{text}'",
    )


def _one(session: Session, query: Any, missing: str) -> uuid.UUID:
    found = list(session.execute(query.limit(2)).scalars())
    if not found:
        raise NotFoundError(missing)
    if len(found) > 1:
        raise NotFoundError(missing.replace("there is no", "several match") + ": be more precise")
    return uuid.UUID(str(found[0]))


def _custom_ticks(category: Category | None, values: dict[str, object]) -> None:
    """Yes/no custom fields typed as words become ticks (a wrong word stays, to be named)."""
    kinds = {d["key"]: d.get("type") for d in (category.custom_fields if category else [])}
    for key, value in list(values.items()):
        name = key[len(CUSTOM_PREFIX) :] if key.startswith(CUSTOM_PREFIX) else None
        if name and kinds.get(name) == "yesno" and isinstance(value, str):
            values[key] = _tick(value)


def _tick(text: str) -> object:
    folded = text.strip().casefold()
    return True if folded in YES else False if folded in NO else text


def _answers(
    session: Session, fields: Sequence[Any], texts: Mapping[str, str]
) -> dict[str, object]:
    """Answers by key or by the question's title as the form shows it ("Type of
    change" is ``change_type``), person/location/group answers by name, yes/no by word."""
    types = {f.key: f.type for f in fields}
    titles = {f.key: f.label for f in fields}
    answers: dict[str, object] = {}
    problems: list[Problem] = []
    for name, text in texts.items():
        try:
            key = answer_key(name, titles)
        except ValidationError as exc:
            problems.extend(exc.problems)
            continue
        type_ = types.get(key)
        if type_ is FieldType.YESNO:
            answers[key] = _tick(text)
        elif type_ in (FieldType.PERSON, FieldType.LOCATION, FieldType.GROUP) and text:
            try:
                answers[key] = str(_reference(session, type_, text))
            except NotFoundError as exc:
                problems.append(Problem(key, exc.message))
        else:
            answers[key] = text
    if problems:
        raise ValidationError(problems, subject="--answer")
    return answers
