"""The ``assetdesk`` parser of :mod:`ui.cli.commands.selftest`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "selftest",
        help="check this installation: database, procedures, export, labels (headless)",
        description="Create a database in a temporary folder, record procedures, export a "
        "workbook and render a label PDF; print one line per check. Exits non-zero if any "
        "check fails. Your own database is not touched.",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder and print where it is"
    )
    parser.set_defaults(handler=Handler("selftest", "_selftest"))
