"""``assetdesk templates list | set-approval | set-scan``: the procedure templates, their
approval rule and which of their fields take a barcode scan (administrators). Each edit
adds a template version; procedures keep theirs."""

from __future__ import annotations

from typing import Any

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.template_admin import (
    APPROVABLE_KINDS,
    list_templates,
    parse_approvers,
    set_approval,
    set_field_scans,
)
from ui.cli.context import CliContext, print_json

HELP = (
    "procedure templates: list them, set how many approvals a kind needs and which fields "
    "take a scan (administrators)"
)


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
    scan = actions.add_parser(
        "set-scan",
        help="whether a template's text field takes a barcode scan (a new template version)",
        description="Let a text field of a procedure kind's template take a barcode scan "
        "(the scan becomes its value, as the serial number's does), or with --off ignore "
        "scans again. FIELD is the field's key, as 'templates list' shows it. With "
        "--category, the category's own template (made from the general one if needed).",
    )
    scan.add_argument("kind", choices=[k.value for k in ProcedureKind], metavar="KIND")
    scan.add_argument("field", metavar="FIELD")
    scan.add_argument("--off", action="store_true", help="the field ignores scans")
    scan.add_argument("--category", metavar="CAT", help="only this category's template")
    scan.add_argument("--as", dest="as_user", metavar="USER", help="say who you are")
    scan.set_defaults(handler=_set_scan)


def _list(ctx: CliContext) -> int:
    with ctx.database().read() as session:
        rows = list_templates(session)
    if ctx.args.json:
        print_json(rows)
        return 0
    for row in rows:
        scope = row.category or "all categories"
        fields = ", ".join(
            f"{key} (takes scans)" if key in row.scan_fields else key for key, _ in row.text_fields
        )
        text = f"  text fields: {fields}" if fields else ""
        print(f"{row.kind:<18} {scope:<20} v{row.version:<3} approval: {row.approval}{text}")
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


def _set_scan(ctx: CliContext) -> int:
    row = set_field_scans(
        ctx.database(),
        ctx.acting_user(),
        ProcedureKind(ctx.args.kind),
        field=ctx.args.field,
        accepts_scan=not ctx.args.off,
        category=ctx.args.category,
    )
    scope = f" for {row.category}" if row.category else ""
    key = next(k for k, _ in row.text_fields if k.lower() == ctx.args.field.strip().lower())
    said = "takes a scan" if key in row.scan_fields else "ignores scans"
    print(f"{row.kind}{scope}: {key} {said} (template version {row.version})")
    return 0
