"""What a lifecycle step does to an asset beyond its status, whichever door it came by.

- A **decommissioned** asset is nobody's: its assignee is cleared. It is kept somewhere
  until disposal: where the procedure says, or else the IT store of its site.
- **Putting an asset in service** by a change needs what an install needs (its template's required
  fields and rules: a location, an assignee or owning group), so that a change of status
  is no back door around the install procedure.

The procedure service calls :func:`apply_lifecycle_rules` for every procedure (form,
command line, import, field kit replay), inside its transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.errors import Problem
from desktop.storage.models import Asset, Location

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
) -> None:
    """Adjust ``new_values`` (the asset fields the procedure sets) and add ``problems``.

    Args:
        given: the values the request named (a location given equal to the current one
            is still a choice: the asset stays where it is).
        install_requirements: the install template's problems with the resulting asset.
    """
    if asset is None:
        return
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
        and asset.status != AssetStatus.IN_SERVICE.value
    )
    if putting_in_service:
        for problem in install_requirements():
            problems.append(
                Problem(
                    problem.field,
                    f"to put the asset in service (as Install does): {problem.message}",
                )
            )
