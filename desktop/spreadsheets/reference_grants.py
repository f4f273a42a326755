"""Whether the login doing an import may create the reference data its file needs.

On a shared server only administrators' logins may write reference data (their grants);
on a local file, whose people have roles too, only its administrators (or its one owner).
The commit refuses such an import; the dry run says the same beforehand, so that nobody
reads "New reference data to create: group 'Procurement'" as a promise and learns only
after pressing Import that it cannot be kept (a procurement clerk on MariaDB did).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.permissions import Work, refusal
from desktop.errors import PermissionDeniedError
from desktop.services.identity import person_of_login
from desktop.services.people import role_names
from desktop.services.permissions import is_local_owner
from desktop.spreadsheets.model import ImportPlan
from desktop.storage.logins import session_login
from desktop.storage.models import Person

#: The wizard's option that makes the import create nothing (``--no-create``).
CREATE_MISSING_OPTION = "Create missing categories, locations, people…"


def reference_refusal(session: Session, plan: ImportPlan, person: Person | None = None) -> str:
    """Why ``plan``'s new reference data cannot be created by this session's login ("" when
    it can, or there is none): "the file needs new reference data (…), and … may not …".

    ``person``: who imports (default: the login's own person).
    """
    if not plan.new_references:
        return ""
    login = session_login(session.connection())
    if login is not None and login.owner:
        return ""
    if login is None:
        # A local file has no grants, but its people's roles are checked as Data ›
        # Locations checks them: a technician imported new locations, categories and
        # groups there that the reference window refused them (newuser13). Its one
        # active person (the owner) may do everything.
        if person is None and plan.options.importer:  # the dry run: who will import
            person = session.execute(
                select(Person).where(Person.username == plan.options.importer)
            ).scalar_one_or_none()
        if person is None or is_local_owner(session, person.id):
            return ""
    elif person is None:
        person = person_of_login(session, login.name)
        if person is None:  # nobody's login: the import itself is refused, saying so
            return ""
    reason = refusal(person.name, person.username, role_names(person), Work.REFERENCE_DATA)
    if reason is None:
        return ""
    names = ", ".join(f"{n.reference.kind} '{n.reference.text}'" for n in plan.new_references[:3])
    more = len(plan.new_references) - 3
    return (
        f"the file needs new reference data ({names}"
        + (f" and {more} more" if more > 0 else "")
        + f"), and {reason}"
    )


def without_creating(plan: ImportPlan) -> str:
    """How this door imports without creating reference data (the rows naming some are
    then refused)."""
    if plan.options.command_line:
        return "import with --no-create"
    return f"untick '{CREATE_MISSING_OPTION}' on the Columns page"


def dry_run_warning(session: Session, plan: ImportPlan) -> str:
    """The dry run's note when the import would be refused for its new reference data."""
    reason = reference_refusal(session, plan)
    if not reason:
        return ""
    return (
        f"Import will be refused: {reason}. An administrator adds them first (or imports "
        f"this file), or {without_creating(plan)}: the rows that name them are then refused"
    )


def refuse_new_references_without_grants(
    session: Session, plan: ImportPlan, person: Person
) -> None:
    """On a shared server only administrators' logins may write reference data (their
    grants); an import that would create some says so before it starts."""
    reason = reference_refusal(session, plan, person)
    if reason:
        raise PermissionDeniedError(
            f"{plan.where}: {reason}. Nothing was imported: an administrator adds them first "
            f"(or imports this file), or {without_creating(plan)}"
        )
