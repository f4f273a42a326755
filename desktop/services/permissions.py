"""Checking the role of the person who does the work (the table: desktop.domain.permissions).

Every service that records work calls :func:`require` (or :func:`check`) inside its
transaction, before it changes anything, on every backend — local files too. The refusal
is a :class:`PermissionDeniedError` that says who, what and which role is needed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.permissions import LOCAL_OWNER_ROLES, Work, refusal
from desktop.errors import DesktopError, PermissionDeniedError
from desktop.services.batch_cache import cached
from desktop.services.people import acting_person, role_names
from desktop.storage.database import Database
from desktop.storage.models import Person, Role, person_roles


def check(session: Session, person: Person, work: Work) -> None:
    """Refuse ``work`` unless ``person`` holds one of the roles it needs.

    The one active person of a local single-user file may do everything, whatever roles
    their record lists (:func:`is_local_owner`).
    """
    cached(session, ("check", person.id, work), lambda: _check(session, person, work))


def _check(session: Session, person: Person, work: Work) -> bool:
    reason = _person_refusal(session, person, work)
    if reason is not None:
        raise PermissionDeniedError(reason)
    return True


def _person_refusal(session: Session, person: Person, work: Work) -> str | None:
    reason = refusal(person.name, person.username, role_names(person), work)
    if reason is not None and is_local_owner(session, person.id):
        return None
    return reason


def refusals(db: Database, username: str, works: Iterable[Work]) -> dict[Work, str]:
    """Why ``username`` may not do each of ``works`` (a work they may do is absent): the
    same answer :func:`check` gives, read ahead so that a window can grey what it offers.

    A person who may not act at all (nobody signed in, an inactive person, a returned kit)
    gets that reason for every work.
    """
    wanted = tuple(works)
    with db.read() as session:
        try:
            person = acting_person(session, username)
        except DesktopError as exc:
            return dict.fromkeys(wanted, exc.message)
        reasons = {work: _person_refusal(session, person, work) for work in wanted}
    return {work: reason for work, reason in reasons.items() if reason is not None}


def require(session: Session, username: str, work: Work) -> Person:
    """The active person behind ``username``, once they are seen to hold a role ``work`` needs."""
    person = acting_person(session, username)
    check(session, person, work)
    return person


def is_local_owner(session: Session, person_id: uuid.UUID) -> bool:
    """Whether this is a local file (SQLite) and ``person_id`` its only active person."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    active = session.execute(select(Person.id).where(Person.active.is_(True)).limit(2)).all()
    return [row.id for row in active] == [person_id]


def require_id(
    session: Session, person_id: uuid.UUID, name: str, username: str, work: Work
) -> None:
    """The same check for a person known only by id (hot paths such as audit scans)."""
    cached(
        session,
        ("require_id", person_id, work),
        lambda: _require_id(session, person_id, name, username, work),
    )


def _require_id(
    session: Session, person_id: uuid.UUID, name: str, username: str, work: Work
) -> bool:
    held = session.execute(
        select(Role.name)
        .join(person_roles, person_roles.c.role_id == Role.id)
        .where(person_roles.c.person_id == person_id)
    ).scalars()
    reason = refusal(name, username, held, work)
    if reason is not None and not is_local_owner(session, person_id):
        raise PermissionDeniedError(reason)
    return True


@contextmanager
def doing(db: Database, username: str, work: Work) -> Iterator[Session]:
    """A write transaction for ``work`` by ``username``, refused before anything is written.

    A local file with nobody in it yet lets its owner enter reference data (the first
    person among it): there is nobody else, and nobody could otherwise ever begin.
    """
    with db.write() as session:
        if not (work is Work.REFERENCE_DATA and _empty_local_file(session)):
            require(session, username, work)
        yield session


def _empty_local_file(session: Session) -> bool:
    if session.get_bind().dialect.name != "sqlite":
        return False
    return session.execute(select(Person.id).limit(1)).first() is None


def grant_local_owner_roles(session: Session, person: Person) -> None:
    """Give the one person of a local single-user file every role (first run, settings).

    A local file is its owner's: they receive, approve, audit and administer alone, so
    they hold every role. Roles already held are kept.
    """
    held = {role.name for role in person.roles}
    missing = [name for name in LOCAL_OWNER_ROLES if name not in held]
    if missing:
        person.roles = list(person.roles) + list(
            session.execute(select(Role).where(Role.name.in_(missing))).scalars()
        )
        session.flush()
