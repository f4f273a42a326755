"""The answers an import gives the forms it records, and the rows refused without them.

The procedure form refuses a decommission without its data-sanitisation method and
evidence, and a disposal without its method and certificate (the templates' required
questions); so does :func:`desktop.services.procedures.decide_procedure` whatever calls
it. An import writes its procedures in bulk, so it applies the same rule here: a row
that retires an existing asset records its decommission (or disposal) with the answers
the user gives for all rows (the command line's ``--answer KEY=VALUE``), or is refused
in the dry run with a message naming the row, the question and how to give it.

A new asset's history (a receive, then a decommission for an "Archived" row of another
tool's export) is the past of goods the import brings in, and is not asked here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import DesktopError
from desktop.services.approval_rule import ApprovalRules
from desktop.services.templates import TemplateDefinition, coerce_answer
from desktop.spreadsheets.model import ImportPlan, RowAction, RowPlan, RowProblem
from desktop.storage.models import ProcedureTemplate

#: Answers the import gives itself (a change it records is a record correction).
OWN_ANSWERS: dict[ProcedureKind, dict[str, str]] = {
    ProcedureKind.CHANGE: {"change_type": "Record correction"}
}


def parse_answers(items: Iterable[str]) -> dict[str, str]:
    """``["sanitisation_method=No data-bearing media"]`` → {key: text} (``--answer``)."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise DesktopError(
                f"--answer '{item}': write KEY=VALUE, e.g. evidence_reference=WIPE-2026-114"
            )
        result[key.strip()] = value.strip()
    return result


#: The procedures an import records (a row's receive, install, change, retirement).
RECORDED_KINDS = (
    ProcedureKind.RECEIVE,
    ProcedureKind.INSTALL,
    ProcedureKind.CHANGE,
    ProcedureKind.DECOMMISSION,
    ProcedureKind.DISPOSE,
)


def check_answer_keys(session: Session, given: Mapping[str, str]) -> None:
    """Refuse an answer no form the import records asks (``--answer sanitization_method``
    for ``sanitisation_method`` was silently dropped, and the rows it was meant for were
    then refused for the answer "not given"), naming the questions that exist.

    Raises:
        DesktopError: a key is a question of no current template of :data:`RECORDED_KINDS`
            (any category's); nothing is read from the file or written.
    """
    if not given:
        return
    rows = session.execute(
        select(ProcedureTemplate.definition).where(
            ProcedureTemplate.is_current.is_(True),
            ProcedureTemplate.kind.in_([k.value for k in RECORDED_KINDS]),
        )
    ).scalars()
    asked: dict[str, None] = {}
    for data in rows:
        for spec in TemplateDefinition.from_json(data).fields:
            asked.setdefault(spec.key)
    unknown = [key for key in given if key not in asked]
    if unknown:
        listed = ", ".join(sorted(asked)) or "none"
        raise DesktopError(
            f"--answer {unknown[0]}: no procedure an import records asks '{unknown[0]}'"
            + (f" (nor {', '.join(unknown[1:])})" if len(unknown) > 1 else "")
            + f"; the questions are: {listed}. Nothing was imported"
        )


def answers_for(
    rules: ApprovalRules,
    kind: ProcedureKind,
    category_id: uuid.UUID | None,
    given: Mapping[str, str],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The answers a ``kind`` procedure records from ``given`` (its form's questions only,
    coerced as the form does), and the problems: (question key, message) for each
    required question not given or given wrong."""
    definition = rules.template(kind, category_id).definition
    own = OWN_ANSWERS.get(kind, {})
    answers: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for spec in definition.fields:
        text = own.get(spec.key, given.get(spec.key))
        value, problem = coerce_answer(spec, text)
        if problem is not None and text is None:
            problems.append(
                (spec.key, f"needs '{spec.label}' ({spec.key}), which the import is not given")
            )
        elif problem is not None:
            problems.append((spec.key, f"cannot record '{text}' for {spec.key}: {problem.message}"))
        elif value is not None:
            answers[spec.key] = value
    return answers, problems


#: The wizard's box of answers for all rows, and the questions it offers (the shipped
#: decommission's and disposal's required ones), with their labels there.
WIZARD_ANSWERS_TITLE = "Evidence for retirements"
WIZARD_ANSWERS = (
    ("sanitisation_method", "Wipe method"),
    ("evidence_reference", "Wipe evidence"),
    ("disposal_method", "Disposal method"),
    ("certificate_number", "Certificate"),
)


def how_to_answer(key: str, *, command_line: bool) -> str:
    """How the user gives ``key``'s answer for all rows: the command line's ``--answer``,
    or the wizard's box (the command line for a question the box does not offer)."""
    if command_line:
        return f"give it for all rows with --answer {key}=VALUE"
    label = dict(WIZARD_ANSWERS).get(key)
    if label is None:
        return (
            "the wizard has no box for it: import the file with "
            f"assetdesk import --answer {key}=VALUE, or record the procedure on the asset's form"
        )
    return f"give it as {label} under '{WIZARD_ANSWERS_TITLE}'"


def refuse_unanswered(rules: ApprovalRules, plan: ImportPlan) -> None:
    """Refuse (as errors) the update rows one of whose procedures (a decommission, a
    disposal, a change whose form an administrator made ask more) lacks a required
    answer; run after the approval rule decided what each row records."""
    given = plan.options.answers
    index = plan.mapping.index_of("status")
    column = plan.mapping.headers[index] if index is not None else "Status"
    found: dict[tuple[ProcedureKind, uuid.UUID | None], list[tuple[str, str]]] = {}
    update = RowAction.UPDATE  # (read once: an enum member read through its class is slow)
    for row in plan.rows:
        if row.action is not update or row.approval is None:
            continue
        for kind, _after in row.approval.recorded:
            key = (kind, row.category_id)
            if key not in found:
                found[key] = answers_for(rules, kind, row.category_id, given)[1]
            for question, message in found[key]:
                _refuse(row, column, kind, question, message, plan.options.command_line)


def _refuse(
    row: RowPlan, column: str, kind: ProcedureKind, question: str, message: str, command_line: bool
) -> None:
    row.problems.append(
        RowProblem(
            row.row,
            column,
            f"asset {row.tag}: the {kind.value} this row records {message}: "
            f"{how_to_answer(question, command_line=command_line)}",
        )
    )
    row.action = RowAction.ERROR
    row.approval = None
