"""``assetdesk procedure KIND TAG... --set FIELD=VALUE --answer KEY=VALUE [--json]``.

Records a procedure for each asset under exactly the rules of the procedure form (the
same service: template fields and checklist, lifecycle, roles, approvals). All or
nothing: one transaction for every tag.
"""

from __future__ import annotations

import sys
from typing import Any

from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.errors import DesktopError
from desktop.services.command_procedures import (
    TextProcedure,
    parse_assignments,
    record_text_procedures,
)
from desktop.services.procedures import ProcedureOutcome
from ui.cli.context import CliContext, print_json


def _record(ctx: CliContext) -> int:
    args = ctx.args
    try:
        order = TextProcedure(
            kind=ProcedureKind(args.kind),
            performed_by=ctx.acting_user(),
            tags=tuple(args.tags),
            allocate=args.allocate,
            values=parse_assignments(args.values, "--set"),
            answers=parse_assignments(args.answers, "--answer"),
            checked=tuple(args.checked),
            reason=args.reason,
            ticket_ref=args.ticket,
            impact=args.impact,
            likelihood=args.likelihood,
        )
        outcomes = record_text_procedures(ctx.database(), order)
    except DesktopError as exc:
        if not args.json:
            raise
        print_json({"recorded": False, "error": exc.message, "procedures": []})
        print(f"assetdesk: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print_json({"recorded": True, "procedures": [_as_json(o) for o in outcomes]})
        return 0
    for outcome in outcomes:
        print(_line(outcome))
        for change in outcome.changes:
            print(f"  {change.label}: {change.before_text or '—'} → {change.after_text or '—'}")
    return 0


def _line(outcome: ProcedureOutcome) -> str:
    head = f"{outcome.asset_tag}: {outcome.kind.value} {outcome.procedure_id}"
    if outcome.state is ProcedureState.PENDING_APPROVAL:
        people = (
            "1 approval"
            if outcome.approvals_required == 1
            else (f"{outcome.approvals_required} approvals")
        )
        return (
            f"{head} is pending: it waits for {people} (assetdesk approvals list); "
            "the asset changes when the last one arrives"
        )
    return f"{head} completed"


def _as_json(outcome: ProcedureOutcome) -> dict[str, Any]:
    return {
        "tag": outcome.asset_tag,
        "asset_id": outcome.asset_id,
        "procedure_id": outcome.procedure_id,
        "kind": outcome.kind.value,
        "state": outcome.state.value,
        "approvals_required": outcome.approvals_required,
        "risk_level": outcome.risk_level,
        "asset_version": outcome.asset_version,
        "changes": [c.as_json() for c in outcome.changes],
    }
