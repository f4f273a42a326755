"""Status words from our export and from the tools users move from."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.cells import clean_text
from desktop.spreadsheets.columns import (
    PERSON_EMAIL,
    PERSON_NAME,
    ColumnMapping,
    normalize_header,
    target_label,
)

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
    # iTop physical device statuses
    "production": AssetStatus.IN_SERVICE,
    "implementation": AssetStatus.IN_STOCK,
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
    # registers kept in German, French, Spanish or Italian (keys folded as headers are:
    # "En réparation" is "en reparation"). "Hors service" is left out: out of order or
    # taken out of use, a person says which.
    "im lager": AssetStatus.IN_STOCK,
    "auf lager": AssetStatus.IN_STOCK,
    "lager": AssetStatus.IN_STOCK,
    "verfugbar": AssetStatus.IN_STOCK,
    "in betrieb": AssetStatus.IN_SERVICE,
    "im einsatz": AssetStatus.IN_SERVICE,
    "in benutzung": AssetStatus.IN_SERVICE,
    "in reparatur": AssetStatus.IN_REPAIR,
    "defekt": AssetStatus.IN_REPAIR,
    "vermisst": AssetStatus.MISSING,
    "verloren": AssetStatus.MISSING,
    "gestohlen": AssetStatus.MISSING,
    "ausgemustert": AssetStatus.DECOMMISSIONED,
    "ausser betrieb": AssetStatus.DECOMMISSIONED,
    "entsorgt": AssetStatus.DISPOSED,
    "verschrottet": AssetStatus.DISPOSED,
    "verkauft": AssetStatus.DISPOSED,
    "en stock": AssetStatus.IN_STOCK,
    "disponible": AssetStatus.IN_STOCK,
    "en service": AssetStatus.IN_SERVICE,
    "en production": AssetStatus.IN_SERVICE,
    "en utilisation": AssetStatus.IN_SERVICE,
    "en reparation": AssetStatus.IN_REPAIR,
    "en panne": AssetStatus.IN_REPAIR,
    "perdu": AssetStatus.MISSING,
    "vole": AssetStatus.MISSING,
    "rebut": AssetStatus.DISPOSED,
    "au rebut": AssetStatus.DISPOSED,
    "mis au rebut": AssetStatus.DISPOSED,
    "vendu": AssetStatus.DISPOSED,
    "detruit": AssetStatus.DISPOSED,
    "en almacen": AssetStatus.IN_STOCK,
    "en uso": AssetStatus.IN_SERVICE,
    "en servicio": AssetStatus.IN_SERVICE,
    "en reparacion": AssetStatus.IN_REPAIR,
    "averiado": AssetStatus.IN_REPAIR,
    "perdido": AssetStatus.MISSING,
    "robado": AssetStatus.MISSING,
    "retirado": AssetStatus.DECOMMISSIONED,
    "dado de baja": AssetStatus.DISPOSED,
    "vendido": AssetStatus.DISPOSED,
    "in magazzino": AssetStatus.IN_STOCK,
    "disponibile": AssetStatus.IN_STOCK,
    "in uso": AssetStatus.IN_SERVICE,
    "in servizio": AssetStatus.IN_SERVICE,
    "in riparazione": AssetStatus.IN_REPAIR,
    "guasto": AssetStatus.IN_REPAIR,
    "smarrito": AssetStatus.MISSING,
    "rubato": AssetStatus.MISSING,
    "dismesso": AssetStatus.DECOMMISSIONED,
    "rottamato": AssetStatus.DISPOSED,
    "venduto": AssetStatus.DISPOSED,
}
for _status in AssetStatus:
    _SYNONYMS[normalize_header(_status.value)] = _status
    _SYNONYMS[normalize_header(_status.label)] = _status


#: Snipe-IT's custom asset report writes the label with its type: "Ready to Deploy
#: (deployed)", "Broken (undeployable)"; its asset page writes "Deployed (Broken)".
_WITH_TYPE = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")
#: Snipe-IT's status types, which it writes after a label it does not know by name.
_SNIPE_TYPES: dict[str, AssetStatus] = {
    "deployable": AssetStatus.IN_STOCK,
    "deployed": AssetStatus.IN_SERVICE,
    "pending": AssetStatus.IN_STOCK,
    "undeployable": AssetStatus.IN_REPAIR,
    "archived": AssetStatus.DECOMMISSIONED,
}


def parse_status(text: str, words: Mapping[str, str] | None = None) -> AssetStatus:
    """The status ``text`` names; ``words`` are the user's own (word → status value),
    chosen in the wizard, given by ``--status-map`` or saved in an import profile."""
    found = _lookup(text, words)
    if found is None and (both := _WITH_TYPE.match(text.strip())):
        label, kind = both.group(1), both.group(2)
        if normalize_header(label) == "deployed":  # "Deployed (Broken)": the label says more
            label, kind = kind, label
        found = _lookup(label, words) or _SNIPE_TYPES.get(normalize_header(kind))
    if found is None:
        names = ", ".join(s.label for s in AssetStatus)
        raise ValueError(
            f"'{text}' is not a status ({names}): map the word to one "
            "(in the wizard, or with --status-map)"
        )
    return found


def _lookup(text: str, words: Mapping[str, str] | None) -> AssetStatus | None:
    key = normalize_header(text)
    for word, value in (words or {}).items():
        if normalize_header(word) == key:
            return AssetStatus(value)
    return _SYNONYMS.get(key)


def known_status(text: str, words: Mapping[str, str] | None = None) -> bool:
    try:
        parse_status(text, words)
    except ValueError:
        return False
    return True


def status_words_used(cells: Iterable[object]) -> tuple[list[str], list[str]]:
    """The status column's words, each once in the order met: those that are not ours
    (the wizard offers a choice for each), and those read as ours (said as read)."""
    unknown: list[str] = []
    known: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        text = clean_text(cell)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            (known if known_status(text) else unknown).append(text)
    return unknown, known


#: Status words Snipe-IT lets an asset be checked out under (its "deployable" type).
_DEPLOYABLE = {"ready to deploy", "deployable"}
#: Snipe-IT's own status labels (those it installs with, and its demo data's).
_SNIPE_IT_LABELS = {
    *_DEPLOYABLE,
    "pending",
    "archived",
    "undeployable",
    "broken",
    "broken not fixable",
    "out for diagnostics",
    "out for repair",
    "lost stolen",
}
_ASSIGNEE_TARGETS = ("assigned_to", PERSON_EMAIL, PERSON_NAME)


def checked_out_note(
    given: Mapping[str, object], mapping: ColumnMapping, words: Mapping[str, str] | None = None
) -> str:
    """What a new asset's row becomes when it names both a status other than in service
    and an assignee, in words for the dry run ("" when there is nothing to say).

    Snipe-IT keeps the label ("Ready to Deploy") of an asset it checks out and shows
    the asset as "Deployed" (a non-deployable label as "Deployed (Broken)"). The
    assignee says the asset was handed over: the import installs it for them, then takes
    it to the status the row names.
    """
    found = _status_and_assignee(given, words)
    if found is None or found[1] is AssetStatus.IN_SERVICE:
        return ""
    word, status, target, who = found
    said = f"{_header(mapping, 'status')} '{word}' and {_header(mapping, target)} '{who}'"
    label = _snipe_label(word)
    deployable = normalize_header(label) in _DEPLOYABLE
    if status is AssetStatus.IN_STOCK:
        what = f"imported as In service: received, then installed for {who}"
        if _is_snipe_it(word, label, mapping) and not deployable:
            what += (
                f" ('{label}' is not a status Snipe-IT checks assets out under: "
                "if it is not with them yet, leave the assignee out)"
            )
    elif status in (AssetStatus.IN_REPAIR, AssetStatus.MISSING):
        what = (
            f"imported as {status.label}: received, installed for {who}, then changed to "
            f"{status.label}; it stays assigned to {who}"
        )
    else:
        steps = "decommissioned" + (" and disposed" if status is AssetStatus.DISPOSED else "")
        what = (
            f"imported as {status.label}: received, installed for {who}, then {steps}, "
            f"which ends the assignment ({who} stays in its history)"
        )
    if not _is_snipe_it(word, label, mapping):
        return f"{said}: {what} (the assignee says it was handed over)"
    shown = "Deployed" if deployable else f"Deployed ({label})"
    return f"{said}: {what}. Snipe-IT shows a checked-out asset like this one as '{shown}'"


def ordinary_checkout_note(
    given: Mapping[str, object], mapping: ColumnMapping, words: Mapping[str, str] | None = None
) -> str:
    """The words for Snipe-IT's ordinary checked-out row — a deployable label ("Ready to
    Deploy") and an assignee — naming no person, so that the dry run says it once for
    all such rows (most of a Snipe-IT export); "" for any other row."""
    found = _status_and_assignee(given, words)
    if found is None or found[1] is not AssetStatus.IN_STOCK:
        return ""
    word, _status, target, _who = found
    if normalize_header(_snipe_label(word)) not in _DEPLOYABLE:
        return ""
    return (
        f"{_header(mapping, 'status')} '{word}' with a person in {_header(mapping, target)}: "
        "imported as In service — received, then installed for that person (Snipe-IT shows "
        "a checked-out asset with a deployable label as 'Deployed')"
    )


def matched_checkout_note(
    given: dict[str, object], mapping: ColumnMapping, words: Mapping[str, str] | None = None
) -> tuple[str, bool]:
    """What a row matched to an asset already here makes of a status and an assignee it
    names: (words for the dry run, whether they are said once for all such rows).

    Read as for a new row: an in-stock word with an assignee ("Ready to Deploy" and a
    person, Snipe-IT's checked-out asset) is In service — ``given["status"]`` becomes
    ``in_service``, so that importing a Snipe-IT export again does not take its checked-out
    assets back to stock. ("", False) when there is nothing to say.
    """
    found = _status_and_assignee(given, words)
    if found is None or found[1] is AssetStatus.IN_SERVICE:
        return "", False
    word, status, target, who = found
    label = _snipe_label(word)
    snipe_it = _is_snipe_it(word, label, mapping)
    deployable = normalize_header(label) in _DEPLOYABLE
    said = f"{_header(mapping, 'status')} '{word}' and {_header(mapping, target)} '{who}'"
    if status is AssetStatus.IN_STOCK:
        given["status"] = AssetStatus.IN_SERVICE.value
        if deployable:
            return (
                f"{_header(mapping, 'status')} '{word}' with a person in "
                f"{_header(mapping, target)} on an asset already here: read as In service, "
                "assigned to that person (Snipe-IT keeps the label of an asset it checks out "
                "and shows it as 'Deployed')",
                True,
            )
        what = f"read as In service, assigned to {who}"
        if snipe_it:
            what += (
                f" ('{label}' is not a status Snipe-IT checks assets out under: "
                "if it is not with them yet, leave the assignee out)"
            )
    elif status in (AssetStatus.IN_REPAIR, AssetStatus.MISSING):
        what = f"read as {status.label}; it stays assigned to {who}"
    else:
        what = f"read as {status.label}, which ends the assignment ({who} stays in its history)"
    if not snipe_it:
        return f"{said}: {what} (the assignee says it was handed over)", False
    shown = "Deployed" if deployable else f"Deployed ({label})"
    return f"{said}: {what}. Snipe-IT shows a checked-out asset like this one as '{shown}'", False


def assignee_target(given: Mapping[str, object]) -> str | None:
    """The first target that names a row's assignee (None: the row names none)."""
    for target in _ASSIGNEE_TARGETS:  # (a loop, not next() of a generator: runs per row)
        if given.get(target) not in (None, ""):
            return target
    return None


def _status_and_assignee(
    given: Mapping[str, object], words: Mapping[str, str] | None
) -> tuple[str, AssetStatus, str, str] | None:
    """(status word, its status, assignee target, assignee) of a row naming both."""
    word = given.get("status")
    if not isinstance(word, str) or not word:
        return None
    found = next(
        ((t, str(v)) for t in _ASSIGNEE_TARGETS if (v := given.get(t)) not in (None, "")), None
    )
    if found is None:
        return None
    try:
        status = parse_status(word, words)
    except ValueError:
        return None  # the row's error says so
    return word, status, *found


def _header(mapping: ColumnMapping, target: str) -> str:
    column = mapping.index_of(target)
    return mapping.headers[column] if column is not None else target_label(target)


def _snipe_label(word: str) -> str:
    """The label in Snipe-IT's "Label (type)" and "Deployed (Label)"; else the word."""
    both = _WITH_TYPE.match(word.strip())
    if both is None:
        return word
    label, kind = both.group(1), both.group(2)
    if normalize_header(label) == "deployed":
        return kind
    return label if normalize_header(kind) in _SNIPE_TYPES else word


def is_snipe_it_word(word: str) -> bool:
    """Whether a status cell's word is Snipe-IT's rather than one of this app's labels."""
    return _is_snipe_it(word, _snipe_label(word))


#: Headers only GLPI's and iTop's exports have (normalised): "Entity", "Inventory number",
#: iTop's "Organization->Name" (whose arrow normalising drops).
_OTHER_TOOLS = re.compile(
    r"(entity|entite|inventory number|numero d inventaire|organization name|organisation nom)$"
).match


def _is_snipe_it(word: str, label: str, mapping: ColumnMapping | None = None) -> bool:
    """Whether ``word`` is Snipe-IT's: written "Label (type)", or one of its labels in a
    file that is not GLPI's or iTop's (their headers say so): GLPI says "Broken" too, and
    its rows got a remark about Snipe-IT (newuser13)."""
    if label != word:
        return True
    if normalize_header(label) not in _SNIPE_IT_LABELS:
        return False
    return mapping is None or not any(_OTHER_TOOLS(normalize_header(h)) for h in mapping.headers)
