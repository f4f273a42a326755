"""On a shared server the person who acts is the one the database login belongs to.

Every service that records who did something resolves that person through
:func:`desktop.services.people.acting_person` (or, on the scan hot path,
:func:`desktop.services.audit_scans.scanner_id`); both call :func:`require_own_login`,
so no path — command line, window, import, audit, approval — records a person other
than the login's. The owner login (desktop.storage.logins) stands outside: it installs
and upgrades the schema, could drop every trigger, and may act as a named person.
Local files (SQLite) are single-user: whoever is named acts.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.errors import DesktopError, PermissionDeniedError
from desktop.storage.database import Database
from desktop.storage.logins import SessionLogin, session_login
from desktop.storage.models import Person, PersonLogin


def login_of(session: Session) -> SessionLogin | None:
    """The session's login on a server; None on a local file."""
    return session_login(session.connection())


def person_of_login(session: Session, login: str) -> Person | None:
    return session.execute(
        select(Person)
        .join(PersonLogin, PersonLogin.person_id == Person.id)
        .where(func.lower(PersonLogin.login) == login.lower())
    ).scalar_one_or_none()


def require_own_login(session: Session, person_id: uuid.UUID, name: str, username: str) -> None:
    """Refuse to record ``name`` as the actor unless the session's login is theirs.

    Passes on a local file and for the owner login.
    """
    login = login_of(session)
    if login is None or login.owner:
        return
    bound = session.execute(
        select(PersonLogin.login).where(PersonLogin.person_id == person_id)
    ).scalar_one_or_none()
    if bound is not None and bound.lower() == login.name.lower():
        return
    raise PermissionDeniedError(_not_yours(session, login.name, f"{name} ({username})"))


def _not_yours(session: Session, login: str, other: str) -> str:
    own = person_of_login(session, login)
    whose = (
        f"which is {own.name} ({own.username})'s"
        if own is not None
        else "which belongs to nobody in this register"
    )
    return (
        f"you are connected to the shared database as the login '{login}', {whose}: you "
        f"cannot act as {other}. On a shared database the person recorded is always the "
        "login's own; drop --as (or the user in the settings), or connect with that "
        "person's own login"
    )


def acting_username_on_server(db: Database, configured: str | None) -> str | None:
    """On a server: the username of the login's person; ``configured`` must be theirs.

    The owner login may name anyone (``configured``), or acts as its own person if it has
    one. Any other login with a differing ``configured`` name is refused with the reason.
    """
    with db.read() as session:
        login = login_of(session)
        if login is None:
            return configured
        own = person_of_login(session, login.name)
        if login.owner:
            return configured or (own.username if own is not None else None)
        if own is None:
            raise DesktopError(
                f"the database login '{login.name}' belongs to nobody in this register: an "
                f"administrator adds you with 'assetdesk users add {login.name} --role ROLE'"
            )
        if configured and configured.strip().lower() != own.username.lower():
            other = session.execute(
                select(Person).where(func.lower(Person.username) == configured.strip().lower())
            ).scalar_one_or_none()
            named = f"{other.name} ({other.username})" if other else f"'{configured}'"
            raise PermissionDeniedError(_not_yours(session, login.name, named))
        return own.username
