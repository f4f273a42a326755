"""``assetdesk approvals list``, ``approve ID``, ``reject ID``, ``withdraw ID``.

The same services as the GUI's inbox: the segregation-of-duties rules apply here too.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureState
from desktop.local_time import local_minute
from desktop.services.approvals import (
    DecisionOutcome,
    PendingItem,
    approve,
    pending_approvals,
    reject,
    withdraw,
)
from desktop.services.identity import login_of, person_of_login
from desktop.settings import signed_in_person
from ui.cli.context import CliContext, print_json

#: Exit status when the last approval arrived but the asset had changed meanwhile.
EXIT_CONFLICT = 3


def _list(ctx: CliContext) -> int:
    user = ctx.args.as_user or signed_in_person(ctx.settings, ctx.url) or None
    with ctx.database().read() as session:
        login = login_of(session)
        user = user or _login_person(session)
        items = pending_approvals(session, for_user=user)
    if ctx.args.mine:
        items = [i for i in items if i.decidable]
    if ctx.args.json:
        # Whom the list is for, and on a server the login that read it (a script could
        # not tell "nobody named" from a login that no person holds).
        print_json(
            {
                "for_user": user,
                "login": login.name if login is not None else None,
                "owner_login": login.owner if login is not None else None,
                "pending": items,
            }
        )
        return 0
    if not items:
        print("Nothing is waiting for approval" + (f" that {user} may decide." if user else "."))
        return 0
    for item in items:
        _print_item(item, show_decidable=user is not None)
    return 0


def _login_person(session: Session) -> str | None:
    """On a shared server, the person whose login asks (None on a local file, or for a
    login nobody holds): an approver's ``approvals list --mine`` said "Nothing is waiting
    for approval." while a change waited for him, as nobody was named (found by a new
    user)."""
    login = login_of(session)
    own = person_of_login(session, login.name) if login is not None else None
    return own.username if own is not None else None


def _print_item(item: PendingItem, *, show_decidable: bool) -> None:
    when = local_minute(item.performed_at)
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
