"""Ralph's numeric status codes, read without a ``--status-map``.

Ralph's exports (its admin's CSV export and its importer's samples) write an asset's
status as the number Ralph stores: ``2`` for a data-center asset in use. The numbers
are Ralph's choices in the order it declares them (``dj.choices``, from 1), and they
differ between its two kinds of asset — a back-office asset's 2 is "in progress" and
its 5 "loan", a data-center asset's 5 "liquidated" — so the file's columns must say
which kind it holds: a rack, a slot or a management IP for data-center assets; a
warehouse, an IMEI, an owner or a region for back-office assets. A file that shows
both, or neither, gets no codes (its statuses are refused and say so, as before).

Codes from allegro/ralph's migrations: data_center 0025_auto_20170510_1122 and
back_office 0028_alter_backofficeasset_status_and_more (the current choices).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.cells import clean_text
from desktop.spreadsheets.columns import normalize_header

_IN_STOCK = AssetStatus.IN_STOCK
_IN_SERVICE = AssetStatus.IN_SERVICE
_IN_REPAIR = AssetStatus.IN_REPAIR
_MISSING = AssetStatus.MISSING
_DECOMMISSIONED = AssetStatus.DECOMMISSIONED
_DISPOSED = AssetStatus.DISPOSED

#: DataCenterAssetStatus: code → (Ralph's word, our status).
DATA_CENTER: dict[int, tuple[str, AssetStatus]] = {
    1: ("new", _IN_STOCK),
    2: ("in use", _IN_SERVICE),
    3: ("free", _IN_STOCK),
    4: ("damaged", _IN_REPAIR),
    5: ("liquidated", _DISPOSED),
    6: ("to deploy", _IN_STOCK),
    7: ("cleaned", _DECOMMISSIONED),  # wiped on its way out
    8: ("pre liquidated", _DECOMMISSIONED),
}
#: BackOfficeAssetStatus: code → (Ralph's word, our status). Ralph's "in service" (8) is
#: an asset away at a service centre: In repair, not our In service.
BACK_OFFICE: dict[int, tuple[str, AssetStatus]] = {
    1: ("new", _IN_STOCK),
    2: ("in progress", _IN_SERVICE),
    3: ("waiting for release", _IN_STOCK),
    4: ("in use", _IN_SERVICE),
    5: ("loan", _IN_SERVICE),
    6: ("damaged", _IN_REPAIR),
    7: ("liquidated", _DISPOSED),
    8: ("in service", _IN_REPAIR),
    9: ("installed", _IN_SERVICE),
    10: ("free", _IN_STOCK),
    11: ("reserved", _IN_STOCK),
    12: ("sale", _DECOMMISSIONED),
    13: ("loan in progress", _IN_SERVICE),
    14: ("return in progress", _IN_SERVICE),
    15: ("to find", _MISSING),
    16: ("sent", _IN_SERVICE),
    17: ("to buyout", _IN_SERVICE),
    18: ("in use team", _IN_SERVICE),
    19: ("in use test", _IN_SERVICE),
    20: ("in progress team", _IN_SERVICE),
    21: ("in progress test", _IN_SERVICE),
    22: ("quarantine", _IN_REPAIR),
    23: ("refurbished", _IN_STOCK),
    24: ("reserved to order", _IN_STOCK),
    25: ("replacement", _IN_SERVICE),
    26: ("in maintenance", _IN_REPAIR),
    27: ("not returned [EL]", _MISSING),
    28: ("taken for disposal", _DECOMMISSIONED),
    29: ("in use (mgmt excluded)", _IN_SERVICE),
    30: ("in use test (mgmt excluded)", _IN_SERVICE),
    31: ("in use team (mgmt excluded)", _IN_SERVICE),
    32: ("in use (update excluded)", _IN_SERVICE),
    33: ("in use test (update excluded)", _IN_SERVICE),
    34: ("in use team (update excluded)", _IN_SERVICE),
}

#: Field codes only Ralph's exports write together (two of them make a Ralph file).
_RALPH = frozenset(
    {"sn", "barcode", "model str", "service env", "force depreciation", "depreciation rate",
     "niw", "property of", "budget info"}
)  # fmt: skip
_DATA_CENTER = frozenset(
    {"rack", "rack str", "management ip", "slot no", "orientation", "firmware version",
     "bios version"}
)  # fmt: skip
_BACK_OFFICE = frozenset({"warehouse", "warehouse str", "imei", "imei2", "owner", "region"})


def ralph_kind(headers: Iterable[str]) -> tuple[str, dict[int, tuple[str, AssetStatus]]] | None:
    """("data-center", codes) or ("back-office", codes) when the headers are a Ralph
    export of one kind of asset; None otherwise."""
    names = {normalize_header(h) for h in headers}
    if len(names & _RALPH) < 2:
        return None
    center, office = bool(names & _DATA_CENTER), bool(names & _BACK_OFFICE)
    if center == office:
        return None
    return ("data-center", DATA_CENTER) if center else ("back-office", BACK_OFFICE)


def ralph_status_words(
    headers: Sequence[str], statuses: Iterable[object], given: Mapping[str, str] | None = None
) -> tuple[dict[str, str], str]:
    """The status words (code → our status value) for the codes ``statuses`` (the status
    column's cells) hold, and the note that says so; ({}, "") when the file is not a
    Ralph export of one kind or holds no code. ``given``: the user's own status words
    (word → status value), which read a code their way; a code they read as Ralph does
    (the wizard offers Ralph's reading chosen) is still said in the note — the dry run
    said nothing of the codes when the wizard's status words carried them all."""
    found = ralph_kind(headers)
    if found is None:
        return {}, ""
    kind, codes = found
    mine = {normalize_header(word): status for word, status in (given or {}).items()}
    used: dict[int, str] = {}
    for cell in statuses:
        text = clean_text(cell)
        if text is None or not text.isdigit() or int(text) not in codes:
            continue
        if mine.get(normalize_header(text), codes[int(text)][1].value) == codes[int(text)][1].value:
            used.setdefault(int(text), text)
    if not used:
        return {}, ""
    words = {text: codes[code][1].value for code, text in used.items()}
    said = ", ".join(f"{code} '{codes[code][0]}' → {codes[code][1].label}" for code in sorted(used))
    note = (
        f"Status: Ralph's {kind} asset codes read as Ralph names them: {said} "
        "(a status word of your own for a code reads it otherwise)"
    )
    return words, note
