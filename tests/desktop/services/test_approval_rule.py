"""The one approval rule every path asks (form, command line, import, audit actions)."""

from __future__ import annotations

import pytest

from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.services.approval_rule import ApprovalRules, approvals_required, initial_state
from desktop.services.templates import ApprovalRule, TemplateDefinition
from desktop.storage.database import Database
from tests.approval_templates import set_approval_rule


def definition(kind: ProcedureKind, rule: ApprovalRule) -> TemplateDefinition:
    return TemplateDefinition(kind=kind, name=kind.value, approval=rule)


@pytest.mark.parametrize(
    ("kind", "rule", "risk", "needed"),
    [
        (ProcedureKind.RECEIVE, ApprovalRule("always", approvers=3), None, 0),
        (ProcedureKind.DISPOSE, ApprovalRule("always", approvers=2), None, 2),
        (ProcedureKind.DISPOSE, ApprovalRule("always", approvers=0), None, 1),
        (ProcedureKind.CHANGE, ApprovalRule("never"), "high", 0),
        (ProcedureKind.CHANGE, ApprovalRule("risk", "high", 2), "high", 2),
        (ProcedureKind.CHANGE, ApprovalRule("risk", "high", 2), "medium", 0),
        (ProcedureKind.CHANGE, ApprovalRule("risk", "medium", 1), "high", 1),
        (ProcedureKind.CHANGE, ApprovalRule("risk", "high", 2), None, 0),  # as the form
    ],
)
def test_approvals_required(
    kind: ProcedureKind, rule: ApprovalRule, risk: str | None, needed: int
) -> None:
    assert approvals_required(kind, definition(kind, rule), risk) == needed
    expected = ProcedureState.PENDING_APPROVAL if needed else ProcedureState.COMPLETED
    assert initial_state(needed) is expected


def test_rules_read_the_current_template(sqlite_db: Database) -> None:
    with sqlite_db.read() as s:
        rules = ApprovalRules(s)
        assert rules.required(ProcedureKind.DECOMMISSION, None) == 2  # shipped: always, 2
        assert rules.required(ProcedureKind.INSTALL, None) == 0
    set_approval_rule(sqlite_db, ProcedureKind.INSTALL, mode="always", approvers=1)
    with sqlite_db.read() as s:
        assert ApprovalRules(s).required(ProcedureKind.INSTALL, None) == 1
