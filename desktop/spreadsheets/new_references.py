"""The dry run's list of reference data an import will create, with likely typos flagged."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from desktop.spreadsheets.model import NewReference
from desktop.spreadsheets.references import PendingReference, ReferenceIndex

#: How alike two names must be (difflib's ratio, case ignored) to be flagged.
SIMILARITY = 0.8
#: The kinds of reference data that name companies.
_COMPANIES = ("manufacturer", "supplier")
#: A company's legal form at the end of its name ("Dell Inc.", "LENOVO, Ltd"): GLPI's
#: inventory writes makers so, and "Dell Inc." beside the register's "Dell" is one maker.
_LEGAL_FORM = re.compile(
    r"[\s,]+(inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|gmbh|ag"
    r"|s\.?a|s\.?a\.?s|s\.?r\.?l|b\.?v|n\.?v|k\.?k|oy|ab|as)\.?$",
    re.IGNORECASE,
)


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
        NewReference(
            ref,
            tuple(sorted(set(found))),
            looks_like(_own_name(ref), existing[ref.kind], companies=ref.kind in _COMPANIES),
        )
        for ref, found in rows.items()
    ]
    result.sort(key=lambda n: (n.reference.kind, n.reference.text.casefold()))
    return result


def looks_like(name: str, names: Mapping[str, str], *, companies: bool = False) -> str:
    """The existing name ``name`` is close to, or "": a typo's neighbour, or for
    ``companies`` (makers, suppliers) the same name without or with another legal form
    ("Dell Inc." and "Dell")."""
    close = difflib.get_close_matches(name.casefold(), list(names), n=1, cutoff=SIMILARITY)
    if close:
        return names[close[0]]
    if not companies:
        return ""
    bare = _without_legal_form(name)
    same = [n for key, n in names.items() if _without_legal_form(key) == bare]
    return same[0] if same and bare else ""


def _without_legal_form(name: str) -> str:
    return _LEGAL_FORM.sub("", name.strip()).strip().casefold()


def _own_name(ref: PendingReference) -> str:
    """The name compared with existing ones: a new location's own level, not its path."""
    return ref.path[-1] if ref.kind == "location" and ref.path else ref.name


def _names(index: ReferenceIndex, kind: str) -> dict[str, str]:
    if kind == "manufacturer":
        found = list(index.manufacturer_names.values())
    else:
        found = index.existing_names(kind)
    return {n.casefold(): n for n in found}
