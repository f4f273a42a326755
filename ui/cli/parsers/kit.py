"""The ``assetdesk`` parser of :mod:`ui.cli.commands.kit`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "kit", help="field kits: check out part of the register, work offline, sync back"
    )
    actions = parser.add_subparsers(dest="kit_command", metavar="ACTION", required=True)

    checkout = actions.add_parser(
        "checkout",
        help="copy a scope of the database (--database) into a new kit file",
        description="Assets matching any part of the scope go into the kit: the locations "
        "given (each with everything below it), the assets assigned to the people given, "
        "a search, an open audit.",
    )
    checkout.add_argument(
        "--scope",
        nargs="+",
        default=[],
        metavar="LOCATION",
        help="locations (code or name), each with its sub-locations",
    )
    checkout.add_argument(
        "--assigned-to",
        action="append",
        default=[],
        metavar="USER",
        help="the assets assigned to this person (user name); repeat for several",
    )
    checkout.add_argument("--search", metavar="TEXT", help="assets matching this search")
    checkout.add_argument("--audit", metavar="AUDIT", help="an open audit (id or name)")
    checkout.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE", help="the kit file to make"
    )
    _common(checkout)
    checkout.set_defaults(handler=Handler("kit", "_checkout"), database_must_exist=True)

    status = actions.add_parser(
        "status", help="what the kit (--database KIT) holds and how many records wait to sync"
    )
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=Handler("kit", "_status"), database_must_exist=True)

    sync = actions.add_parser(
        "sync",
        help="replay a kit's offline records on the database it came from, then refresh it",
    )
    sync.add_argument("kit", type=Path, metavar="FILE", help="the kit file")
    sync.add_argument(
        "--dry-run",
        action="store_true",
        help="say what each record would become; change nothing on either side",
    )
    sync.add_argument(
        "--check-in",
        action="store_true",
        help="then end the checkout: the kit goes back for good and takes no more work",
    )
    _password_option(sync)
    _common(sync)
    sync.set_defaults(handler=Handler("kit", "_sync"))

    listing = actions.add_parser(
        "conflicts", help="offline records the database could not take as they were"
    )
    listing.add_argument("--all", action="store_true", help="resolved ones too")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    _password_option(listing)
    listing.set_defaults(handler=Handler("kit", "_conflicts"), database_must_exist=True)

    resolve = actions.add_parser(
        "resolve",
        help="settle one conflict: take the server's values, re-apply the kit's, or edit",
    )
    resolve.add_argument("conflict", metavar="ID", help="the conflict's number or id")
    resolve.add_argument(
        "--take",
        required=True,
        choices=("server", "kit", "edit"),
        help="server: keep the server's values; kit: record the kit's as a new procedure; "
        "edit: record the values given with --set",
    )
    resolve.add_argument(
        "--set",
        dest="edits",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="with --take edit: a field's value; repeat for several",
    )
    resolve.add_argument("--note", default="", help="why (kept with the resolution)")
    _common(resolve)
    _password_option(resolve)
    resolve.set_defaults(handler=Handler("kit", "_resolve"))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_user", metavar="USER", help="who does it (user name)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def _password_option(parser: Any) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password of the kit's database from standard input (for scripts); "
        "otherwise it comes from the keyring or ~/.pgpass, or is asked for on a terminal",
    )
