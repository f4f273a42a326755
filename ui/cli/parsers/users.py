"""The ``assetdesk`` parser of :mod:`ui.cli.commands.users`: its arguments and help,
light to import (issue 17); each handler is imported when its command runs."""

from __future__ import annotations

from ui.cli.parsers import Handler

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``desktop.storage.logins.DATABASE_ROLES`` (a test keeps the two equal).
DATABASE_ROLES = ("viewer", "technician", "approver", "auditor", "administrator")


HELP = "people and their database logins on a shared server (administrators)"


ROLES_HELP = f"one of {', '.join(DATABASE_ROLES)} (repeat for several; viewer only reads)"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("users", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="create a person's login with a role",
        description="Create a database login for one person, with their role(s), and the "
        "person record it belongs to (an existing person of that user name without a login "
        "is bound to it). The password is asked for on a terminal (leave it empty to have "
        "one generated), read from standard input with --password-stdin, or else generated; "
        "a generated password is shown once.",
    )
    add.add_argument("login", metavar="NAME", help="the login, also the person's user name")
    add.add_argument("--role", action="append", required=True, metavar="ROLE", help=ROLES_HELP)
    add.add_argument("--name", help="the person's full name (default: NAME)")
    add.add_argument("--email", help="the person's e-mail address")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.set_defaults(handler=Handler("users", "_add"))

    listing = actions.add_parser("list", help="the logins, their people and roles")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=Handler("users", "_list"), database_must_exist=True)

    set_role = actions.add_parser("set-role", help="replace a login's roles")
    set_role.add_argument("login", metavar="NAME")
    set_role.add_argument("roles", nargs="+", metavar="ROLE", help=ROLES_HELP)
    set_role.set_defaults(handler=Handler("users", "_set_role"))

    disable = actions.add_parser(
        "disable", help="stop a login (the person stays in the history, inactive)"
    )
    disable.add_argument("login", metavar="NAME")
    disable.set_defaults(handler=Handler("users", "_disable"))

    enable = actions.add_parser(
        "enable", help="let a disabled login connect again (its person active again)"
    )
    enable.add_argument("login", metavar="NAME")
    enable.set_defaults(handler=Handler("users", "_enable"))

    password = actions.add_parser(
        "set-password",
        help="a new password for a login (yours without NAME)",
        description="Rotate a password: an administrator for anyone, everybody for their "
        "own login. Asked for on a terminal, read with --password-stdin, or generated and "
        "shown once.",
    )
    password.add_argument("login", metavar="NAME", nargs="?")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.set_defaults(handler=Handler("users", "_set_password"))

    log = actions.add_parser("log", help="the administration log (append-only)")
    log.add_argument("--json", action="store_true", help="print JSON for scripts")
    log.set_defaults(handler=Handler("users", "_log"), database_must_exist=True)
