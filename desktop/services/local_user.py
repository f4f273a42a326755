"""Who acts on a local file when nobody said: the operating-system user.

A local SQLite file is one person's (DESIGN.md, security model): with no ``--as`` and no
user in the settings, the person recorded is the computer's login name, created on first
use with the roles a single user needs to do everything alone. A shared server never
guesses: there the person is the one the database login belongs to. A field kit is a
local file too, but its people are the server's and read-only: the OS user acts there
if they are one of them, else the person who checked the kit out.
"""

from __future__ import annotations

import getpass

from sqlalchemy import func, select

from desktop.errors import DesktopError
from desktop.services import reference
from desktop.storage.database import Database
from desktop.storage.kitfile import kit_owner
from desktop.storage.models import Person

#: A local single user receives, installs, approves, audits and administers alone.
LOCAL_ROLES = ("technician", "approver", "auditor", "administrator")


def os_username() -> str:
    """The operating-system login name (``getpass.getuser()``), or a clear error."""
    try:
        name = getpass.getuser().strip()
    except (OSError, KeyError) as exc:  # no LOGNAME/USER and no passwd entry
        raise DesktopError(
            "cannot tell who you are: set the user in the settings or pass --as USER"
        ) from exc
    if not name:
        raise DesktopError(
            "cannot tell who you are: set the user in the settings or pass --as USER"
        )
    return name


def acting_username(db: Database, configured: str | None) -> str | None:
    """On a server the login's person (``configured`` must be them, unless this is the owner
    login: desktop.services.identity); on a local file ``configured`` if given, else the
    OS user (created on first use; in a kit, the kit's owner unless the OS user is one of
    its people)."""
    if not db.is_sqlite:
        from desktop.services.identity import acting_username_on_server

        return acting_username_on_server(db, configured or None)
    if configured:
        return configured
    username = os_username()
    if _person_exists(db, username):
        return username
    owner = kit_owner(db)
    if owner is not None:  # nobody can be added to a kit's people
        return owner
    ensure_local_person(db, username)  # first use of a local file
    return username


def _person_exists(db: Database, username: str) -> bool:
    with db.read() as session:
        return (
            session.execute(
                select(Person.id).where(func.lower(Person.username) == username.lower())
            ).first()
            is not None
        )


def ensure_local_person(db: Database, username: str) -> bool:
    """Create the person ``username`` with :data:`LOCAL_ROLES` unless they exist.

    Returns True when the person was created.
    """
    if _person_exists(db, username):
        return False
    with db.write() as session:
        again = session.execute(
            select(Person.id).where(func.lower(Person.username) == username.lower())
        ).first()
        if again is not None:
            return False
        reference.create_person(session, name=username, username=username, roles=LOCAL_ROLES)
    return True


def add_local_person(db: Database, *, acting: str, name: str) -> str:
    """Add ``name`` to this local file's people with :data:`LOCAL_ROLES`, as ``acting``
    (who acts until then, the computer's user): who a new user says they are in File ›
    Settings. The user name is made of the name ("Ana Field" → ana.field, numbered if
    taken) and returned. Refused on a server (each person there is a database login an
    administrator adds) and, as Data › People refuses, in a field kit or when ``acting``
    is no administrator."""
    if not db.is_sqlite:
        raise DesktopError(
            "on a shared server each person is a database login: an administrator adds "
            "them in Data › People"
        )
    with reference.administer(db, acting) as session:
        username = reference.unused_username(session, reference.username_from_name(name))
        reference.create_person(session, name=name, username=username, roles=LOCAL_ROLES)
    return username
