"""Administering procedure templates: list the current ones, set how many approvals a kind
needs (new-user finding 1: a one-person local file could never complete a decommission).

Editing a template adds a version (:class:`desktop.storage.models.ProcedureTemplate`):
the old row stays, so every procedure keeps the version it was filled against; the new
one is the current one and records who made it (``created_by``) and when. Only an
administrator may do it (reference data work). A category's own template is made from
the general one the first time a category is named.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.permissions import Work
from desktop.errors import DesktopError, NotFoundError, Problem, ValidationError
from desktop.services.permissions import require
from desktop.storage.database import Database
from desktop.storage.models import Category, ProcedureTemplate
from desktop.storage.types import utcnow

#: Kinds whose template may wait for approval (a receive never does).
APPROVABLE_KINDS = tuple(
    k for k in ProcedureKind if k not in (ProcedureKind.RECEIVE, ProcedureKind.IMPORT)
)


@dataclass(frozen=True)
class TemplateRow:
    """A current template: kind, the category it is specific to ("" for all), its version."""

    kind: str
    category: str
    version: int
    name: str
    approval: str
    #: The template's text fields (key, label): those a scan may fill.
    text_fields: tuple[tuple[str, str], ...] = ()
    #: The keys of those that take a scan (``"accepts_scan": true``).
    scan_fields: tuple[str, ...] = ()


def approval_text(rule: dict[str, object]) -> str:
    """ "never", "always, 2 approvers", "from high risk, 1 approver"."""
    mode = str(rule.get("mode", "never"))
    if mode == "never":
        return "never"
    count = int(str(rule.get("approvers", 1)))
    people = f"{count} approver" + ("" if count == 1 else "s")
    if mode == "risk":
        return f"from {rule.get('min_risk', 'high')} risk, {people}"
    return f"always, {people}"


def list_templates(session: Session) -> list[TemplateRow]:
    names = dict(session.execute(select(Category.id, Category.name)).all())
    rows = session.execute(
        select(ProcedureTemplate).where(ProcedureTemplate.is_current.is_(True))
    ).scalars()
    result = [_row(row, names.get(row.category_id, "") if row.category_id else "") for row in rows]
    return sorted(result, key=lambda r: (r.kind, r.category))


def _row(template: ProcedureTemplate, category: str) -> TemplateRow:
    definition = dict(template.definition)
    text = [f for f in definition.get("fields", []) if f.get("type") == "text"]
    return TemplateRow(
        kind=template.kind,
        category=category,
        version=template.version_number,
        name=template.name,
        approval=approval_text(dict(definition.get("approval", {}))),
        text_fields=tuple((str(f["key"]), str(f.get("label", f["key"]))) for f in text),
        scan_fields=tuple(str(f["key"]) for f in text if f.get("accepts_scan") is True),
    )


def parse_approvers(text: str) -> int:
    """ "never" → 0, "2" → 2; anything else is refused naming the option."""
    word = text.strip().lower()
    if word == "never":
        return 0
    if word.isdigit() and int(word) <= 9:
        return int(word)
    raise ValidationError(
        Problem("approvers", f"'{text}' is not a number of approvers (0–9) or 'never'")
    )


def set_approval(
    db: Database,
    username: str,
    kind: ProcedureKind,
    *,
    approvers: int,
    category: str | None = None,
) -> TemplateRow:
    """A new version of ``kind``'s template (the category's own with ``category``) that
    waits for ``approvers`` approvals (0: never). A risk rule stays a risk rule with the
    new number of approvers; otherwise the rule becomes "always"."""
    if kind not in APPROVABLE_KINDS:
        raise ValidationError(
            Problem("kind", f"a {kind.label.lower()} never waits for approval: nothing to set")
        )

    def edit(definition: dict[str, Any]) -> None:
        rule = dict(definition.get("approval", {}))
        if approvers == 0:
            rule["mode"] = "never"
        else:
            rule["mode"] = "risk" if rule.get("mode") == "risk" else "always"
            rule["approvers"] = approvers
        definition["approval"] = rule

    return _new_version(db, username, kind, category, edit)


def set_field_scans(
    db: Database,
    username: str,
    kind: ProcedureKind,
    *,
    field: str,
    accepts_scan: bool,
    category: str | None = None,
) -> TemplateRow:
    """A new version of ``kind``'s template (the category's own with ``category``) whose
    text field ``field`` takes a barcode scan (``accepts_scan``) or ignores one. Only a
    text field can: a scan is a string of characters (an evidence label's number)."""

    def edit(definition: dict[str, Any]) -> None:
        fields = [dict(f) for f in definition.get("fields", [])]
        wanted = field.strip().lower()
        found = [f for f in fields if str(f.get("key", "")).lower() == wanted]
        if not found:
            keys = ", ".join(str(f.get("key")) for f in fields) or "none"
            raise NotFoundError(
                f"the {kind.label.lower()} template has no field '{field.strip()}' "
                f"(its fields: {keys})"
            )
        if found[0].get("type") != "text":
            raise ValidationError(
                Problem(
                    "field",
                    f"'{found[0]['key']}' is a {found[0].get('type')} field: only a text "
                    "field can take a scan",
                )
            )
        if accepts_scan:
            found[0]["accepts_scan"] = True
        else:
            found[0].pop("accepts_scan", None)
        definition["fields"] = fields

    return _new_version(db, username, kind, category, edit)


#: How many times a new version is tried when another administrator's edit of the same
#: template took the number first (each try re-reads the template, now theirs).
VERSION_ATTEMPTS = 5


def _new_version(
    db: Database,
    username: str,
    kind: ProcedureKind,
    category: str | None,
    edit: Callable[[dict[str, Any]], None],
) -> TemplateRow:
    """The current template of ``kind`` (the category's own with ``category``, made from
    the general one the first time) edited by ``edit`` into a new version, by an
    administrator; the old version stays for the procedures filled against it.

    The version number is read, then written: two administrators editing one template
    at once both read version N, and both made N + 1 (a crash for the second) or, the
    second reading the number after the first committed, N + 2 made from N — the first
    edit lost and two versions current. Now the scope's versions are locked before they
    are read (the second waits, then edits the first one's version); where there is
    none yet to lock, the unique (kind, scope, version) lets one through and the other's
    savepoint is rolled back and its edit made again on the version now current.
    """
    with db.write() as session:
        actor = require(session, username, Work.REFERENCE_DATA)
        category_row = None
        if category:
            category_row = session.execute(
                select(Category).where(func.lower(Category.name) == category.strip().lower())
            ).scalar_one_or_none()
            if category_row is None:
                raise NotFoundError(f"there is no category called '{category.strip()}'")
        scope = str(category_row.id) if category_row else ""
        for attempt in range(VERSION_ATTEMPTS):
            try:
                with session.begin_nested():
                    row = _edited(session, kind, scope, category_row, actor.id, edit)
                return _row(row, category_row.name if category_row else "")
            except IntegrityError as exc:
                if "version_number" not in str(exc.orig):  # not the number (a kit's refusal)
                    raise
                if attempt == VERSION_ATTEMPTS - 1:
                    raise DesktopError(
                        f"the {kind.label.lower()} template is being edited by someone else "
                        "at this moment: nothing was changed; try again"
                    ) from None
        raise AssertionError("unreachable")


def _edited(
    session: Session,
    kind: ProcedureKind,
    scope: str,
    category_row: Category | None,
    actor_id: uuid.UUID,
    edit: Callable[[dict[str, Any]], None],
) -> ProcedureTemplate:
    """The new version, in the caller's savepoint. The scope's versions are locked first
    (an edit at the same moment waits here, then reads the version the other made);
    a scope with no version yet has nothing to lock: there the unique version number
    decides, and the retry reads afresh."""
    session.execute(
        select(ProcedureTemplate.id)
        .where(ProcedureTemplate.kind == kind.value, ProcedureTemplate.scope_key == scope)
        .with_for_update()
    ).all()
    current = _current(session, kind, scope) or _current(session, kind, "")
    if current is None:
        raise NotFoundError(f"there is no procedure template for '{kind.label}'")
    definition = copy.deepcopy(dict(current.definition))
    edit(definition)
    if current.scope_key == scope:
        current.is_current = False
    version = 1 + (
        session.execute(
            select(func.max(ProcedureTemplate.version_number)).where(
                ProcedureTemplate.kind == kind.value, ProcedureTemplate.scope_key == scope
            )
        ).scalar_one()
        or 0
    )
    session.flush()
    row = ProcedureTemplate(
        id=uuid.uuid4(),
        kind=kind.value,
        category_id=category_row.id if category_row else None,
        scope_key=scope,
        version_number=version,
        name=current.name,
        definition=definition,
        is_current=True,
        created_at=utcnow(),
        created_by_id=actor_id,
    )
    session.add(row)
    session.flush()
    return row


def _current(session: Session, kind: ProcedureKind, scope: str) -> ProcedureTemplate | None:
    return session.execute(
        select(ProcedureTemplate)
        .where(
            ProcedureTemplate.kind == kind.value,
            ProcedureTemplate.scope_key == scope,
            ProcedureTemplate.is_current.is_(True),
        )
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
