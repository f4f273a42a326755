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
    MAX_ALLOCATE,
    TextProcedure,
    parse_assignments,
    record_text_procedures,
)
from desktop.services.procedures import ProcedureOutcome
from ui.cli.context import CliContext, print_json

KINDS = (
    ProcedureKind.RECEIVE,
    ProcedureKind.INSTALL,
    ProcedureKind.CHANGE,
    ProcedureKind.DECOMMISSION,
    ProcedureKind.DISPOSE,
)
HELP = "record a procedure (receive, install, change, decommission, dispose) for assets"
DESCRIPTION = (
    "Record the KIND procedure for each TAG under exactly the rules of the procedure form: "
    "the template's required fields, answers and checklist, the lifecycle, the role it "
    "needs, and its approval rule (a procedure that needs approval is recorded as pending "
    "and the asset changes when the last approval arrives). ALL OR NOTHING: every TAG is "
    "recorded in one transaction; if any TAG is refused, nothing is recorded and each "
    "refused TAG is named with its reasons (exit status 2). For receive, each TAG is the "
    "tag of a NEW asset (as on its label); --allocate N receives N new assets whose tags "
    "come from their category's sequence instead."
)
EPILOG = (
    "examples:\n"
    "  assetdesk procedure install LAP-000012 --set location=ROOM-A2 --set assigned_to=jdoe \\\n"
    "      --check powers_on --check handover --ticket INC-42 --reason 'new starter'\n"
    "  assetdesk procedure receive --allocate 3 --set category=Laptop --set location='Room A1' \\\n"
    "      --check inspected --check contents_match --json\n"
    "FIELD is an asset field's key or title (location, assigned_to, 'Serial number', "
    "custom.ram_gb); references are given by name (a location by code or name, a person by "
    "user name, e-mail or name). KEY is a question of the template's form; yes/no answers "
    "take yes or no."
)


def register(subparsers: Any) -> None:
    import argparse
    import textwrap

    examples, _, notes = EPILOG.rpartition("\n")
    parser = subparsers.add_parser(
        "procedure",
        help=HELP,
        description=textwrap.fill(DESCRIPTION, 79),
        epilog=examples + "\n" + textwrap.fill(notes, 79),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "kind",
        choices=[k.value for k in KINDS],
        metavar="KIND",
        help="|".join(k.value for k in KINDS),
    )
    parser.add_argument(
        "tags", nargs="*", metavar="TAG", help="the assets (receive: the new assets' tags)"
    )
    parser.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a new value of an asset field (repeat for more; an empty VALUE clears it)",
    )
    parser.add_argument(
        "--answer",
        dest="answers",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an answer to a question of the template's form (repeat for more)",
    )
    parser.add_argument(
        "--check",
        dest="checked",
        action="append",
        default=[],
        metavar="ITEM",
        help="tick a checklist item (repeat for more)",
    )
    parser.add_argument("--reason", default="", help="why the procedure is done")
    parser.add_argument("--ticket", default="", help="ticket reference")
    parser.add_argument("--impact", choices=("low", "medium", "high"), help="risk: impact")
    parser.add_argument("--likelihood", choices=("low", "medium", "high"), help="risk: likelihood")
    parser.add_argument(
        "--allocate",
        type=int,
        default=0,
        metavar="N",
        help=f"receive only: N new assets with generated tags (1 to {MAX_ALLOCATE})",
    )
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="who performs it (user name; default: the settings' user, on a local file the "
        "OS user)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(handler=_record)


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
