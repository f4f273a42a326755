"""Test helper: an administrator changes a procedure template's approval rule.

Editing a template makes a new version (the old one stays for the records filled
against it), exactly as the template is stored; the services read the current one.
"""

from __future__ import annotations

from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.storage.database import Database
from desktop.storage.models import ProcedureTemplate


def set_approval_rule(
    db: Database, kind: ProcedureKind, *, mode: str = "always", approvers: int = 2
) -> None:
    """Make the general ``kind`` template require ``approvers`` approvals (mode "always"),
    or none (mode "never")."""
    with db.write() as session:
        current = session.execute(
            select(ProcedureTemplate).where(
                ProcedureTemplate.kind == kind.value,
                ProcedureTemplate.scope_key == "",
                ProcedureTemplate.is_current.is_(True),
            )
        ).scalar_one()
        definition = dict(current.definition)
        definition["approval"] = {"mode": mode, "approvers": approvers}
        current.is_current = False
        session.flush()
        session.add(
            ProcedureTemplate(
                kind=kind.value,
                scope_key="",
                version_number=current.version_number + 1,
                name=current.name,
                definition=definition,
                is_current=True,
            )
        )
