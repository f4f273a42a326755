"""Headers matched as a whole: every column scored against every target, best pairs first.

Taking the first column that names a target goes wrong on real exports: Snipe-IT's older
files have the person's "Name" next to the asset's "item Name", and offer "Username",
"Email" and "Full Name" for one person (each kept: the person is found by user name,
else e-mail, else full name). Each (column, target) pair gets a score — how
surely that header means that target — and pairs are taken from the highest score down,
each column and each target once. A column left over keeps its data: by default it is
added to the asset's notes as "Header: value" (nothing is dropped unless the user says
so); an empty one has nothing to keep.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import overload

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.spreadsheets.columns import (
    KEY,
    MANUFACTURER,
    MODEL_NUMBER,
    PERSON_NAME,
    PROBLEMS,
    QUANTITY,
    RACK,
    READ_ONLY,
    TARGETS,
    VERSION,
    WARRANTY_MONTHS,
    ColumnMapping,
    normalize_header,
    target_label,
)
from desktop.spreadsheets.ralph_statuses import ralph_kind

#: The target of a column whose data is added to the notes ("Header: value").
EXTRA_NOTES = "extra_notes"
EXTRA_NOTES_LABEL = "Add to the notes"
#: The target prefix of a column that becomes a new custom field (``new_custom.<key>``),
#: added to the categories of the rows that give it a value.
NEW_CUSTOM = "new_custom."
#: What happens to the columns nobody recognises: kept in the notes (the default), made
#: custom fields, or left out.
UNKNOWN_COLUMNS = ("notes", "custom-fields", "skip")

#: Headers other tools and home-made registers use, with how surely each means its target
#: (100: only this; lower: a generic word another column may mean better). Our own
#: export's headers and the synonyms in :mod:`columns` score 90.
_SCORED: dict[str, tuple[tuple[str, int], ...]] = {
    "tag": (
        ("Asset Tag", 100),
        ("Assets Id", 95),
        ("Asset Id", 95),
        ("TAG Id", 95),
        ("Tag No", 95),
        ("Tag Number", 95),
        ("Asset No", 90),
        ("Asset Number", 90),
        ("Inventory number", 95),
        ("otherserial", 95),
        ("barcode", 85),
        ("barcode_Code128", 85),
        ("barcode_QR", 80),
        ("qrId", 40),
    ),
    "name": (
        ("Asset Name", 100),
        ("item Name", 100),
        ("title", 80),
        ("Device Name", 95),
        ("Computer Name", 95),
        ("hostname", 90),
        ("Description", 65),
        ("Name", 70),  # above "Description": iTop and GLPI give both
    ),
    "category": (
        ("Category", 100),
        ("item Category", 100),
        ("Asset Category", 100),
        ("Device Type", 95),
        ("Asset Type", 95),
        ("Equipment Type", 95),
        ("Type", 70),
        ("Class", 40),
    ),
    MANUFACTURER: (
        ("Manufacturer", 100),
        ("Make", 90),
        ("Brand", 90),
        ("Brand name", 95),
        ("Vendor", 50),
    ),
    "model": (("Model", 100), ("Model Name", 100), ("Model No.", 40)),
    MODEL_NUMBER: (("Model No.", 95), ("Model No", 95), ("Model Number", 100)),
    "serial_number": (
        ("Serial", 100),
        ("Serial Number", 100),
        ("Serial No", 100),
        ("serialnumber", 100),
        ("SN", 90),
    ),
    "status": (("Status", 100), ("Status Label", 100), ("State", 80), ("Condition", 40)),
    "location": (
        ("Location", 100),
        ("Default Location", 90),
        ("Site", 70),
        ("Room", 70),
        ("Office", 60),
    ),
    "assigned_to": (
        ("Username", 100),
        ("Checked Out To: Username", 100),
        ("Assigned_User", 95),
        ("Assigned User", 95),
        ("Assigned To", 92),
        ("Checked Out To", 92),
        ("custody", 90),
        ("Custodian", 90),
        ("User", 80),
        ("Login", 80),
        ("Checked Out To: Email", 75),
        ("Email", 70),
        ("E-mail", 70),
        ("Checked Out To: Full Name", 65),
        ("Full Name", 60),
        ("Alternate username", 60),
        ("Owner", 50),
        ("Employee", 50),
        ("Name", 30),
    ),
    # Old Snipe-IT exports put the person's full name in "Name" next to "item Name".
    # Snipe-IT's "Checked Out To" is the full name when a "Username" column is the person.
    PERSON_NAME: (("Checked Out To", 50), ("Name", 35)),
    "purchase_date": (
        ("Purchase Date", 100),
        ("Date Purchased", 100),
        ("Purchased", 80),
        ("Acquisition Date", 90),
        ("Date of purchase", 100),
        ("Invoice Date", 80),
    ),
    "purchase_cost": (
        ("Purchase Cost", 100),
        ("Purchase Price", 100),
        ("valuation", 90),
        ("Cost", 90),
        ("Price", 85),
        ("Value", 70),
    ),
    "order_number": (("Order Number", 100), ("PO Number", 95), ("Order No", 95)),
    "owning_group": (("Group in charge of the hardware", 95), ("Owning group", 100)),
    "supplier": (("Supplier", 100), ("Vendor", 60), ("Provider", 80)),
    "warranty_end": (
        ("Warranty Expires", 100),
        ("Warranty Expiry Date", 100),
        ("Warranty Expiration Date", 100),
        ("Warranty End", 100),
        ("Warranty Until", 95),
        ("Warranty Expiry", 100),
        ("End of warranty", 100),
    ),
    WARRANTY_MONTHS: (("Warranty Months", 100), ("Warranty", 70), ("Warranty (months)", 100)),
    "notes": (
        ("Notes", 100),
        ("Asset Notes", 100),
        ("Comments", 90),
        ("Comment", 90),
        ("Remarks", 85),
        ("description", 60),
    ),
}
_GENERIC = 90

#: Registers kept in German, French, Spanish or Italian, and GLPI in French: the same
#: headers in those languages (matched with accents, case and punctuation folded:
#: "Numéro de série", "Inv.-Nr."). A word that may mean two fields is left out or scored
#: low as its English twin is ("Typ", "Nom", "Beschreibung").
_OTHER_LANGUAGES: dict[str, tuple[tuple[str, int], ...]] = {
    "tag": (
        ("Inventarnummer", 95),
        ("Inventar-Nr.", 95),
        ("Inv.-Nr.", 95),
        ("Inv.-Nummer", 95),
        ("Numéro d'inventaire", 95),
        ("N° d'inventaire", 95),
        ("Número de inventario", 95),
        ("Nº de inventario", 95),
        ("Numero di inventario", 95),
        ("Numero inventario", 95),
    ),
    "name": (
        ("Gerätename", 95),
        ("Bezeichnung", 80),
        ("Beschreibung", 65),
        ("Nom", 70),
        ("Désignation", 80),
        ("Nombre", 70),
        ("Descripción", 65),
        ("Nome", 70),
        ("Descrizione", 65),
    ),
    "category": (
        ("Kategorie", 100),
        ("Gerätetyp", 95),
        ("Geräteart", 95),
        ("Typ", 70),
        ("Catégorie", 100),
        ("Categoría", 100),
        ("Tipo", 70),
    ),
    MANUFACTURER: (
        ("Hersteller", 100),
        ("Marke", 90),
        ("Fabricant", 100),
        ("Marque", 90),
        ("Fabricante", 100),
        ("Marca", 90),
        ("Produttore", 100),
    ),
    "model": (("Modell", 100), ("Modèle", 100), ("Modelo", 100), ("Modello", 100)),
    "serial_number": (
        ("Seriennummer", 100),
        ("Serien-Nr.", 100),
        ("Seriennr.", 100),
        ("Numéro de série", 100),
        ("N° de série", 100),
        ("Número de serie", 100),
        ("Nº de serie", 100),
        ("Numero di serie", 100),
        ("Numero seriale", 100),
    ),
    "status": (("Statut", 100), ("État", 80), ("Estado", 100), ("Stato", 100)),
    "location": (
        ("Standort", 100),
        ("Ort", 80),
        ("Raum", 70),
        ("Lieu", 100),
        ("Emplacement", 100),
        ("Localisation", 100),
        ("Ubicación", 100),
        ("Ubicazione", 100),
        ("Sede", 70),
    ),
    "assigned_to": (
        ("Zugewiesen an", 92),
        ("Benutzer", 80),
        ("Mitarbeiter", 50),
        ("Utilisateur", 80),
        ("Usager", 60),  # GLPI's "Alternate username"
        ("Attribué à", 92),
        ("Usuario", 80),
        ("Asignado a", 92),
        ("Utente", 80),
        ("Assegnato a", 92),
    ),
    "purchase_date": (
        ("Kaufdatum", 100),
        ("Anschaffungsdatum", 100),
        ("Date d'achat", 100),
        ("Fecha de compra", 100),
        ("Data di acquisto", 100),
        ("Data acquisto", 100),
    ),
    "purchase_cost": (
        ("Kaufpreis", 100),
        ("Anschaffungskosten", 100),
        ("Preis", 85),
        ("Einzelpreis", 90),  # a purchase order's unit price
        ("Wert", 70),
        ("Prix d'achat", 100),
        ("Coût", 90),
        ("Prix", 85),
        ("Prix unitaire", 90),
        ("Valeur", 70),  # GLPI's "Value"
        ("Precio de compra", 100),
        ("Coste", 90),
        ("Costo", 90),
        ("Precio", 85),
        ("Valor", 70),
        ("Prezzo di acquisto", 100),
        ("Prezzo", 85),
        ("Valore", 70),
    ),
    "order_number": (
        ("Bestellnummer", 100),
        ("Bestell-Nr.", 95),
        ("Numéro de commande", 100),
        ("Número de pedido", 100),
        ("Numero d'ordine", 100),
        ("Numero ordine", 95),
    ),
    "owning_group": (("Groupe en charge du matériel", 95),),
    "supplier": (
        ("Lieferant", 100),
        ("Fournisseur", 100),
        ("Proveedor", 100),
        ("Fornitore", 100),
    ),
    "warranty_end": (
        ("Garantie bis", 100),
        ("Garantieende", 100),
        ("Ende der Garantie", 100),
        ("Fin de garantie", 100),
        ("Date de fin de garantie", 100),
        ("Date d'expiration de la garantie", 100),
        ("Fin de garantía", 100),
        ("Garantía hasta", 95),
        ("Scadenza garanzia", 100),
        ("Fine garanzia", 100),
    ),
    WARRANTY_MONTHS: (
        ("Garantie (Monate)", 100),
        ("Durée de garantie", 95),  # GLPI: in months
        ("Garantie (mois)", 100),
        ("Garantía (meses)", 100),
        ("Garanzia (mesi)", 100),
    ),
    "notes": (
        ("Bemerkung", 100),
        ("Bemerkungen", 100),
        ("Anmerkungen", 100),
        ("Notizen", 100),
        ("Kommentar", 90),
        ("Commentaires", 90),
        ("Commentaire", 90),
        ("Remarques", 85),
        ("Notas", 100),
        ("Comentarios", 90),
        ("Observaciones", 90),
        ("Commenti", 90),
        ("Osservazioni", 85),
        ("Beschreibung", 60),
        ("Descripción", 60),
        ("Descrizione", 60),
    ),
}

#: Other tools' columns that no asset field holds but that say something about the asset:
#: kept as a custom field under a clear name (key, label) rather than a notes line, so
#: that they stay searchable and typed. iTop's move-to-production date is when the asset
#: went into service (we keep no such date: the install procedure's date is the day of
#: the import); its business criticality is a rating; GLPI's entity is the organisation
#: unit the record belongs to — not an owning group, which is a team whose members are
#: kept from approving their own changes; iTop's organization ("Organization->Name",
#: "org_id->name") is the same kind of unit and is kept the same way; GLPI's "Last update"
#: is when the old record last changed, which the asset's own history does not know.
TOOL_FIELDS: dict[str, tuple[str, str]] = {
    "move to production date": ("in_production_since", "In production since"),
    "move2production": ("in_production_since", "In production since"),
    "business criticality": ("business_criticality", "Business criticality"),
    "business criticity": ("business_criticality", "Business criticality"),
    "entity": ("entity", "Entity"),
    "organization": ("organization", "Organization"),
    "organisation": ("organization", "Organization"),
    "org": ("organization", "Organization"),
    "last update": ("previous_last_update", "Last update (previous tool)"),
    # GLPI in French
    "entite": ("entity", "Entity"),
    "derniere modification": ("previous_last_update", "Last update (previous tool)"),
}
TOOL_FIELD_LABELS: dict[str, str] = dict(TOOL_FIELDS.values())
#: Kept as text whatever the values look like: the time of day of GLPI's "2024-05-03
#: 10:12" would be lost in a date field.
TOOL_FIELD_TEXT = frozenset({"previous_last_update"})


def tool_field(header: str) -> tuple[str, str] | None:
    """The custom field (key, label) another tool's column is kept as, if it is one."""
    for key in header_keys(header):
        if key in TOOL_FIELDS:
            return TOOL_FIELDS[key]
    return None


@dataclass(frozen=True)
class ColumnFate:
    """What happens to one column: its header, target and the words the dry run shows."""

    header: str
    target: str
    text: str
    #: Rows whose cell went to the notes though the column is mapped (their category
    #: lacks the custom field another category's label named).
    notes_rows: tuple[int, ...] = ()


def _index(custom_labels: Mapping[str, str]) -> dict[str, list[tuple[str, int]]]:
    """Normalised header → the targets it may mean, with their scores: the known
    headers' (made once: an import looks headers up three times) and the custom fields'."""
    index = {key: list(entries) for key, entries in _known_headers().items()}
    for key, label in custom_labels.items():
        for name in (label, key, CUSTOM_PREFIX + key):
            _add(index, name, CUSTOM_PREFIX + key, 100)
    return index


@functools.cache
def _known_headers() -> dict[str, list[tuple[str, int]]]:
    index: dict[str, list[tuple[str, int]]] = {}
    for table in (_SCORED, _OTHER_LANGUAGES):
        for target, names in table.items():
            for name, score in names:
                _add(index, name, target, score)
    for found in TARGETS:
        # Read-only is our own export's column only: another tool's "Last Audit" is kept.
        spellings = (
            (found.header,)
            if found.key == READ_ONLY
            else (found.header, found.key, *found.synonyms)
        )
        for spelling in spellings:
            _add(index, spelling, found.key, _GENERIC)
    return index


def _add(index: dict[str, list[tuple[str, int]]], name: str, target: str, score: int) -> None:
    entries = index.setdefault(normalize_header(name), [])
    if all(t != target for t, _ in entries):
        entries.append((target, score))


_UNIT = re.compile(r"\s*[(\[][^()\[\]]{1,12}[)\]]\s*$")
_BARCODE = re.compile(r"^barcode[_ ]")


#: GLPI's export writes a financial column under its group: "Financial and administrative
#: information - Date of purchase".
_GLPI_GROUP = re.compile(
    r"^(?:financial and administrative information|informations financi[eè]res et"
    r" administratives)\s+-\s+",
    re.IGNORECASE,
)
#: iTop names a linked object's field "Brand->Name" (labels) or "brand_id->name" (codes).
_ITOP_LINK = re.compile(r"^\s*(\w[\w ]*?)(?:_id)?\s*->\s*\w+\s*$")


def header_keys(header: str) -> list[str]:
    """The forms a header is looked up by: as written, without a "(AUD)"-style unit,
    without the " (2)" our duplicate-header naming adds, without GLPI's financial group
    and iTop's "->name" of a linked object."""
    base = re.sub(r"\s\(\d+\)$", "", header)
    keys = [normalize_header(header), normalize_header(base), normalize_header(_UNIT.sub("", base))]
    keys.append(normalize_header(_GLPI_GROUP.sub("", base)))
    if link := _ITOP_LINK.match(base):
        keys.append(normalize_header(link.group(1)))
    return list(dict.fromkeys(k for k in keys if k))


def candidates(header: str, index: Mapping[str, list[tuple[str, int]]]) -> list[tuple[str, int]]:
    """Every target a header may mean, with its score (a unit in brackets costs a point)."""
    found: dict[str, int] = {}
    for n, key in enumerate(header_keys(header)):
        for target, score in index.get(key, ()):
            found[target] = max(found.get(target, 0), score - (1 if n else 0))
    if header.strip().casefold().endswith("_str"):
        # Ralph writes an id column ("model") and its readable text ("model_str").
        for target, score in index.get(normalize_header(header.strip()[:-4]), ()):
            found[target] = max(found.get(target, 0), score + 5)
    if not found and _BARCODE.match(header.strip().casefold()):
        found["tag"] = 70  # Shelf writes one column per barcode kind
    return sorted(found.items(), key=lambda kv: -kv[1])


#: Targets a cell names by its text: a location, a model, a group… (not by a number).
NAMED_REFERENCES = frozenset(
    {"category", "model", "location", "assigned_to", "owning_group", "supplier", MANUFACTURER, RACK}
)


def ralph_id_columns(
    headers: Sequence[str], columns: Sequence[Sequence[object]] | None
) -> set[int]:
    """The columns of a Ralph export that hold another record's id: every cell a whole
    number. Ralph writes a reference as its id ("model": 1, "warehouse": 1) and, in some
    exports, its text beside it ("model_str"); its back-office export has the ids alone,
    and "1" was imported as a new location and a model "Unknown manufacturer 1". An id
    names nothing here: such a column goes to the notes, not to a reference."""
    if columns is None or ralph_kind(headers) is None:
        return set()
    found = set()
    for number in range(min(len(headers), len(columns))):
        cells = [str(c).strip() for c in columns[number] if c not in (None, "") and str(c).strip()]
        if cells and all(c.isdigit() for c in cells):
            found.add(number)
    return found


def best_mapping(
    headers: Sequence[str],
    custom_labels: Mapping[str, str],
    profile: Mapping[str, str] | None = None,
    columns: Sequence[Sequence[object]] | None = None,
    unknown: str = "notes",
) -> ColumnMapping:
    """The mapping of all headers at once.

    A saved profile decides first. Then the (column, target) pairs are taken from the
    highest score down, each column and target once (ties: the column further left).
    Columns left over are kept when ``columns`` (each column's data cells) shows they
    hold data — another tool's column of :data:`TOOL_FIELDS` as its custom field, any
    other in the notes, or as new custom fields (``unknown``); an empty one is left out.
    """
    index = _index(custom_labels)
    profile_by_key = {normalize_header(h): t for h, t in (profile or {}).items()}
    targets = [""] * len(headers)
    decided: set[int] = set()
    used: set[str] = set()
    for number, header in enumerate(headers):
        key = normalize_header(header)
        if key in profile_by_key:
            targets[number] = profile_by_key[key]
            decided.add(number)
            if profile_by_key[key] not in (READ_ONLY, PROBLEMS, EXTRA_NOTES):
                used.add(profile_by_key[key])
    ids = ralph_id_columns(headers, columns)
    pairs = [
        (score, number, target)
        for number, header in enumerate(headers)
        if number not in decided
        for target, score in candidates(header, index)
        if not (number in ids and target in NAMED_REFERENCES)
    ]
    for _score, number, target in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if number in decided or (target in used and target not in (READ_ONLY, PROBLEMS)):
            continue
        targets[number] = target
        decided.add(number)
        used.add(target)
    for number in range(len(headers)):
        if number in decided or columns is None:
            continue
        data = columns[number] if number < len(columns) else ()
        if not any(c not in (None, "") and str(c).strip() for c in data):
            continue
        tool = tool_field(headers[number])
        if tool is not None:
            own = (CUSTOM_PREFIX if tool[0] in custom_labels else NEW_CUSTOM) + tool[0]
            if own not in used:
                targets[number] = own
                used.add(own)
                continue
        if unknown != "skip":
            if unknown == "custom-fields":
                key = new_field_key(headers[number], used)
                known = key in custom_labels
                targets[number] = (CUSTOM_PREFIX if known else NEW_CUSTOM) + key
                used.add(targets[number])
            else:
                targets[number] = EXTRA_NOTES
    return ColumnMapping(tuple(headers), tuple(targets))


def new_field_key(header: str, used: set[str] | None = None) -> str:
    """A custom field key from a header: "EOL Date" → ``eol_date``."""
    base = "_".join(re.sub(r"[^0-9a-z]+", " ", header.casefold()).split())[:60] or "column"
    if base[0].isdigit():
        base = "f_" + base
    key, n = base, 1
    while used is not None and (NEW_CUSTOM + key in used or CUSTOM_PREFIX + key in used):
        n += 1
        key = f"{base}_{n}"
    return key


def column_data(rows: Sequence[Sequence[object]], first: int, width: int) -> Sequence[list[object]]:
    """The data cells of each column below the header, each column gathered when first
    asked for (the mapping looks only at the columns no header names)."""
    return _Columns(rows, first, width)


class _Columns(Sequence[list[object]]):
    def __init__(self, rows: Sequence[Sequence[object]], first: int, width: int) -> None:
        self._rows = rows
        self._first = first
        self._width = width
        self._made: dict[int, list[object]] = {}

    def __len__(self) -> int:
        return self._width

    @overload
    def __getitem__(self, number: int) -> list[object]: ...

    @overload
    def __getitem__(self, number: slice) -> list[list[object]]: ...

    def __getitem__(self, number: int | slice) -> list[object] | list[list[object]]:
        if isinstance(number, slice):
            return [self[n] for n in range(self._width)[number]]
        if not -self._width <= number < self._width:
            raise IndexError(number)
        number %= self._width
        made = self._made.get(number)
        if made is None:
            made = self._made[number] = [
                row[number]
                for row in itertools.islice(self._rows, self._first, None)
                if number < len(row)
            ]
        return made


#: How the column list names a Ralph export's column of another record's ids.
RALPH_IDS = "Ralph record ids"


def ralph_id_headers(mapping: ColumnMapping, custom_labels: Mapping[str, str]) -> set[str]:
    """The columns of a Ralph export that go to the notes and hold Ralph's record ids:
    its own "id" and a header naming a reference ("model", "warehouse"): Ralph writes a
    reference as the record's id (see :func:`ralph_id_columns`), a known column holding
    ids, not an unknown column."""
    if ralph_kind(mapping.headers) is None:
        return set()
    index = _index(custom_labels)

    def holds_ids(header: str) -> bool:
        name = header.strip().casefold()
        return name == "id" or (
            not name.endswith("_str")
            and any(t in NAMED_REFERENCES for t, _score in candidates(header, index))
        )

    return {
        header
        for header, target in zip(mapping.headers, mapping.targets, strict=True)
        if target == EXTRA_NOTES and holds_ids(header)
    }


def is_currency(header: str, mapping: ColumnMapping) -> bool:
    """Whether ``header`` is the currency of the file's purchase cost column (Ralph's
    ``price_currency`` beside its ``price``, or a "Currency" column beside a cost)."""
    name = header.strip().casefold().replace("_", " ")
    return "purchase_cost" in mapping.targets and name in (
        "price currency",
        "currency",
        "purchase currency",
        "cost currency",
    )


def fates(mapping: ColumnMapping, custom_labels: Mapping[str, str]) -> list[ColumnFate]:
    """Every column's fate in words."""
    result = []
    ids = ralph_id_headers(mapping, custom_labels)
    for header, target in zip(mapping.headers, mapping.targets, strict=True):
        if header in ids:
            text = f"{RALPH_IDS}: kept in the notes as '{header}: …'"
        elif target == EXTRA_NOTES and is_currency(header, mapping):
            text = (
                f"the currency of the prices: kept in the notes as '{header}: …' (the "
                "register keeps a purchase cost as an amount, without a currency)"
            )
        elif target == EXTRA_NOTES:
            text = f"added to the notes as '{header}: …' (not a known column)"
        elif target.startswith(NEW_CUSTOM):
            key = target[len(NEW_CUSTOM) :]
            text = f"a new custom field '{key}' of the categories of its rows"
        elif target == RACK:
            text = "imported as a rack: a location below the row's location"
        elif target == QUANTITY:
            text = (
                "how many items the row is: a row of 3 without a tag or serial number "
                "becomes 3 new assets, each tagged from its category's sequence"
            )
        elif target == READ_ONLY:
            text = "read only: not imported"
        elif target == PROBLEMS:
            text = "the error workbook's reasons: not imported"
        elif target in (KEY, VERSION):
            text = f"used to find the asset ({target_label(target)})"
        elif target in (MANUFACTURER, MODEL_NUMBER) and "model" not in mapping.targets:
            text = (
                f"added to the notes as '{header}: …' (no column gives the Model that "
                f"would hold the {target_label(target).lower()}{_model_hint(mapping)})"
            )
        elif target:
            text = f"imported as {target_label(target, custom_labels)}"
        else:
            text = "not imported"
        result.append(ColumnFate(header, target, text))
    return result


def _model_hint(mapping: ColumnMapping) -> str:
    """Where the Model may be: the column imported as the name, when there is one. A
    home-made register's "Description" ("Dell Latitude 5420") names the model; its "Make"
    went to the notes and the asset showed no manufacturer, with nothing said of how to
    keep it (newuser26)."""
    if "name" not in mapping.targets:
        return ""
    named = mapping.headers[mapping.targets.index("name")]
    return (
        f"; if '{named}' names the model, import it as Model: the model gives the asset "
        "its name too"
    )


#: GLPI's export joins the values of a multi-valued column with "<br>".
_GLPI_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def merge_extra_notes(
    given: dict[str, object], cells: Sequence[object], mapping: ColumnMapping
) -> None:
    """Collect the row's extra columns as notes lines ("Header: value") under the
    EXTRA_NOTES key; :func:`notes_with_extras` adds them to the notes."""
    given.pop(EXTRA_NOTES, None)
    if EXTRA_NOTES not in mapping.targets:  # most files: nothing to collect (runs per row)
        return
    lines = []
    for number, target in enumerate(mapping.targets):
        if target != EXTRA_NOTES or number >= len(cells):
            continue
        value = cells[number]
        if value is None or not str(value).strip():
            continue
        text = value.isoformat() if hasattr(value, "isoformat") else value
        if isinstance(text, float) and text.is_integer():
            text = int(text)
        lines.append(f"{mapping.headers[number]}: {_GLPI_BREAK.sub(', ', str(text).strip())}")
    if lines:
        given[EXTRA_NOTES] = "\n".join(lines)


def notes_with_extras(notes: object, extra: str) -> str:
    """``notes`` (the file's notes cell, or the stored notes when the file has none) with
    the extra lines it does not hold yet: importing the same file twice changes nothing."""
    base = str(notes).strip() if notes not in (None, "") else ""
    have = set(base.splitlines())
    missing = [line for line in extra.splitlines() if line not in have]
    return "\n".join([base, *missing] if base else missing)


#: Header cells looked at per row when looking for the header (a header is not wider).
_HEADER_WIDTH = 1000
_LETTER = re.compile(r"[^\W\d_]")


def header_score(
    row: Sequence[object],
    index: Mapping[str, list[tuple[str, int]]],
    seen: dict[str, str] | None = None,
) -> int:
    """How many different targets a row's cells surely name (score 60 or more).

    ``seen`` caches each cell text's best target across rows (values repeat)."""
    cache = {} if seen is None else seen
    found = set()
    for cell in row[:_HEADER_WIDTH]:
        if not isinstance(cell, str) or len(cell) > 100 or not _LETTER.search(cell):
            continue  # numbers, dates and long text are not headers
        if cell not in cache:
            best = [t for t, score in candidates(cell, index) if score >= 60]
            cache[cell] = best[0] if best else ""
        if cache[cell]:
            found.add(cache[cell])
    return len(found)


#: Cell text → the target it surely names ("" for none), by the custom labels it was
#: decided with (see header_row); at most this many texts each.
_HEADER_CELLS: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
_HEADER_CELLS_LIMIT = 10_000


def header_row(
    rows: Sequence[Sequence[object]], custom_labels: Mapping[str, str], *, scan: int = 30
) -> tuple[int, int]:
    """(index, score) of the header row: the row among the first ``scan`` that names the
    most known columns (a title above it names none). Without any, the first row with
    at least two text cells."""
    index = _index(custom_labels)
    # Each cell text's best target, kept for the next call with the same custom labels
    # (an import looks for the header twice: choosing the sheet, then planning it).
    labels = tuple(sorted(custom_labels.items()))
    seen = _HEADER_CELLS.get(labels)
    if seen is None or len(seen) > _HEADER_CELLS_LIMIT:
        if len(_HEADER_CELLS) >= 8:
            _HEADER_CELLS.clear()
        seen = _HEADER_CELLS[labels] = {}
    best, best_score = -1, 0
    for number, row in enumerate(rows[:scan]):
        score = header_score(row, index, seen)
        if score > best_score:
            best, best_score = number, score
    if best >= 0:
        return best, best_score
    for number, row in enumerate(rows[:scan]):
        if sum(1 for c in row if isinstance(c, str) and c.strip()) >= 2:
            return number, 0
    return 0, 0
