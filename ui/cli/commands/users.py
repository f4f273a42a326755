"""``assetdesk users add | list | set-role | disable | set-password | log``.

The people of a shared register and their database logins, without SQL. Run with an
administrator's login (or the owner login); a local file has no logins and refuses at
once, before a password is asked, saying where its people are (Data › People, --as).
A password is read from the terminal (hidden), from standard input with
``--password-stdin``, or generated and shown once; it is never stored or logged.
"""

from __future__ import annotations

import getpass
import sys

from desktop.errors import DesktopError
from desktop.services.users import (
    add_user,
    admin_log,
    disable_user,
    enable_user,
    generate_password,
    list_users,
    own_login,
    set_password,
    set_roles,
)
from desktop.storage.database import Database
from ui.cli.context import CliContext, print_json

#: What ``users list`` says on a local file, which has people but no database logins.
LOCAL_FILE_PEOPLE = (
    "A local file has no database logins (users add is for a shared server). Its people "
    "and their roles are in the window's Data › People; act as one of them with --as "
    "USER, or choose the signed-in person in File › Settings"
)


#: What the commands that change logins say on a local file, before any password is asked.
LOCAL_FILE_NO_LOGINS = (
    "a local file has no database logins (users add, set-role, disable, enable and "
    "set-password are for a shared server): its people and their roles are in the "
    "window's Data › People; act as one of them with --as USER, or choose the signed-in "
    "person in File › Settings"
)


def _logins(ctx: CliContext) -> Database:
    """The database, refused at once when it is a local file (nothing asked, nothing
    written): a technician typing a password twice for nothing was the alternative."""
    db = ctx.database()
    if db.is_sqlite:
        raise DesktopError(LOCAL_FILE_NO_LOGINS)
    return db


def _password(ctx: CliContext) -> tuple[str, bool]:
    """The password and whether it was generated (then it is shown once)."""
    if ctx.args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise DesktopError("--password-stdin: standard input held no password")
        return password, False
    if sys.stdin.isatty():
        first = getpass.getpass("Password (empty: generate one): ")
        if first:
            if getpass.getpass("Again: ") != first:
                raise DesktopError("the two passwords differ; nothing was changed")
            return first, False
    return generate_password(), True


def _show_generated(login: str, password: str) -> None:
    print(f"Password for {login} (shown once, give it to them in person): {password}")


def _add(ctx: CliContext) -> int:
    db = _logins(ctx)
    password, generated = _password(ctx)
    row = add_user(
        db,
        login=ctx.args.login,
        roles=ctx.args.role,
        password=password,
        name=ctx.args.name,
        email=ctx.args.email,
    )
    print(f"Added {row.name} ({row.login}) with the role {', '.join(row.roles)}")
    if generated:
        _show_generated(row.login, password)
    return 0


def _list(ctx: CliContext) -> int:
    db = ctx.database()
    rows = list_users(db)
    if ctx.args.json:
        print_json(rows)
        return 0
    if not rows and db.is_sqlite:
        # 'users add' refuses on a local file: do not send the user there.
        print(LOCAL_FILE_PEOPLE)
        return 0
    if not rows:
        print("No logins yet: add people with 'assetdesk users add NAME --role ROLE'")
        return 0
    for row in rows:
        state = "" if row.active else "  (disabled)"
        print(f"{row.login:<24} {row.name:<30} {', '.join(row.roles)}{state}")
    return 0


def _set_role(ctx: CliContext) -> int:
    row = set_roles(_logins(ctx), login=ctx.args.login, roles=ctx.args.roles)
    print(f"{row.name} ({row.login}) now holds {', '.join(row.roles)}")
    return 0


def _disable(ctx: CliContext) -> int:
    row = disable_user(_logins(ctx), login=ctx.args.login)
    print(f"{row.name} ({row.login}) is disabled: the login can no longer connect")
    return 0


def _enable(ctx: CliContext) -> int:
    row = enable_user(_logins(ctx), login=ctx.args.login)
    print(f"{row.name} ({row.login}) is enabled: the login can connect again")
    return 0


def _set_password(ctx: CliContext) -> int:
    db = _logins(ctx)
    login = ctx.args.login or own_login(db)
    password, generated = _password(ctx)
    set_password(db, login=login, password=password)
    print(f"The password of {login} was changed")
    if generated:
        _show_generated(login, password)
    return 0


def _log(ctx: CliContext) -> int:
    rows = admin_log(ctx.database())
    if ctx.args.json:
        print_json(rows)
        return 0
    for row in rows:
        print(f"{row.at}  {row.actor:<20} {row.action:<13} {row.target:<20} {row.detail}")
    return 0
