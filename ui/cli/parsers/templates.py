"""The ``assetdesk`` parser of :mod:`ui.cli.commands.templates`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from desktop.domain.lifecycle import ProcedureKind
from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``desktop.services.template_admin.APPROVABLE_KINDS`` (a test keeps the two equal).
APPROVABLE_KINDS = (
    ProcedureKind.INSTALL,
    ProcedureKind.CHANGE,
    ProcedureKind.DECOMMISSION,
    ProcedureKind.DISPOSE,
    ProcedureKind.AUDIT_CORRECTION,
)


HELP = (
    "procedure templates: list them, set how many approvals a kind needs and which fields "
    "take a scan (administrators)"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("templates", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the current templates and their approval rule")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=Handler("templates", "_list"), database_must_exist=True)
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
    approval.set_defaults(handler=Handler("templates", "_set_approval"))
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
    scan.set_defaults(handler=Handler("templates", "_set_scan"))
