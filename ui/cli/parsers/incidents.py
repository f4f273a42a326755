"""The ``assetdesk`` parser of :mod:`ui.cli.commands.incidents`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

import argparse

from desktop.domain.incidents import IncidentStatus
from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The incident template's severity choices (a test keeps them equal to the template's).
SEVERITIES = ("low", "medium", "high", "critical")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("incidents", help="incidents logged against assets")
    actions = parser.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="incidents, newest first")
    listing.add_argument("--open", action="store_true", help="only new, assigned, in progress")
    listing.add_argument("--asset", metavar="TAG", help="only those about this asset")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=Handler("incidents", "_list"), database_must_exist=True)

    show = actions.add_parser("show", help="one incident with its history")
    show.add_argument("number", type=int)
    show.add_argument("--json", action="store_true", help="print JSON for scripts")
    show.set_defaults(handler=Handler("incidents", "_show"), database_must_exist=True)

    log = actions.add_parser("log", help="log a new incident against one or more assets")
    _as_user(log)
    log.add_argument("--asset", metavar="TAG", action="append", default=[], required=True)
    log.add_argument("--title", required=True)
    log.add_argument("--description", default="")
    log.add_argument("--severity", required=True, choices=SEVERITIES)
    log.add_argument("--group", required=True, help="the group it is routed to (name)")
    log.add_argument("--reported-by", metavar="USER", help="who reported it (default: you)")
    log.add_argument(
        "--answer", metavar="KEY=VALUE", action="append", default=[], help="other template fields"
    )
    log.add_argument("--json", action="store_true", help="print JSON for scripts")
    log.set_defaults(handler=Handler("incidents", "_log"))

    move = actions.add_parser("move", help="move an incident to its next status")
    move.add_argument("number", type=int)
    move.add_argument("status", choices=[s.value for s in IncidentStatus])
    _as_user(move)
    move.add_argument("--assignee", metavar="USER", help="to assign: who takes it")
    move.add_argument("--root-cause", default="", help="to resolve: why it happened")
    move.add_argument("--resolution", default="", help="to resolve: what was done")
    move.add_argument("--fixed-by", metavar="PROCEDURE_ID", help="the change that fixed it")
    move.add_argument("--note", default="")
    move.set_defaults(handler=Handler("incidents", "_move"))

    link = actions.add_parser("link", help="link an incident to the change that fixed it")
    link.add_argument("number", type=int)
    link.add_argument("procedure", metavar="PROCEDURE_ID")
    _as_user(link)
    link.set_defaults(handler=Handler("incidents", "_link"))

    note = actions.add_parser("note", help="add a note to an incident's history")
    note.add_argument("number", type=int)
    note.add_argument("text")
    _as_user(note)
    note.set_defaults(handler=Handler("incidents", "_note"))

    report = actions.add_parser("report", help="assets by incident count, open incidents by group")
    report.add_argument("--json", action="store_true", help="print JSON for scripts")
    report.set_defaults(handler=Handler("incidents", "_report"), database_must_exist=True)


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_user", metavar="USER", help="who you are (user name)")
