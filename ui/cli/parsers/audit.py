"""The ``assetdesk`` parser of :mod:`ui.cli.commands.audit`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from pathlib import Path

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``desktop.services.audit_due``'s ``DueList`` values and ``DEFAULT_WITHIN_DAYS`` (a test
#: keeps them equal).
DUE_LISTS = ("overdue", "due", "never")
DEFAULT_WITHIN_DAYS = 30


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("audit", help="inventory audits: start, scan, close, report")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    start = actions.add_parser("start", help="open an audit of a location subtree")
    start.add_argument("--scope", required=True, metavar="LOCATION", help="location code or name")
    start.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="CATEGORY",
        help="limit to a category (name or tag prefix); repeat for several",
    )
    start.add_argument("--name", help="the audit's name (default: scope and date)")
    _common(start)
    start.set_defaults(handler=Handler("audit", "_start"))

    scan = actions.add_parser(
        "scan",
        help="scan tags into an open audit (from the arguments or standard input)",
        description="With --json, prints one JSON object per scan and line (JSON Lines).",
    )
    scan.add_argument("audit", help="the audit's id, id prefix or name")
    scan.add_argument(
        "tags",
        nargs="*",
        metavar="TAG",
        help="tags or location codes; '-' or none: read standard input",
    )
    scan.add_argument(
        "--room",
        metavar="CODE",
        help="the room the first scans are made in (default: the audit's room when its "
        "scope is one room)",
    )
    _common(scan)
    scan.set_defaults(handler=Handler("audit", "_scan"))

    close = actions.add_parser("close", help="close an audit and print its reconciliation")
    close.add_argument("audit", help="the audit's id, id prefix or name")
    close.add_argument(
        "--apply",
        default="",
        metavar="ACTIONS",
        help="comma-separated: moves (record misplaced assets' moves), missing (mark missing), "
        "audited (set last audited on everything found). On a closed audit: apply only.",
    )
    _common(close)
    close.set_defaults(handler=Handler("audit", "_close"))

    report = actions.add_parser("report", help="write the audit report workbook")
    report.add_argument("audit", help="the audit's id, id prefix or name")
    report.add_argument("-o", "--output", required=True, type=Path, metavar="REPORT.xlsx")
    report.add_argument("--overwrite", action="store_true", help="replace REPORT if it exists")
    report.set_defaults(handler=Handler("audit", "_report"), database_must_exist=True)

    listing = actions.add_parser("list", help="every audit, open ones first")
    listing.add_argument("--open", action="store_true", help="only open audits")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=Handler("audit", "_list"), database_must_exist=True)

    due = actions.add_parser("due", help="assets overdue, due soon or never audited")
    due.add_argument(
        "--list",
        dest="due_list",
        choices=DUE_LISTS,
        default=DUE_LISTS[0],
        help="overdue (default), due (within --within days, never audited included) or never",
    )
    due.add_argument("--within", type=int, default=DEFAULT_WITHIN_DAYS, metavar="DAYS")
    due.add_argument("--location", metavar="LOCATION", help="only this location and below")
    due.add_argument("--limit", type=int, default=100, help="at most this many rows (default 100)")
    due.add_argument("--json", action="store_true", help="print JSON for scripts")
    due.set_defaults(handler=Handler("audit", "_due"), database_must_exist=True)


def _common(parser: Any) -> None:
    parser.add_argument("--as", dest="as_user", metavar="USER", help="who does it (user name)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
