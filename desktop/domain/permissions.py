"""Which role each kind of work needs: the one table the services check.

A person holds roles (``people`` ↔ ``roles``, seeded by migration 0002); a piece of work
names the roles that may do it, and holding any one of them is enough. The table:

============================================  ============================================
work                                          roles that may do it
============================================  ============================================
receive, install, change, decommission,       technician, administrator
dispose procedures; import (spreadsheet)
audit correction procedures; start, scan,     auditor, technician
close an audit; apply its actions
approve or reject a pending procedure         approver (only: it is the segregation rule)
handle an incident (move, link its fix)       technician, administrator
check out a field kit                         technician, auditor, administrator
reference data (categories, locations,       administrator
people, groups, models, suppliers)
log an incident, add a note to one;           any active person
close an incident one reported (confirm fix)
============================================  ============================================

Why: field work changes assets, so it is a technician's (an administrator may stand in);
an inventory walk is the auditor's, and technicians audit their own sites too; approval
is kept to approvers so that the four-eyes rule cannot be bypassed by holding a broader
role; reference data sets what everybody else must use, so it is the administrator's.
Anybody may report that something is wrong. A field kit is taken to record procedures or
walk an audit offline, so checking one out needs a role that may do one of those; it also
reserves tag numbers and copies the register to a laptop, which nobody without a role
should set off.

A local single-user file's own person holds every role (:data:`LOCAL_OWNER_ROLES`), so
that one person can do all of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from desktop.domain.lifecycle import ProcedureKind

TECHNICIAN = "technician"
APPROVER = "approver"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"
#: Every role there is (seeded by migration 0002), in the order people read them.
ALL_ROLES = (TECHNICIAN, APPROVER, AUDITOR, ADMINISTRATOR)
#: The roles the one person of a local single-user file holds: all of them.
LOCAL_OWNER_ROLES = ALL_ROLES


class Work(StrEnum):
    """A kind of work that needs a role."""

    RECEIVE = "receive"
    INSTALL = "install"
    CHANGE = "change"
    DECOMMISSION = "decommission"
    DISPOSE = "dispose"
    AUDIT_CORRECTION = "audit_correction"
    IMPORT = "import"
    AUDIT = "audit"
    APPROVE = "approve"
    INCIDENT = "incident"
    REFERENCE_DATA = "reference_data"
    KIT_CHECKOUT = "kit_checkout"

    @property
    def words(self) -> str:
        """What the work is, to finish the sentence "may not …"."""
        kind = self.value.replace("_", " ")
        article = "an" if kind[0] in "aeiou" else "a"  # an install, an audit correction
        return _WORDS.get(self, f"record {article} {kind} procedure")


_WORDS = {
    Work.IMPORT: "import assets from a spreadsheet",
    Work.AUDIT: "work on inventory audits",
    Work.APPROVE: "approve or reject procedures",
    Work.INCIDENT: "handle incidents",
    Work.REFERENCE_DATA: "change reference data",
    Work.KIT_CHECKOUT: "check out a field kit",
}

#: The one table: the roles that may do each kind of work (any one of them is enough).
ROLES_FOR: dict[Work, tuple[str, ...]] = {
    Work.RECEIVE: (TECHNICIAN, ADMINISTRATOR),
    Work.INSTALL: (TECHNICIAN, ADMINISTRATOR),
    Work.CHANGE: (TECHNICIAN, ADMINISTRATOR),
    Work.DECOMMISSION: (TECHNICIAN, ADMINISTRATOR),
    Work.DISPOSE: (TECHNICIAN, ADMINISTRATOR),
    Work.IMPORT: (TECHNICIAN, ADMINISTRATOR),
    Work.AUDIT_CORRECTION: (AUDITOR, TECHNICIAN),
    Work.AUDIT: (AUDITOR, TECHNICIAN),
    Work.APPROVE: (APPROVER,),
    Work.INCIDENT: (TECHNICIAN, ADMINISTRATOR),
    Work.REFERENCE_DATA: (ADMINISTRATOR,),
    Work.KIT_CHECKOUT: (TECHNICIAN, AUDITOR, ADMINISTRATOR),
}


def work_for(kind: ProcedureKind) -> Work:
    """The work a procedure of ``kind`` is (an import procedure is the import's work)."""
    return Work(kind.value)


def allowed(held: Iterable[str], work: Work) -> bool:
    return not set(ROLES_FOR[work]).isdisjoint(held)


def refusal(name: str, username: str, held: Iterable[str], work: Work) -> str | None:
    """Why ``name`` may not do ``work`` with the roles ``held``; None when they may."""
    roles = sorted(set(held))
    if allowed(roles, work):
        return None
    needed = " or ".join(ROLES_FOR[work])
    has = f"they hold {', '.join(roles)}" if roles else "they hold no role"
    return f"{name} ({username}) may not {work.words}: that needs the {needed} role; {has}"
