"""Where a kit syncs and as whom, said before a sync starts.

A kit syncs with the database it was checked out from, as the login it was checked out
with (its URL, without password, is in the kit): whoever runs the sync, on whatever
computer. A new user ran ``kit sync`` on a colleague's kit and read only "1 applied":
nothing said that it went to the colleague's server as the colleague's login. The
:class:`SyncTarget` says it, for the command line and the window alike.

A database named for the sync (``--database``) is never used instead of the kit's: the
records in the kit were made by the person who checked it out, and on a shared server
the person recorded is always the login's own (desktop.services.identity), so another
login could only record them under the wrong name (and that person could then approve
work that was in fact their own) or have every one refused. :func:`same_database` tells
whether a URL names the kit's own server and login, which may be used as given (its
password, its TLS options).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from desktop.kits.model import KitInfo
from desktop.storage.database import Database
from desktop.storage.models import Person
from desktop.storage.urls import as_typed, redact

#: A server's port when its URL names none.
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


@dataclass(frozen=True)
class SyncTarget:
    """A kit's sync in words: which kit, to which database, as which login and person.

    Attributes:
        kit: the kit file as named.
        server: the database the kit syncs with: a server's URL without password, as a
            person types it, or a local file's path.
        login: the database login (on a local file, the person's user name).
        username: the person the sync acts as.
        person: their name ("" when the kit does not know them).
    """

    kit: str
    server: str
    login: str
    username: str
    person: str

    def who(self) -> str:
        """ "tom (Tom Tech)": the login, and the person behind it."""
        return f"{self.login} ({self.person})" if self.person else self.login

    def sentence(self) -> str:
        """ "Syncing tom.adkit to postgresql://tom@db/assets as tom (Tom Tech)"."""
        return f"Syncing {self.kit} to {self.server} as {self.who()}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kit": self.kit,
            "server": self.server,
            "login": self.login,
            "username": self.username,
            "person": self.person,
        }


def sync_target(kit: Database, info: KitInfo, by_user: str, *, kit_name: str) -> SyncTarget:
    """What a sync of ``kit`` acting as ``by_user`` will do, read from the kit alone (so
    that it is said before the server is reached or a password asked)."""
    url = make_url(info.source_url)
    if url.get_backend_name() == "sqlite":
        server = str(url.database or "")
        login = by_user
    else:
        server = as_typed(redact(url))
        login = url.username or getpass.getuser()  # what the driver logs in as
    with kit.read() as session:
        name = session.execute(
            select(Person.name).where(func.lower(Person.username) == by_user.strip().lower())
        ).scalar_one_or_none()
    return SyncTarget(kit_name, server, login, by_user, name or "")


def same_database(given: str, info: KitInfo) -> bool:
    """Whether the URL ``given`` names the database ``info``'s kit syncs with, and (if
    it names a login) the kit's login: the same backend, host, port, database (a local
    file's resolved path) and login, whatever else it carries."""
    try:
        theirs, ours = make_url(given), make_url(info.source_url)
    except ArgumentError:
        return False
    if theirs.username is None:  # it names no login: the kit's is the one used
        theirs = theirs.set(username=ours.username)
    return _identity(theirs) == _identity(ours)


def _identity(url: URL) -> tuple[object, ...]:
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = url.database or ""
        return ("sqlite", str(Path(path).expanduser().resolve()) if path else "")
    family = "mysql" if backend == "mariadb" else backend
    return (
        family,
        (url.host or "").lower(),
        url.port or _DEFAULT_PORTS.get(family),
        url.database or "",
        url.username or "",
    )
