"""Status words from our export and from the tools users move from."""

from __future__ import annotations

from collections.abc import Mapping

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.columns import normalize_header

_SYNONYMS: dict[str, AssetStatus] = {
    # Snipe-IT status labels
    "ready to deploy": AssetStatus.IN_STOCK,
    "deployable": AssetStatus.IN_STOCK,
    "pending": AssetStatus.IN_STOCK,
    "deployed": AssetStatus.IN_SERVICE,
    "undeployable": AssetStatus.IN_REPAIR,
    "out for diagnostics": AssetStatus.IN_REPAIR,
    "out for repair": AssetStatus.IN_REPAIR,
    "broken": AssetStatus.IN_REPAIR,
    "lost stolen": AssetStatus.MISSING,
    "lost": AssetStatus.MISSING,
    "stolen": AssetStatus.MISSING,
    "archived": AssetStatus.DECOMMISSIONED,
    # GLPI states
    "in use": AssetStatus.IN_SERVICE,
    "in production": AssetStatus.IN_SERVICE,
    "in stock": AssetStatus.IN_STOCK,
    "stock": AssetStatus.IN_STOCK,
    "in repair": AssetStatus.IN_REPAIR,
    "repair": AssetStatus.IN_REPAIR,
    "retired": AssetStatus.DECOMMISSIONED,
    "scrapped": AssetStatus.DISPOSED,
    # Ralph statuses
    "new": AssetStatus.IN_STOCK,
    "free": AssetStatus.IN_STOCK,
    "reserved": AssetStatus.IN_STOCK,
    "to deploy": AssetStatus.IN_STOCK,
    "used": AssetStatus.IN_SERVICE,
    "in progress": AssetStatus.IN_SERVICE,
    "loan": AssetStatus.IN_SERVICE,
    "damaged": AssetStatus.IN_REPAIR,
    "liquidated": AssetStatus.DISPOSED,
    "to liquidate": AssetStatus.DECOMMISSIONED,
    # Shelf asset statuses
    "in custody": AssetStatus.IN_SERVICE,
    "checked out": AssetStatus.IN_SERVICE,
    # home-made registers
    "active": AssetStatus.IN_SERVICE,
    "inactive": AssetStatus.IN_STOCK,
    "spare": AssetStatus.IN_STOCK,
    "assigned": AssetStatus.IN_SERVICE,
    "available": AssetStatus.IN_STOCK,
    "decommissioned": AssetStatus.DECOMMISSIONED,
    "disposed": AssetStatus.DISPOSED,
    "sold": AssetStatus.DISPOSED,
    "written off": AssetStatus.DISPOSED,
    "missing": AssetStatus.MISSING,
    "in service": AssetStatus.IN_SERVICE,
    "under repair": AssetStatus.IN_REPAIR,
    "faulty": AssetStatus.IN_REPAIR,
    "end of life": AssetStatus.DECOMMISSIONED,
    "eol": AssetStatus.DECOMMISSIONED,
    "obsolete": AssetStatus.DECOMMISSIONED,
    "destroyed": AssetStatus.DISPOSED,
    "recycled": AssetStatus.DISPOSED,
}
for _status in AssetStatus:
    _SYNONYMS[normalize_header(_status.value)] = _status
    _SYNONYMS[normalize_header(_status.label)] = _status


def parse_status(text: str, words: Mapping[str, str] | None = None) -> AssetStatus:
    """The status ``text`` names; ``words`` are the user's own (word → status value),
    chosen in the wizard, given by ``--status-map`` or saved in an import profile."""
    key = normalize_header(text)
    for word, value in (words or {}).items():
        if normalize_header(word) == key:
            return AssetStatus(value)
    found = _SYNONYMS.get(key)
    if found is None:
        names = ", ".join(s.label for s in AssetStatus)
        raise ValueError(
            f"'{text}' is not a status ({names}): map the word to one "
            "(in the wizard, or with --status-map)"
        )
    return found


def known_status(text: str, words: Mapping[str, str] | None = None) -> bool:
    try:
        parse_status(text, words)
    except ValueError:
        return False
    return True
