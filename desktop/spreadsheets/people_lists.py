"""A list of people read into the register: Snipe-IT's users export, GLPI's or iTop's
people, a directory extract, a sheet typed by hand.

People are matched as an asset import matches an assignee — by user name, else e-mail,
else full name (:meth:`desktop.spreadsheets.references.ReferenceIndex.person_by`) — and
created as it creates them (:class:`desktop.spreadsheets.create_references.ReferenceCreator`:
a user name from the e-mail or the name when the list has none, never a second
"asmith"). A Group (or Department) column puts each new person in that group, created
when new. Someone the register has already is left as they are. Nobody gets a role from
a file: roles are given in Data › People by an administrator.

All or nothing, as a list of places (:mod:`desktop.spreadsheets.location_lists`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.errors import DesktopError
from desktop.services import reference
from desktop.spreadsheets.create_references import ReferenceCreator
from desktop.spreadsheets.list_columns import cell_text, find_columns, list_summary
from desktop.spreadsheets.readers import Table, read_table
from desktop.spreadsheets.references import PendingReference, ReferenceIndex
from desktop.storage.database import Database
from desktop.storage.models import Group, Person

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "display name", "person", "employee", "employee name"),
    "first": ("first name", "firstname", "given name", "first"),
    "last": ("last name", "lastname", "surname", "family name", "last"),
    "username": ("username", "user name", "login", "login name", "user", "account", "uid"),
    # GLPI's users export says "Emails" (its addresses joined by <br>: the first is kept)
    "email": ("email", "e mail", "email address", "e mail address", "mail", "emails"),
    "group": ("group", "groups", "department", "team", "owning group"),
    # GLPI's users export: "Active" Yes/No; Snipe-IT's: "Activated"; a directory's
    # "Enabled". A person the old tool had deactivated was made active (newuser26).
    "active": ("active", "activated", "enabled", "is active", "actif", "aktiv"),
}
#: Between the addresses of a person's "Emails" cell (GLPI joins them with "<br>").
_FIRST_ADDRESS = re.compile(r"\s*(?:<br\s*/?>|[,;])\s*", re.IGNORECASE)
#: An Active column's words for "no": the person is created deactivated.
INACTIVE_WORDS = frozenset(
    {"no", "n", "false", "0", "inactive", "disabled", "non", "nein", "nee", "deactivated"}
)
_NEEDED = {"name", "first", "last", "username", "email"}
MAX_NAME = 150


@dataclass(frozen=True)
class NewPerson:
    name: str
    username: str
    email: str
    group: str
    #: False: the list said the person is no longer active (created deactivated).
    active: bool = True


@dataclass
class PeopleListPlan:
    """What importing the list would do: the people to add, those the register has (by
    the name it knows them by), and each refused row ("row 7, column E-mail: …")."""

    where: str
    new: list[NewPerson] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    pending: list[tuple[PendingReference, str, bool]] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return list_summary(
            self.where, self.problems, len(self.new), ("person", "people"), len(self.existing)
        )


def _plan(session: Session, table: Table) -> PeopleListPlan:
    at, columns = find_columns(
        table,
        HEADERS,
        _NEEDED,
        "no column names the people (a Name, First name and Last name, User name or E-mail "
        "column in the first rows)",
    )
    index = ReferenceIndex(session)
    plan = PeopleListPlan(table.where)
    seen: set[int] = set()
    there: set[uuid.UUID] = set()
    for cells, number in zip(table.rows[at + 1 :], table.row_numbers[at + 1 :], strict=True):
        text = {key: cell_text(cells, column) for key, column in columns.items()}
        name = text.get("name") or " ".join(
            t for t in (text.get("first", ""), text.get("last", "")) if t
        )
        username = text.get("username", "")
        email = _FIRST_ADDRESS.split(text.get("email", ""), maxsplit=1)[0]
        if not (name or username or email):
            continue  # a blank row
        where = "Name" if "name" in columns else "First name"
        if len(name) > MAX_NAME:
            plan.problems.append(f"row {number}, column {where}: longer than {MAX_NAME} characters")
            continue
        if email and "@" not in email and "username" in columns:
            plan.problems.append(f"row {number}, column E-mail: '{email}' is not an e-mail address")
            continue
        try:
            found = index.person_by(username, email, name, None)
        except ValueError as exc:
            if "no longer active" in str(exc):  # a deactivated person: there already
                plan.existing.append(f"{name or username or email} (inactive)")
                continue
            plan.problems.append(f"row {number}: {exc}")
            continue
        if isinstance(found, uuid.UUID):
            if found not in there:  # the same person on two rows: once
                there.add(found)
                plan.existing.append(index.names.get(found, name))
            continue
        if id(found) in seen:
            continue  # the same person on two rows
        seen.add(id(found))
        if not found.username and found.email:  # the address's user part: "chloe.dubois"
            found = replace(found, username=found.email.split("@", 1)[0])
        group = text.get("group", "")
        active = text.get("active", "").casefold() not in INACTIVE_WORDS
        plan.pending.append((found, group, active))
        plan.new.append(NewPerson(found.name, found.username, found.email, group, active))
    return plan


def plan_people_list(db: Database, path: Path, sheet: str | None = None) -> PeopleListPlan:
    """What importing the list in ``path`` would add; nothing is written."""
    table = read_table(path, sheet)
    with db.read() as session:
        return _plan(session, table)


def import_people_list(
    db: Database, path: Path, username: str, *, sheet: str | None = None
) -> PeopleListPlan:
    """Add the list's new people in one transaction, as ``username`` (an administrator),
    planned again inside it. Raises DesktopError naming the refused rows, writing nothing."""
    table = read_table(path, sheet)
    with reference.administer(db, username) as session:
        plan = _plan(session, table)
        if plan.problems:
            raise DesktopError(plan.summary())
        creator = ReferenceCreator(session)
        groups: dict[str, Group] = {}
        for pending, group_name, active in plan.pending:
            person = session.get(Person, creator.create(pending))
            assert person is not None
            person.active = active
            if group_name:
                key = group_name.casefold()
                if key not in groups:
                    group = session.get(
                        Group, creator.create(PendingReference("group", group_name))
                    )
                    assert group is not None
                    groups[key] = group
                person.groups = [*person.groups, groups[key]]
        session.flush()
        return plan
