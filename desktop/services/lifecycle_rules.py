"""What a lifecycle step does to an asset beyond its status, whichever door it came by.

- A **decommissioned** asset is nobody's: its assignee is cleared. It is kept somewhere
  until disposal: where the procedure says, or else the IT store of its site.
- **Putting an asset in service** by a change needs what an install needs (its template's required
  fields and rules: a location, an assignee or owning group), so that a change of status
  is no back door around the install procedure.
- A **decommissioned** asset only waits for disposal: a change may set its notes and
  nothing else (no new name, assignee, location, custom field...).
- **One move of the status at a time**: while an install, decommission or disposal waits
  for approval on an asset, another of these is refused with a sentence naming the
  waiting one (changes may overlap; the approval then finds a conflict).
- **A model belongs to its category**: an asset's model must have the asset's category
  (or none); a Desktop model on a Laptop is refused, naming both.

The procedure service calls :func:`apply_lifecycle_rules` for every procedure (form,
command line, import, field kit replay), inside its transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.domain.lifecycle import (
    AssetStatus,
    ProcedureKind,
    ProcedureState,
    decommissioned_change_problem,
    waiting_procedure_refusal,
)
from desktop.errors import Problem
from desktop.storage.models import Asset, AssetModel, Category, Location, Procedure

#: Each status by its value (a batch of procedures reads one per procedure).
_STATUS_OF = {status.value: status for status in AssetStatus}
_IN_SERVICE = AssetStatus.IN_SERVICE.value
#: The location kinds and name words that mark a site's IT store.
STORE_KIND = "store"
STORE_WORD = "store"


def site_store(session: Session, location_id: uuid.UUID | None) -> uuid.UUID | None:
    """The IT store nearest ``location_id`` within its site: a location of kind "store",
    else one whose name says "store", under the closest of the location's ancestors that
    has one — the building's own store before another building's — then the shallowest,
    then by name. None when the asset has no location or its site has no store."""
    if location_id is None:
        return None
    rows = session.execute(select(Location.id, Location.parent_id, Location.kind, Location.name))
    parent: dict[uuid.UUID, uuid.UUID | None] = {}
    facts: dict[uuid.UUID, tuple[str, str]] = {}
    for row in rows:
        parent[row.id] = row.parent_id
        facts[row.id] = (row.kind, row.name)
    if location_id not in parent:
        return None
    ancestors: list[uuid.UUID] = [location_id]  # the location, then up to its site
    while parent.get(ancestors[-1]) is not None and facts[ancestors[-1]][0] != "site":
        ancestors.append(parent[ancestors[-1]])  # type: ignore[arg-type]

    def depth(node: uuid.UUID, top: uuid.UUID) -> int | None:
        """Levels below ``top``, or None when ``node`` is not under it."""
        level = 0
        current: uuid.UUID | None = node
        while current is not None:
            if current == top:
                return level
            current = parent.get(current)
            level += 1
        return None

    stores = [
        (0 if kind.lower() == STORE_KIND else 1, node, name)
        for node, (kind, name) in facts.items()
        if kind.lower() == STORE_KIND or STORE_WORD in name.lower()
    ]
    for top in ancestors:
        candidates: list[tuple[int, int, str, uuid.UUID]] = []
        for rank, node, name in stores:
            level = depth(node, top)
            if level is not None:
                candidates.append((rank, level, name.casefold(), node))
        if candidates:
            return min(candidates)[3]
    return None


def apply_lifecycle_rules(
    session: Session,
    *,
    kind: ProcedureKind,
    asset: Asset | None,
    target_status: AssetStatus | None,
    given: Mapping[str, object],
    new_values: dict[str, object],
    install_requirements: Callable[[], list[Problem]],
    problems: list[Problem],
    custom: Mapping[str, object] | None = None,
    category_id: uuid.UUID | None = None,
    pending: Mapping[uuid.UUID, Sequence[tuple[uuid.UUID, str]]] | None = None,
) -> None:
    """Adjust ``new_values`` (the asset fields the procedure sets) and add ``problems``.

    Args:
        given: the values the request named (a location given equal to the current one
            is still a choice: the asset stays where it is).
        install_requirements: the install template's problems with the resulting asset.
        custom: the custom fields the procedure changes (by name).
        category_id: the asset's category after the procedure.
        pending: the procedures waiting for approval on each asset, when the caller
            read them for many assets at once (see :func:`waiting_procedure_problem`).
    """
    if (problem := model_category_problem(session, asset, new_values, category_id)) is not None:
        problems.append(problem)
    if asset is None:
        return
    changed = list(new_values) + [CUSTOM_PREFIX + name for name in custom or {}]
    current = _STATUS_OF.get(asset.status) or AssetStatus(asset.status)
    if (found := decommissioned_change_problem(kind, current, changed)) is not None:
        problems.append(Problem(*found))
    waiting = waiting_procedure_problem(session, kind, asset.id, asset.tag, pending=pending)
    if waiting is not None:
        problems.append(waiting)
    if kind is ProcedureKind.DECOMMISSION:
        if asset.assigned_to_id is not None:
            new_values["assigned_to"] = None
        if "location" not in given:
            store = site_store(session, asset.location_id)
            if store is not None and store != asset.location_id:
                new_values["location"] = store
    putting_in_service = (
        kind is ProcedureKind.CHANGE
        and target_status is AssetStatus.IN_SERVICE
        and asset.status != _IN_SERVICE
    )
    if putting_in_service:
        for problem in install_requirements():
            problems.append(
                Problem(
                    problem.field,
                    f"to put the asset in service (as Install does): {problem.message}",
                )
            )


def waiting_procedure_problem(
    session: Session,
    kind: ProcedureKind,
    asset_id: uuid.UUID,
    tag: str,
    *,
    pending: Mapping[uuid.UUID, Sequence[tuple[uuid.UUID, str]]] | None = None,
) -> Problem | None:
    """Why ``kind`` may not be recorded on the asset while another procedure waits for
    approval there (see :func:`desktop.domain.lifecycle.waiting_procedure_refusal`).

    ``pending``: the waiting procedures (id, kind) of each asset in the order they were
    performed, read by the caller for many assets at once (:func:`pending_procedures`);
    without it they are read here."""
    rows: Iterable[tuple[uuid.UUID, str]] = (
        pending.get(asset_id, ())
        if pending is not None
        else session.execute(
            select(Procedure.id, Procedure.kind)
            .where(
                Procedure.asset_id == asset_id,
                Procedure.state == ProcedureState.PENDING_APPROVAL.value,
            )
            .order_by(Procedure.performed_at)
        )
    )
    message = waiting_procedure_refusal(kind, tag, rows)
    return None if message is None else Problem("procedure", message)


def pending_procedures(
    session: Session, asset_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """The procedures waiting for approval on each of ``asset_ids`` (id, kind), in the
    order they were performed: what :func:`waiting_procedure_problem` reads, for many
    assets in one statement per 900 (Core statements on the session's connection: the
    caller flushed what it holds)."""
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    connection = session.connection()
    for start in range(0, len(asset_ids), 900):
        rows = connection.execute(
            select(Procedure.asset_id, Procedure.id, Procedure.kind)
            .where(
                Procedure.asset_id.in_(asset_ids[start : start + 900]),
                Procedure.state == ProcedureState.PENDING_APPROVAL.value,
            )
            .order_by(Procedure.performed_at)
        )
        for asset_id, procedure_id, kind in rows:
            found.setdefault(asset_id, []).append((procedure_id, kind))
    return found


def model_category_problem(
    session: Session,
    asset: Asset | None,
    new_values: Mapping[str, object],
    category_id: uuid.UUID | None,
) -> Problem | None:
    """Why the asset's model does not fit its category (when either is being set)."""
    if "model" not in new_values and "category" not in new_values:
        return None
    model_id = new_values.get("model", asset and asset.model_id)
    if not isinstance(model_id, uuid.UUID):
        return None
    model = session.get(AssetModel, model_id)
    if model is None or model.category_id is None or category_id is None:
        return None
    if model.category_id == category_id:
        return None
    names = dict(
        session.execute(
            select(Category.id, Category.name).where(
                Category.id.in_([model.category_id, category_id])
            )
        ).all()
    )
    field = "model" if "model" in new_values else "category"
    return Problem(
        field,
        f"the model {model.manufacturer.name} {model.name} is a {names.get(model.category_id)} "
        f"model; this asset is a {names.get(category_id)}: choose a "
        f"{names.get(category_id)} model or another category",
    )
