"""The dry run's list of reference data an import will create, with likely typos flagged."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from desktop.spreadsheets.model import NewReference
from desktop.spreadsheets.references import PendingReference, ReferenceIndex

#: How alike two names must be (difflib's ratio, case ignored) to be flagged.
SIMILARITY = 0.8


def new_reference_list(
    pending: Mapping[PendingReference, Sequence[int]], index: ReferenceIndex
) -> list[NewReference]:
    """Every reference the commit creates, sorted by kind and name, with the rows that
    name it. A model's new manufacturer is listed on its own line."""
    rows: dict[PendingReference, list[int]] = {ref: list(found) for ref, found in pending.items()}
    for ref, found in list(rows.items()):
        if ref.kind == "model" and ref.manufacturer.casefold() not in index.manufacturers:
            maker = PendingReference("manufacturer", ref.manufacturer)
            rows.setdefault(maker, []).extend(found)
    existing = {kind: _names(index, kind) for kind in {r.kind for r in rows}}
    result = [
        NewReference(ref, tuple(sorted(set(found))), looks_like(_own_name(ref), existing[ref.kind]))
        for ref, found in rows.items()
    ]
    result.sort(key=lambda n: (n.reference.kind, n.reference.text.casefold()))
    return result


def looks_like(name: str, names: Mapping[str, str]) -> str:
    """The existing name ``name`` is close to, or ""."""
    close = difflib.get_close_matches(name.casefold(), list(names), n=1, cutoff=SIMILARITY)
    return names[close[0]] if close else ""


def _own_name(ref: PendingReference) -> str:
    """The name compared with existing ones: a new location's own level, not its path."""
    return ref.path[-1] if ref.kind == "location" and ref.path else ref.name


def _names(index: ReferenceIndex, kind: str) -> dict[str, str]:
    if kind == "manufacturer":
        found = list(index.manufacturer_names.values())
    else:
        found = index.existing_names(kind)
    return {n.casefold(): n for n in found}
