"""Custom field columns under any of their labels.

Categories may label the same custom field differently ("Management IP address" for
switches, "iLO address" for servers). The header our export writes is one of them; a
column under any other label of the same field is that field too.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.spreadsheets.columns import ColumnMapping, normalize_header
from desktop.spreadsheets.mapping import EXTRA_NOTES, NEW_CUSTOM
from desktop.spreadsheets.references import ReferenceIndex


def every_custom_label(index: ReferenceIndex) -> dict[str, str]:
    """Normalised label → custom field key, over every category's labels.

    A label "… address" is also found without that word (Ralph's ``management_ip`` is the
    "Management IP address"). A label two categories give to different keys means
    neither (it is ambiguous)."""
    found: dict[str, set[str]] = {}
    for category in index.categories.values():
        for definition in category.custom_fields:
            label = normalize_header(definition.get("label") or definition["key"])
            found.setdefault(label, set()).add(definition["key"])
            if label.endswith(" address"):
                found.setdefault(label.removesuffix(" address"), set()).add(definition["key"])
    return {label: keys.pop() for label, keys in found.items() if len(keys) == 1}


def map_other_custom_labels(
    mapping: ColumnMapping, index: ReferenceIndex, chosen: Mapping[str, str] | None
) -> ColumnMapping:
    """``mapping`` with columns that carry another label of a custom field mapped to it —
    columns no asset field took (left out, or kept in the notes or as a new custom field
    for want of a better target), unless the user chose for the column (``chosen``)."""
    labels = every_custom_label(index)
    used = set(mapping.targets)
    targets = list(mapping.targets)
    for position, (header, target) in enumerate(zip(mapping.headers, mapping.targets, strict=True)):
        leftover = not target or target == EXTRA_NOTES or target.startswith(NEW_CUSTOM)
        if not leftover or (chosen and header in chosen):
            continue
        key = labels.get(normalize_header(header))
        if key is not None and CUSTOM_PREFIX + key not in used:
            targets[position] = CUSTOM_PREFIX + key
            used.add(CUSTOM_PREFIX + key)
    return ColumnMapping(mapping.headers, tuple(targets))
