"""Administration without SQL: the people of a shared register and their database logins.

``assetdesk users add|list|set-role|disable|set-password`` and the reference-data window's
Users page call these. Each works on PostgreSQL and MariaDB, run by an administrator's
login (or the owner login); a local file is single-user and has no logins. Each action
is written to ``admin_log`` (append-only: the database refuses UPDATE and DELETE).

Passwords are never stored, logged or echoed: the server is sent only the verifier
(PostgreSQL's SCRAM-SHA-256 secret, MariaDB's ``mysql_native_password`` hash), computed
here, so that not even the statement text holds the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from desktop.domain.permissions import ADMINISTRATOR, ALL_ROLES
from desktop.errors import (
    DesktopError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    ValidationError,
)
from desktop.services import reference
from desktop.services.identity import person_of_login
from desktop.storage.database import Database
from desktop.storage.logins import (
    DATABASE_ROLES,
    VIEWER,
    SessionLogin,
    check_login_name,
    database_name,
    personal_role,
    quote,
    role_name,
    session_login,
)
from desktop.storage.models import AdminLogEntry, Person, PersonLogin, Role

PASSWORD_MIN = 10


@dataclass(frozen=True)
class UserRow:
    """One person with a login, as ``users list`` shows them."""

    login: str
    name: str
    username: str
    roles: tuple[str, ...]
    active: bool


@dataclass(frozen=True)
class AdminLogRow:
    at: str
    actor: str
    action: str
    target: str
    detail: str


def generate_password() -> str:
    """A new random password (shown once, never stored)."""
    return secrets.token_urlsafe(15)


def parse_roles(names: Iterable[str]) -> tuple[str, ...]:
    """Our role names (``viewer`` alone means none), in the documented order."""
    wanted = {n.strip().lower() for n in names if n.strip()}
    unknown = sorted(wanted - set(DATABASE_ROLES))
    if unknown:
        raise ValidationError(
            Problem(
                "role",
                f"'{unknown[0]}' is not a role; the roles are {', '.join(DATABASE_ROLES)}",
            )
        )
    if not wanted:
        raise ValidationError(Problem("role", "name at least one role (viewer to only read)"))
    return tuple(r for r in ALL_ROLES if r in wanted)


def _login_name(login: str) -> str:
    try:
        return check_login_name(login)
    except ValueError:
        raise ValidationError(
            Problem(
                "login",
                f"'{login}' cannot be a login: use lower-case letters, digits and _, "
                "starting with a letter (at most 63)",
            )
        ) from None


def _password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise ValidationError(
            Problem("password", f"a password needs at least {PASSWORD_MIN} characters")
        )
    return password


# -- verifiers: the server never sees the password itself ------------------------------


def _scram_sha_256(password: str) -> str:
    salt = os.urandom(16)
    iterations = 4096
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _native_hash(password: str) -> str:
    return "*" + hashlib.sha1(hashlib.sha1(password.encode()).digest()).hexdigest().upper()


def _password_clause(connection: Connection, password: str) -> str:
    if connection.dialect.name == "postgresql":
        return f"PASSWORD '{_scram_sha_256(password)}'"
    return f"IDENTIFIED BY PASSWORD '{_native_hash(password)}'"


# -- who may administer ----------------------------------------------------------------


_LOCAL_FILE = (
    "users are database logins on a shared PostgreSQL or MariaDB server; a local file is "
    "single-user (its person is set in the settings or with --as)"
)


def _refusal(session: Session) -> tuple[str | None, SessionLogin, Person | None]:
    login = session_login(session.connection())
    assert login is not None
    actor = person_of_login(session, login.name)
    if login.owner:
        return None, login, actor
    held = {role.name for role in actor.roles} if actor else set()
    if actor is None or not actor.active or ADMINISTRATOR not in held:
        who = f"{actor.name} ({actor.username})" if actor else f"the login '{login.name}'"
        return f"{who} may not administer users: that needs the administrator role", login, actor
    return None, login, actor


def administration_refusal(db: Database) -> str | None:
    """Why this connection may not administer users; None when it may."""
    if db.is_sqlite:
        return _LOCAL_FILE
    with db.read() as session:
        return _refusal(session)[0]


@contextmanager
def _administering(db: Database) -> Iterator[tuple[Session, SessionLogin, Person | None]]:
    if db.is_sqlite:
        raise DesktopError(_LOCAL_FILE)
    with db.write() as session:
        refusal, login, actor = _refusal(session)
        if refusal is not None:
            raise PermissionDeniedError(refusal)
        yield session, login, actor


def _log(
    session: Session,
    login: SessionLogin,
    actor: Person | None,
    action: str,
    target: str,
    detail: str,
) -> None:
    session.add(
        AdminLogEntry(
            actor_login=login.name,
            actor_id=actor.id if actor else None,
            action=action,
            target_login=target,
            detail=detail,
        )
    )
    session.flush()


def _refuse_on_own_login(actor_login: SessionLogin, login: str, what: str) -> None:
    """An administrator may not lock themselves out: disabling their own login, or taking
    the administrator role from it, is left to another administrator (or the owner login).
    The database refused the second half-way with "permission denied for table
    person_roles", and the first left a register whose only administrator could no longer
    connect, with no command to undo it (found by a new user)."""
    if actor_login.owner or actor_login.name.lower() != login.lower():
        return
    raise ValidationError(
        Problem(
            "login",
            f"you cannot {what} your own login '{login}': another administrator does it "
            "(or the owner login), so that the register never loses its administrators "
            "by mistake",
        )
    )


def _bound(session: Session, login: str) -> Person:
    person = person_of_login(session, login)
    if person is None:
        raise NotFoundError(f"there is no person with the login '{login}'")
    return person


# -- the actions -----------------------------------------------------------------------


def list_users(db: Database) -> list[UserRow]:
    with db.read() as session:
        rows = session.execute(
            select(PersonLogin.login, Person).join(Person, Person.id == PersonLogin.person_id)
        ).all()
        return sorted(
            (
                UserRow(
                    login=login,
                    name=person.name,
                    username=person.username,
                    roles=tuple(r for r in ALL_ROLES if r in {x.name for x in person.roles})
                    or (VIEWER,),
                    active=person.active,
                )
                for login, person in rows
            ),
            key=lambda row: row.login,
        )


def admin_log(db: Database, limit: int = 200) -> list[AdminLogRow]:
    with db.read() as session:
        entries = session.execute(
            select(AdminLogEntry).order_by(AdminLogEntry.at.desc()).limit(limit)
        ).scalars()
        return [
            AdminLogRow(
                e.at.isoformat(timespec="seconds"),
                e.actor_login,
                e.action,
                e.target_login,
                e.detail,
            )
            for e in entries
        ]


def add_user(
    db: Database,
    *,
    login: str,
    roles: Iterable[str],
    password: str,
    name: str | None = None,
    email: str | None = None,
) -> UserRow:
    """Create ``login`` on the server with ``roles`` and the person it belongs to.

    A person whose user name is ``login`` and who has no login yet is bound to it (a
    register brought from a local file keeps its people).
    """
    login = _login_name(login)
    held = parse_roles(roles)
    password = _password(password)
    with _administering(db) as (session, actor_login, actor):
        taken = session.execute(
            select(PersonLogin.person_id).where(func.lower(PersonLogin.login) == login)
        ).first()
        if taken is not None:
            raise ValidationError(Problem("login", f"the login '{login}' exists already"))
        person = session.execute(
            select(Person).where(func.lower(Person.username) == login)
        ).scalar_one_or_none()
        if person is not None and session.get(PersonLogin, person.id) is not None:
            raise ValidationError(
                Problem("login", f"{person.name} ({person.username}) has a login already")
            )
        connection = session.connection()
        if connection.dialect.name == "postgresql":  # DDL in the same transaction
            _pg_create(connection, login, held, password)
        else:  # DDL commits on MariaDB: the login first, dropped again if the rest fails
            _mariadb_create_user(connection, login, password)
        try:
            if connection.dialect.name != "postgresql":
                _mariadb_grant(connection, login, held)
            app_roles = [r for r in held if r != VIEWER]
            if person is None:
                person = reference.create_person(
                    session, name=name or login, username=login, email=email, roles=app_roles
                )
            else:
                person.roles = _roles(session, app_roles)
            session.add(PersonLogin(person_id=person.id, login=login))
            _log(session, actor_login, actor, "add", login, f"roles: {', '.join(held)}")
        except BaseException:
            if connection.dialect.name != "postgresql":
                _mariadb_drop(db, login)
            raise
        return UserRow(login, person.name, person.username, held, True)


def set_roles(db: Database, *, login: str, roles: Iterable[str]) -> UserRow:
    login = _login_name(login)
    held = parse_roles(roles)
    with _administering(db) as (session, actor_login, actor):
        person = _bound(session, login)
        before = tuple(r for r in ALL_ROLES if r in {x.name for x in person.roles}) or (VIEWER,)
        if ADMINISTRATOR in before and ADMINISTRATOR not in held:
            _refuse_on_own_login(actor_login, login, "take the administrator role from")
        _grant_roles(session.connection(), login, before, held)
        person.roles = _roles(session, [r for r in held if r != VIEWER])
        session.flush()
        _log(
            session,
            actor_login,
            actor,
            "set-role",
            login,
            f"roles: {', '.join(before)} -> {', '.join(held)}",
        )
        return UserRow(login, person.name, person.username, held, person.active)


def disable_user(db: Database, *, login: str) -> UserRow:
    """Stop a login connecting and make its person inactive (they stay in the history)."""
    return _set_login_enabled(db, login, enabled=False)


def enable_user(db: Database, *, login: str) -> UserRow:
    """Let a disabled login connect again and its person act again (an administrator's
    action, logged as disabling is): the undo of :func:`disable_user`."""
    return _set_login_enabled(db, login, enabled=True)


def _set_login_enabled(db: Database, login: str, *, enabled: bool) -> UserRow:
    login = _login_name(login)
    with _administering(db) as (session, actor_login, actor):
        person = _bound(session, login)
        if not enabled:
            _refuse_on_own_login(actor_login, login, "disable")
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            switch = "LOGIN" if enabled else "NOLOGIN"
            _ddl(connection, f"ALTER ROLE {quote(connection, login)} {switch}")
        else:
            switch = "UNLOCK" if enabled else "LOCK"
            _ddl(connection, f"ALTER USER {_account(connection, login)} ACCOUNT {switch}")
        person.active = enabled
        session.flush()
        if enabled:
            _log(session, actor_login, actor, "enable", login, "login enabled, person active")
        else:
            _log(session, actor_login, actor, "disable", login, "login disabled, person inactive")
        roles = tuple(r for r in ALL_ROLES if r in {x.name for x in person.roles}) or (VIEWER,)
        return UserRow(login, person.name, person.username, roles, enabled)


def own_login(db: Database) -> str:
    """The login this connection runs as (for rotating one's own password)."""
    if db.is_sqlite:
        raise DesktopError("a local file has no logins: there is no password to change")
    with db.read() as session:
        login = session_login(session.connection())
        assert login is not None
        return login.name


def set_password(db: Database, *, login: str, password: str) -> None:
    """A new password for ``login`` (an administrator for anyone; a person for their own)."""
    login = _login_name(login)
    password = _password(password)
    if db.is_sqlite:
        raise DesktopError("a local file has no logins: there is no password to change")
    with db.write() as session:
        own = session_login(session.connection())
        assert own is not None
    if own.name.lower() == login:
        with db.write() as session:
            connection = session.connection()
            # Not administration: no log entry (a viewer's login writes nothing at all).
            if connection.dialect.name == "postgresql":
                _alter_password(connection, login, password)
            else:  # one's own, without the CREATE USER privilege
                _ddl(connection, f"SET PASSWORD = '{_native_hash(password)}'")
        return
    with _administering(db) as (session, actor_login, actor):
        _bound(session, login)
        _alter_password(session.connection(), login, password)
        _log(session, actor_login, actor, "set-password", login, "password changed")


# -- server statements -----------------------------------------------------------------


def _ddl(connection: Connection, statement: str) -> None:
    """One administrative statement (PyMySQL reads ``%`` as a placeholder: doubled)."""
    if connection.dialect.name != "postgresql":
        statement = statement.replace("%", "%%")
    connection.exec_driver_sql(statement)


def _account(connection: Connection, login: str) -> str:
    return f"'{login}'@'%'"


def _alter_password(connection: Connection, login: str, password: str) -> None:
    if connection.dialect.name == "postgresql":
        _ddl(
            connection,
            f"ALTER ROLE {quote(connection, login)} {_password_clause(connection, password)}",
        )
    else:
        _ddl(
            connection,
            f"ALTER USER {_account(connection, login)} {_password_clause(connection, password)}",
        )


def _exists_already(login: str) -> ValidationError:
    return ValidationError(
        Problem(
            "login",
            f"the server has a login '{login}' already (for another database, or not made "
            "by Assetdesk): logins are server-wide, choose another name",
        )
    )


def _pg_create(connection: Connection, login: str, held: tuple[str, ...], password: str) -> None:
    exists = connection.exec_driver_sql(
        "SELECT 1 FROM pg_roles WHERE rolname = %(name)s", {"name": login}
    ).first()
    if exists is not None:  # never take over a login another register (or person) uses
        raise _exists_already(login)
    name = quote(connection, login)
    _ddl(connection, f"CREATE ROLE {name} LOGIN {_password_clause(connection, password)}")
    _grant_roles(connection, login, (), held)


def _mariadb_create_user(connection: Connection, login: str, password: str) -> None:
    try:
        _ddl(
            connection,
            f"CREATE USER {_account(connection, login)} {_password_clause(connection, password)}",
        )
    except DBAPIError as exc:
        if "1396" in str(exc.orig):  # Operation CREATE USER failed: it exists
            raise _exists_already(login) from exc
        raise


def _mariadb_grant(connection: Connection, login: str, held: tuple[str, ...]) -> None:
    account = _account(connection, login)
    database = quote(connection, database_name(connection))
    own_role = quote(connection, personal_role(connection, login))
    # Connecting to the database needs a privilege of the login itself (roles are only
    # switched on after connecting): reading, which every person may.
    _ddl(connection, f"GRANT SELECT ON {database}.* TO {account}")
    _ddl(connection, f"CREATE ROLE IF NOT EXISTS {own_role}")
    _ddl(connection, f"GRANT {own_role} TO {account}")
    _grant_roles(connection, login, (), held)


def _grant_roles(
    connection: Connection, login: str, before: tuple[str, ...], after: tuple[str, ...]
) -> None:
    """Make the login hold the database roles ``after`` (it held ``before``)."""
    pg = connection.dialect.name == "postgresql"
    grantee = (
        quote(connection, login) if pg else quote(connection, personal_role(connection, login))
    )
    old = {VIEWER, *before}
    new = {VIEWER, *after}
    for role in sorted(old - new):
        _ddl(connection, f"REVOKE {quote(connection, role_name(connection, role))} FROM {grantee}")
    for role in sorted(new - old if before else new):
        _ddl(connection, f"GRANT {quote(connection, role_name(connection, role))} TO {grantee}")
    was_admin = ADMINISTRATOR in before
    is_admin = ADMINISTRATOR in after
    if was_admin == is_admin:
        return
    if pg:
        flag = "CREATEROLE" if is_admin else "NOCREATEROLE"
        _ddl(connection, f"ALTER ROLE {quote(connection, login)} {flag}")
        return
    account = _account(connection, login)
    database = quote(connection, database_name(connection))
    roles = ", ".join(quote(connection, role_name(connection, r)) for r in DATABASE_ROLES)
    if is_admin:
        _ddl(connection, f"GRANT CREATE USER ON *.* TO {account} WITH GRANT OPTION")
        _ddl(connection, f"GRANT SELECT ON {database}.* TO {account} WITH GRANT OPTION")
        for role in DATABASE_ROLES:
            _ddl(
                connection,
                f"GRANT {quote(connection, role_name(connection, role))} TO {account} WITH ADMIN OPTION",
            )
    else:
        _ddl(connection, f"REVOKE CREATE USER, GRANT OPTION ON *.* FROM {account}")
        _ddl(connection, f"REVOKE GRANT OPTION ON {database}.* FROM {account}")
        _ddl(connection, f"REVOKE {roles} FROM {account}")


def _mariadb_drop(db: Database, login: str) -> None:
    """MariaDB: undo a login this call created, whose grants or person failed."""
    with db.engine.connect() as connection:
        _ddl(connection, f"DROP USER IF EXISTS {_account(connection, login)}")
        _ddl(
            connection, f"DROP ROLE IF EXISTS {quote(connection, personal_role(connection, login))}"
        )


def _roles(session: Session, names: Iterable[str]) -> list[Role]:
    return list(session.execute(select(Role).where(Role.name.in_(list(names)))).scalars())
