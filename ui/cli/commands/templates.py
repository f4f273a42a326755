"""``assetdesk templates list | set-approval``: the procedure templates and their approval
rule (administrators). Each edit adds a template version; procedures keep theirs."""

from __future__ import annotations

from typing import Any

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.template_admin import (
    APPROVABLE_KINDS,
    list_templates,
    parse_approvers,
    set_approval,
)
from ui.cli.context import CliContext, print_json

HELP = "procedure templates: list them, set how many approvals a kind needs (administrators)"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("templates", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the current templates and their approval rule")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=_list, database_must_exist=True)
    approval = actions.add_parser(
        "set-approval",
        help="how many approvals a kind waits for (a new template version)",
        description="Set how many approvers a procedure kind waits for: a number, or "
        "'never' (a one-person local file cannot approve its own decommissions). With "
        "--category, the category's own template (made from the general one if needed).",
    )
    approval.add_argument("kind", choices=[k.value for k in APPROVABLE_KINDS], metavar="KIND")
    approval.add_argument("--category", metavar="CAT", help="only this category's template")
    approval.add_argument("--approvers", required=True, metavar="N|never")
    approval.add_argument("--as", dest="as_user", metavar="USER", help="say who you are")
    approval.set_defaults(handler=_set_approval)


def _list(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        rows = list_templates(session)
    if ctx.args.json:
        print_json(rows)
        return 0
    for row in rows:
        scope = row.category or "all categories"
        print(f"{row.kind:<18} {scope:<20} v{row.version:<3} approval: {row.approval}")
    return 0


def _set_approval(ctx: CliContext) -> int:
    approvers = parse_approvers(ctx.args.approvers)
    row = set_approval(
        ctx.database(),
        ctx.acting_user(),
        ProcedureKind(ctx.args.kind),
        approvers=approvers,
        category=ctx.args.category,
    )
    scope = f" for {row.category}" if row.category else ""
    print(f"{row.kind}{scope}: approval {row.approval} (template version {row.version})")
    return 0
