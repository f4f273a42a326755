"""What a procedure form needs from the database, read in one go on a worker thread."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.lifecycle import (
    KIND_TARGET_STATUS,
    AssetStatus,
    ProcedureKind,
    status_move_problem,
)
from desktop.errors import DesktopError
from desktop.services.lifecycle_rules import site_store, waiting_procedure_problem
from desktop.services.queries import AssetDetail, asset_detail
from desktop.services.reference_queries import Choice, ReferenceChoices, reference_choices
from desktop.services.templates import TemplateRef, current_template
from desktop.storage.database import Database
from desktop.storage.logins import session_login


@dataclass(frozen=True)
class FormAsset:
    """One asset the form applies to, as it was when the form opened."""

    id: uuid.UUID
    tag: str
    name: str
    version: int
    status: AssetStatus
    category_id: uuid.UUID
    category: str
    values: dict[str, object]
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormContext:
    kind: ProcedureKind
    template: TemplateRef
    assets: tuple[FormAsset, ...]
    choices: ReferenceChoices
    #: Values the form proposes instead of the asset's own, by asset (a decommissioned
    #: asset goes to its site's store).
    defaults: dict[uuid.UUID, dict[str, object]] = field(default_factory=dict)
    #: How many people may approve what the signed-in person performs (None: not read).
    possible_approvers: int | None = None
    #: On a shared server (any login but the owner's) the performer is the login's own
    #: person: the form shows it and does not offer anyone else.
    performer_fixed: bool = False


def form_asset(detail: AssetDetail) -> FormAsset:
    row = detail.row
    values: dict[str, object] = {
        "tag": row.tag,
        "name": row.name,
        "category": detail.category_id,
        "model": detail.model_id,
        "serial_number": row.serial_number,
        "status": row.status,
        "location": detail.location_id,
        "assigned_to": detail.assigned_to_id,
        "owning_group": detail.owning_group_id,
        "purchase_date": row.purchase_date,
        "purchase_cost": row.purchase_cost,
        "order_number": row.order_number,
        "supplier": detail.supplier_id,
        "warranty_end": row.warranty_end,
        "notes": row.notes,
    }
    return FormAsset(
        id=row.id,
        tag=row.tag,
        name=row.name,
        version=row.version,
        status=AssetStatus(row.status),
        category_id=detail.category_id,
        category=row.category,
        values=values,
        custom=dict(detail.custom_fields),
    )


def read_assets(session: Session, tags: Sequence[str]) -> tuple[FormAsset, ...]:
    return tuple(form_asset(asset_detail(session, tag=tag)) for tag in tags)


def load_form(database: Database, kind: ProcedureKind, tags: Sequence[str]) -> FormContext:
    """The template, the assets and every pick list, from one read session."""
    with database.read() as session:
        assets = () if kind is ProcedureKind.RECEIVE else read_assets(session, tags)
        category_id = assets[0].category_id if assets else None
        for asset in assets:  # a second disposal while one waits: say so before filling
            if (
                waiting := waiting_procedure_problem(session, kind, asset.id, asset.tag)
            ) is not None:
                raise DesktopError(waiting.message)
        defaults: dict[uuid.UUID, dict[str, object]] = {}
        if kind is ProcedureKind.DECOMMISSION:
            for asset in assets:
                location = asset.values.get("location")
                store = site_store(session, location if isinstance(location, uuid.UUID) else None)
                if store is not None:
                    defaults[asset.id] = {"location": store}
        login = session_login(session.connection())
        return FormContext(
            kind=kind,
            template=current_template(session, kind, category_id),
            assets=assets,
            choices=reference_choices(session),
            defaults=defaults,
            performer_fixed=login is not None and not login.owner,
        )


def unavailable_reason(kind: ProcedureKind, statuses: Sequence[AssetStatus]) -> str | None:
    """Why ``kind`` cannot be applied to assets in ``statuses`` (for disabling an action).

    None when it can be applied to every one of them.
    """
    if kind is ProcedureKind.RECEIVE:
        return None
    if not statuses:
        return "select one or more assets first"
    for status in statuses:
        problem = status_move_problem(kind, status, KIND_TARGET_STATUS.get(kind))
        if problem is not None:
            return f"{kind.label} is not possible: {problem}"
    return None


#: A tag's prefix: the letters and digits before its first separator ("LAP" of LAP-000124).
_TAG_PREFIX = re.compile(r"([A-Za-z0-9]+)[^A-Za-z0-9]")


def category_for_tag(tag: str, categories: Sequence[Choice]) -> uuid.UUID | None:
    """The category whose tag prefix a new tag carries (a scanned unknown LAP-009001 is a
    Laptop), when exactly one category has it; else None (the user chooses).

    A tag without a separator (LAP0042, as many printed labels are) carries the longest
    category prefix it starts with when a digit follows it (LAP0042 is a Laptop; LAPTOP1
    is not, unless a category's prefix is LAPTOP)."""
    text = tag.strip().upper()
    found = _TAG_PREFIX.match(text)
    if found is not None:
        matching = [c.id for c in categories if c.detail.upper() == found.group(1)]
        if len(matching) == 1:
            return matching[0]
    starting = [
        (len(c.detail), c.id)
        for c in categories
        if c.detail
        and text.startswith(c.detail.upper())
        and text[len(c.detail) : len(c.detail) + 1].isdigit()
    ]
    if not starting:
        return None
    longest = max(length for length, _ in starting)
    ids = [cid for length, cid in starting if length == longest]
    return ids[0] if len(ids) == 1 else None
