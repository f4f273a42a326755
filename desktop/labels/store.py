"""Shipped and user-defined label templates; user ones live in the ``label_templates`` table."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.errors import NotFoundError, Problem, ValidationError
from desktop.labels.templates import Template, load_shipped_templates, parse_template
from desktop.storage.database import Database
from desktop.storage.models import LabelTemplate


@lru_cache(maxsize=1)
def shipped_templates() -> tuple[Template, ...]:
    return tuple(load_shipped_templates())


def name_key(name: str) -> str:
    """Names match ignoring case, spaces and × versus x ("zebra 2x1in" finds "Zebra 2 × 1 in")."""
    return "".join(name.casefold().replace("×", "x").split())


def all_templates(session: Session) -> list[Template]:
    """Shipped templates, then the user's, each group sorted by name."""
    users = [
        parse_template(definition, user_defined=True)
        for definition in session.execute(
            select(LabelTemplate.definition).order_by(LabelTemplate.name)
        ).scalars()
    ]
    return [*shipped_templates(), *users]


def find_template(session: Session, name: str) -> Template:
    templates = all_templates(session)
    for template in templates:
        if name_key(template.name) == name_key(name):
            return template
    # "L7651" is enough when only one template's name ends with it.
    endings = [t for t in templates if name_key(t.name).endswith(name_key(name))]
    if len(endings) == 1 and name.strip():
        return endings[0]
    raise NotFoundError(
        f"there is no label template '{name}'; known templates: "
        + ", ".join(t.name for t in templates)
    )


def save_user_template(db: Database, definition: dict[str, Any]) -> Template:
    """Create or replace the user template named in ``definition`` (validated first)."""
    template = parse_template(definition, user_defined=True)
    if any(name_key(t.name) == name_key(template.name) for t in shipped_templates()):
        raise ValidationError(
            Problem("name", "a shipped template has this name: choose another"),
            subject=f"label template '{template.name}'",
        )
    stored = dict(definition, name=template.name)
    with db.write() as session:
        existing = _user_row(session, template.name)
        if existing is None:
            session.add(LabelTemplate(name=template.name, definition=stored))
        else:
            existing.name = template.name
            existing.definition = stored
    return template


def delete_user_template(db: Database, name: str) -> None:
    with db.write() as session:
        existing = _user_row(session, name)
        if existing is None:
            raise NotFoundError(f"there is no user-defined label template '{name}'")
        session.delete(existing)


def _user_row(session: Session, name: str) -> LabelTemplate | None:
    for row in session.execute(select(LabelTemplate)).scalars():
        if name_key(row.name) == name_key(name):
            return row
    return None
