"""The one rule that decides whether a procedure waits for approval, and from how many.

Every path that records a procedure asks here — the procedure form and the command line
(through :func:`desktop.services.procedures.record_in_session`), audit reconciliation
(the same), and a spreadsheet import (:mod:`desktop.spreadsheets.row_approvals`, for its
bulk writer) — so no path records as completed what the template says must be approved.

The rule: a *receive* never waits (there is no asset yet to protect, and the received
asset is only in stock); every other kind follows its template's approval rule
(never / from risk level X / always, with its number of approvers). A risk rule applies
to the risk evaluated on the form (impact × likelihood); a path that evaluates none
(an import, an audit correction) is under it exactly as a form left unevaluated is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.services.templates import CurrentTemplates, TemplateDefinition, TemplateRef


def approvals_required(
    kind: ProcedureKind, definition: TemplateDefinition, risk: str | None = None
) -> int:
    """How many approvals a ``kind`` procedure filled against ``definition`` needs (0: none)."""
    if kind is ProcedureKind.RECEIVE:
        return 0
    return definition.approval.required_approvals(risk)


def initial_state(approvals: int) -> ProcedureState:
    """The state a procedure is recorded in: pending while approvals are needed."""
    return ProcedureState.PENDING_APPROVAL if approvals else ProcedureState.COMPLETED


@dataclass
class ApprovalRules:
    """:func:`approvals_required` for many procedures in one session (the current templates
    read once, in one query: :class:`~desktop.services.templates.CurrentTemplates`).

    Used by bulk writers that record procedures without the form's service call.
    """

    session: Session
    _current: CurrentTemplates | None = field(default=None)

    def template(self, kind: ProcedureKind, category_id: uuid.UUID | None) -> TemplateRef:
        if self._current is None:
            self._current = CurrentTemplates(self.session)
        return self._current.get(kind, category_id)

    def required(
        self, kind: ProcedureKind, category_id: uuid.UUID | None, risk: str | None = None
    ) -> int:
        return approvals_required(kind, self.template(kind, category_id).definition, risk)
