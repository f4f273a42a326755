"""The ``assetdesk`` parser of :mod:`ui.cli.commands.asset`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``desktop.services.queries.HISTORY_SHOWN`` (a test keeps the two equal).
HISTORY_SHOWN = 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("asset", help="look at one asset")
    asset_commands = parser.add_subparsers(dest="asset_command", metavar="ACTION", required=True)
    show = asset_commands.add_parser("show", help="an asset's fields and history")
    show.add_argument("tag", help="the asset tag (case and surrounding spaces do not matter)")
    show.add_argument(
        "--history",
        metavar="N",
        default=str(HISTORY_SHOWN),
        help=f"how many procedures to print, newest first (default {HISTORY_SHOWN}; 'all')",
    )
    show.add_argument(
        "--json", action="store_true", help="print JSON for scripts (with every procedure)"
    )
    show.set_defaults(handler=Handler("asset", "_show"), database_must_exist=True)
