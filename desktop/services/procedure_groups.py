"""What the procedures of one group share, decided once for the group.

A field kit's sync replays hundreds of procedures made from the same few forms: the same
kind, on assets of the same category (so the same current template, its questions and
checklist), with the same answers (so the same checklist ticks, impact and likelihood).
For each such group the template is looked up, the answers validated, the risk and the
approvals it needs worked out once (:class:`ProcedureGroup`); per record
:func:`desktop.services.procedures.decide_procedure` checks only what varies — the asset
as it is now, the values the record sets, the lifecycle and the rules on them. Who
performs is checked per person (``require``), never per group; the services stay the
only judges: a group is made by the same functions the per-record path calls.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import Problem
from desktop.services.approval_rule import approvals_required
from desktop.services.batch_cache import cached
from desktop.services.templates import TemplateRef, coerce_answer, current_template, risk_level
from desktop.storage.models import Category

if TYPE_CHECKING:
    from desktop.services.procedures import ProcedureRequest


@dataclass(frozen=True)
class ProcedureGroup:
    """What every request of one kind, category and answers is judged to be.

    Attributes:
        template: the kind's current template for the category (its form).
        answers: the answers, checklist and risk evaluation as validated (shared by
            the group's decisions: not to be changed).
        problems: what is wrong with them (each record of the group is refused with them).
        must_change: the template's rule that a change must change something (its
            message), if it has one.
    """

    kind: ProcedureKind
    category_id: uuid.UUID | None
    template: TemplateRef
    category: Category | None
    answers: dict[str, Any]
    problems: tuple[Problem, ...]
    risk: str | None
    approvals: int
    must_change: str | None


def procedure_group(
    session: Session, request: ProcedureRequest, category_id: uuid.UUID | None
) -> ProcedureGroup:
    """The group of ``request`` (its kind and answers) on an asset of ``category_id``."""
    kind = request.kind
    template = current_template(session, kind, category_id)
    problems: list[Problem] = []
    answers = validate_answers(template, request, problems)
    risk = risk_level(request.impact, request.likelihood)
    rules = template.definition.rules
    return ProcedureGroup(
        kind,
        category_id,
        template,
        category_of(session, category_id),
        answers,
        tuple(problems),
        risk,
        approvals_required(kind, template.definition, risk),
        next((r.message for r in rules if r.changes_something), None),
    )


class ProcedureGroups:
    """The groups met in one transaction (nothing a replayed procedure records changes a
    template, a category or a form), by kind, category and the caller's key for the
    answers."""

    def __init__(self) -> None:
        self._made: dict[tuple[ProcedureKind, uuid.UUID | None, Hashable], ProcedureGroup] = {}

    def of(
        self,
        session: Session,
        request: ProcedureRequest,
        category_id: uuid.UUID | None,
        key: Hashable,
    ) -> ProcedureGroup:
        """``request``'s group; ``key``: the same for requests whose answers, checklist,
        impact and likelihood are the same (a field kit's: the answers' stored text)."""
        made = (request.kind, category_id, key)
        group = self._made.get(made)
        if group is None:
            group = self._made[made] = procedure_group(session, request, category_id)
        return group


def category_of(session: Session, category_id: uuid.UUID | None) -> Category | None:
    """The category (looked up once per batch while a :func:`batch_cache` is on: no
    procedure changes a category itself)."""
    if category_id is None:
        return None
    return cached(session, ("category", category_id), lambda: session.get(Category, category_id))


def validate_answers(
    template: TemplateRef, request: ProcedureRequest, problems: list[Problem]
) -> dict[str, Any]:
    definition = template.definition
    known = definition.answer_keys
    for key in request.answers:
        if key not in known:
            asked = ", ".join(f.key for f in definition.fields) or "none"
            problems.append(
                Problem(
                    key,
                    f"'{key}' is not a question of the {definition.name} form "
                    f"(its questions: {asked})",
                )
            )
    for key in request.checklist:
        if key not in known:
            items = ", ".join(c.key for c in definition.checklist) or "none"
            problems.append(
                Problem(
                    key,
                    f"'{key}' is not a checklist item of the {definition.name} form "
                    f"(its items: {items})",
                )
            )
    answers: dict[str, Any] = {}
    for spec in definition.fields:
        value, problem = coerce_answer(spec, request.answers.get(spec.key))
        if problem:
            problems.append(problem)
        elif value is not None:
            answers[spec.key] = value
    for item in definition.checklist:
        ticked = request.checklist.get(item.key, False)
        if not isinstance(ticked, bool):
            problems.append(
                Problem(item.key, f"{item.label}: expected ticked or not, got {ticked!r}")
            )
            continue
        if item.required and not ticked:
            problems.append(Problem(item.key, f"checklist: '{item.label}' must be done"))
        answers[f"checklist.{item.key}"] = ticked
    for key, value in (("impact", request.impact), ("likelihood", request.likelihood)):
        if value is not None:
            if value not in ("low", "medium", "high"):
                problems.append(
                    Problem(key, f"{key.capitalize()}: {value!r} is not low, medium or high")
                )
            else:
                answers[key] = value
    return answers
