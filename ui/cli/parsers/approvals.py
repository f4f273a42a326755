"""The ``assetdesk`` parser of :mod:`ui.cli.commands.approvals`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

import argparse

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    listing.set_defaults(handler=Handler("approvals", "_list"), database_must_exist=True)

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
        parser.set_defaults(
            handler=Handler("approvals", "_approve" if name == "approve" else "_reject")
        )

    back = subparsers.add_parser("withdraw", help="take back a procedure you requested")
    back.add_argument("procedure", metavar="ID", help="procedure id (or 6+ first digits)")
    _as_user(back)
    back.add_argument("--reason", default="", help="why it is withdrawn")
    back.set_defaults(handler=Handler("approvals", "_withdraw"))


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="who decides (user name; default: the settings' user, on a local file the OS user)",
    )
