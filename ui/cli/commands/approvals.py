"""``assetdesk approvals list``, ``approve ID``, ``reject ID``, ``withdraw ID``.

The same services as the GUI's inbox: the segregation-of-duties rules apply here too.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop.domain.lifecycle import ProcedureState
from desktop.services.approvals import (
    DecisionOutcome,
    PendingItem,
    approve,
    pending_approvals,
    reject,
    withdraw,
)
from desktop.settings import signed_in_person
from ui.cli.context import CliContext, print_json

#: Exit status when the last approval arrived but the asset had changed meanwhile.
EXIT_CONFLICT = 3


def register(subparsers: Any) -> None:
    approvals = subparsers.add_parser("approvals", help="procedures waiting for approval")
    actions = approvals.add_subparsers(dest="approvals_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", help="pending procedures, and whether you may decide each (with --as)"
    )
    listing.add_argument(
        "--as", dest="as_user", metavar="USER", help="say for whom (default: this computer's user)"
    )
    listing.add_argument("--mine", action="store_true", help="only those USER may decide now")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=_list, database_must_exist=True)

    for name, help_text in (
        ("approve", "approve a pending procedure (completes it at the last approval)"),
        ("reject", "reject a pending procedure (a comment saying why is required)"),
    ):
        parser = subparsers.add_parser(name, help=help_text)
        parser.add_argument("procedure", metavar="ID", help="procedure id (or 6+ first digits)")
        _as_user(parser)
        parser.add_argument(
            "--comment", default="", required=name == "reject", help="why (required to reject)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.set_defaults(handler=_approve if name == "approve" else _reject)

    back = subparsers.add_parser("withdraw", help="take back a procedure you requested")
    back.add_argument("procedure", metavar="ID", help="procedure id (or 6+ first digits)")
    _as_user(back)
    back.add_argument("--reason", default="", help="why it is withdrawn")
    back.set_defaults(handler=_withdraw)


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="who decides (user name; default: the settings' user, on a local file the OS user)",
    )


def _list(ctx: CliContext) -> int:
    user = ctx.args.as_user or signed_in_person(ctx.settings, ctx.url) or None
    with ctx.database().read() as session:
        items = pending_approvals(session, for_user=user)
    if ctx.args.mine:
        items = [i for i in items if i.decidable]
    if ctx.args.json:
        print_json({"for_user": user, "pending": items})
        return 0
    if not items:
        print("Nothing is waiting for approval" + (f" that {user} may decide." if user else "."))
        return 0
    for item in items:
        _print_item(item, show_decidable=user is not None)
    return 0


def _print_item(item: PendingItem, *, show_decidable: bool) -> None:
    when = item.performed_at.astimezone().strftime("%Y-%m-%d %H:%M")
    risk = f", risk {item.risk_level}" if item.risk_level else ""
    print(
        f"{item.procedure_id.hex[:8]}  {item.kind} {item.asset_tag} ({item.asset_name})  "
        f"by {item.performed_by} {when}{risk}  "
        f"[{item.approvals_given}/{item.approvals_required} approvals]"
    )
    if item.ticket_ref or item.reason:
        print(f"          {item.ticket_ref} {item.reason}".rstrip())
    for change in item.changes:
        print(
            f"          {item.change_label(change)}: {change.get('before_text') or '—'}"
            f" → {change.get('after_text') or '—'}"
        )
    for decision in item.decisions:
        print(f"          {decision.decision}d by {decision.approver} {decision.comment}".rstrip())
    if show_decidable:
        print(
            "          you may decide" if item.decidable else f"          not yours: {item.why_not}"
        )


def _approve(ctx: CliContext) -> int:
    outcome = approve(
        ctx.database(),
        procedure_id=ctx.args.procedure,
        approver=ctx.acting_user(),
        comment=ctx.args.comment,
    )
    return _report(ctx, outcome)


def _reject(ctx: CliContext) -> int:
    outcome = reject(
        ctx.database(),
        procedure_id=ctx.args.procedure,
        approver=ctx.acting_user(),
        comment=ctx.args.comment,
    )
    return _report(ctx, outcome)


def _report(ctx: CliContext, outcome: DecisionOutcome) -> int:
    if ctx.args.json:
        print_json(outcome)
    else:
        print(outcome.message)
        for conflict in outcome.conflicts:
            print(f"  {conflict.field}: wanted {conflict.yours!r}, now {conflict.theirs!r}")
        for problem in outcome.problems:
            print(f"  {problem.field}: {problem.message}")
    return EXIT_CONFLICT if outcome.state is ProcedureState.CONFLICT else 0


def _withdraw(ctx: CliContext) -> int:
    outcome = withdraw(
        ctx.database(),
        procedure_id=ctx.args.procedure,
        requester=ctx.acting_user(),
        reason=ctx.args.reason,
    )
    print(f"Withdrew the procedure {outcome.procedure_id} on asset {outcome.asset_tag}.")
    return 0
