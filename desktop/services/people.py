"""Looking up the person who acts: every service call names who performs it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.errors import NotFoundError, PermissionDeniedError
from desktop.storage.models import Person


def person_by_username(session: Session, username: str) -> Person:
    if not username.strip():  # a shared server where nobody was signed in yet
        raise NotFoundError(
            "Nobody is signed in: choose the signed-in person in File › Settings "
            "(on the command line: --as USER)"
        )
    person = session.execute(
        select(Person).where(func.lower(Person.username) == username.strip().lower())
    ).scalar_one_or_none()
    if person is None:
        raise NotFoundError(f"there is no person with the user name '{username}'")
    return person


def acting_person(session: Session, username: str) -> Person:
    """The active person behind ``username``; an inactive one may not act, and on a shared
    server only the person the session's login belongs to may (desktop.services.identity).
    """
    from desktop.services.batch_cache import cached

    return cached(
        session, ("acting_person", username.strip().lower()), lambda: _acting(session, username)
    )


def _acting(session: Session, username: str) -> Person:
    from desktop.services.identity import require_own_login
    from desktop.storage.kitfile import returned_note

    returned = returned_note(session)
    if returned is not None:
        raise PermissionDeniedError(returned)
    person = person_by_username(session, username)
    if not person.active:
        raise PermissionDeniedError(f"{person.name} ({person.username}) is no longer active")
    require_own_login(session, person.id, person.name, person.username)
    return person


def role_names(person: Person) -> set[str]:
    return {role.name for role in person.roles}
