"""Column names: what our export writes, what other tools write, and mapping headers to fields.

The import maps each header to a *target*: an asset field key (``tag``, ``location``,
``custom.ram_gb``...), one of the import-only targets below, or nothing. Our own
export's headers, Snipe-IT's importer names, GLPI's and Ralph's usual ones are known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.spreadsheets.cells import clean_text

#: Import-only targets (not asset fields).
KEY = "key"
VERSION = "version"
MANUFACTURER = "manufacturer"
MODEL_NUMBER = "model_number"
WARRANTY_MONTHS = "warranty_months"
#: A rack: a location below the row's location (Ralph's ``rack_str``).
RACK = "rack"
#: The assigned person's e-mail address and full name (the person is matched by user
#: name, else e-mail, else full name, and created with all three).
PERSON_EMAIL = "person_email"
PERSON_NAME = "person_name"
#: How many items a purchase order's line is ("Qty"): that many new assets.
QUANTITY = "quantity"
#: Columns we recognise and deliberately do not import (read-only in the export).
READ_ONLY = "read_only"
#: The reason column of our error workbook: recognised so that a fixed error workbook
#: imports again without complaint.
PROBLEMS = "problems"
PROBLEMS_HEADER = "Import problems"


@dataclass(frozen=True)
class Target:
    """One thing a column can be imported into.

    Attributes:
        key: the target key (an asset field key or an import-only target).
        header: the header our export writes.
        synonyms: other tools' names for it.
    """

    key: str
    header: str
    synonyms: tuple[str, ...] = ()


TARGETS: tuple[Target, ...] = (
    Target(
        "tag",
        "Asset tag",
        (
            "Asset Tag",
            "Tag",
            "Inventory number",
            "otherserial",
            "barcode",
            "asset_tag",
            "Asset number",
            "Asset ID",
        ),
    ),
    Target("name", "Name", ("Asset Name", "Item Name", "hostname", "Device name", "Computer name")),
    Target(
        "category",
        "Category",
        ("Type", "Asset type", "Category name", "category_name", "Item type"),
    ),
    Target(MANUFACTURER, "Manufacturer", ("Make", "Brand", "manufacturer_name", "Vendor name")),
    Target("model", "Model", ("Model Name", "model_str", "model_name", "Product")),
    Target(
        MODEL_NUMBER,
        "Model number",
        ("Model No.", "Model No", "Model Number", "Part number", "model_number"),
    ),
    Target(
        "serial_number",
        "Serial number",
        ("Serial Number", "Serial", "sn", "S/N", "Serial No.", "serial_no"),
    ),
    Target("status", "Status", ("Status Label", "State", "Asset status")),
    Target(
        "location", "Location", ("warehouse", "Site", "Room", "Location name", "Default Location")
    ),
    Target(RACK, "Rack", ("rack_str", "Rack name")),
    Target(
        "assigned_to",
        "Assigned to",
        (
            "Checked Out To: Username",
            "Checked Out To",
            "Checked out to",
            "Assigned To",
            "User",
            "Username",
            "Owner",
        ),
    ),
    Target(
        PERSON_EMAIL,
        "Assignee e-mail",
        ("Checked Out To: Email", "Email", "E-mail", "User email", "Assigned user email"),
    ),
    Target(
        PERSON_NAME,
        "Assignee full name",
        ("Checked Out To: Full Name", "Full Name", "Assigned user name", "Employee name"),
    ),
    Target(
        "owning_group",
        "Owning group",
        ("Group", "Group in charge", "Team", "Technician in charge group"),
    ),
    Target(
        "purchase_date",
        "Purchase date",
        (
            "Purchase Date",
            "Date of purchase",
            "invoice_date",
            "Order date",
            "Bought on",
            "PO date",
            "Date ordered",
            "Ordered on",
            "Bestelldatum",
            "Date de commande",
        ),
    ),
    Target(
        "purchase_cost",
        "Purchase cost",
        ("Purchase Cost", "Value", "price", "Cost", "Purchase price", "Unit cost", "Unit price"),
    ),
    Target(
        "order_number",
        "Order number",
        ("Order Number", "order_no", "PO number", "Purchase order", "PO"),
    ),
    Target("supplier", "Supplier", ("provider", "Vendor", "Supplier name", "supplier_name")),
    Target(
        "warranty_end",
        "Warranty end",
        (
            "Warranty expiration date",
            "Warranty Expires",
            "Warranty end date",
            "Warranty expiry",
            "warranty_expiration",
        ),
    ),
    Target(
        WARRANTY_MONTHS,
        "Warranty (months)",
        ("Warranty Months", "Warranty duration", "Warranty", "warranty_months"),
    ),
    Target(
        QUANTITY,
        "Quantity",
        (
            "Qty",
            "Qty.",
            "Quantity ordered",
            "Qty ordered",
            "Ordered qty",
            "Menge",
            "Anzahl",
            "Stückzahl",
            "Qté",
            "Quantité",
            "Cantidad",
            "Quantità",
            "Antal",
            "Aantal",
        ),
    ),
    Target("notes", "Notes", ("Comments", "Comment", "remarks", "Description", "Note")),
    Target(READ_ONLY, "Last audited", ("Last audit", "Last Audit Date")),
    Target(KEY, "Key", ("Assetdesk key", "Asset key")),
    Target(VERSION, "Version", ("Assetdesk version", "Row version")),
    Target(PROBLEMS, PROBLEMS_HEADER, ()),
)
TARGETS_BY_KEY: dict[str, Target] = {t.key: t for t in TARGETS}


#: What separates a header's words once folded: anything but ASCII letters and digits.
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize_header(text: object) -> str:
    """Header comparison key: case, accents, punctuation and spacing do not matter
    ("Numéro de série" is "numero de serie", "Inv.-Nr." is "inv nr")."""
    folded = str(text or "").casefold()
    if not folded.isascii():  # (ASCII has nothing to decompose: ~1,000 headers a process)
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _synonym_index(custom_labels: Mapping[str, str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for target in TARGETS:
        for name in (target.header, target.key, *target.synonyms):
            index.setdefault(normalize_header(name), target.key)
    for key, label in custom_labels.items():
        for name in (label, key, CUSTOM_PREFIX + key):
            index.setdefault(normalize_header(name), CUSTOM_PREFIX + key)
    return index


def target_label(target: str, custom_labels: Mapping[str, str] | None = None) -> str:
    if target.startswith(CUSTOM_PREFIX):
        key = target[len(CUSTOM_PREFIX) :]
        return (custom_labels or {}).get(key, key.replace("_", " ").capitalize())
    found = TARGETS_BY_KEY.get(target)
    return found.header if found else target


def header_names(cells: Sequence[object]) -> list[str]:
    """Header cells as unique names: blanks become "Column C", repeats get " (2)"; a
    number is read as a value cell is ("1", not the "1.0" a workbook stores)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = " ".join((clean_text(cell) or "").split())
        if not text:
            text = f"Column {column_letter(index)}"
        count = seen.get(text.casefold(), 0) + 1
        seen[text.casefold()] = count
        names.append(text if count == 1 else f"{text} ({count})")
    return names


def sheet_headers(rows: Sequence[Sequence[object]], header_index: int) -> list[str]:
    """The header names of ``rows[header_index]`` without the trailing columns that have
    neither a header nor a value: GLPI ends every line with ``;``, which reads as one more,
    empty column; it is no column of the file."""
    cells = rows[header_index]
    width = len(cells)
    while width and _blank(cells[width - 1]):
        column = width - 1
        if any(column < len(row) and not _blank(row[column]) for row in rows[header_index + 1 :]):
            break
        width -= 1
    return header_names(cells[:width])


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def find_header_row(
    rows: Sequence[Sequence[object]], custom_labels: Mapping[str, str], *, scan: int = 30
) -> int:
    """The index of the header row: the row among the first ``scan`` whose cells name the
    most known columns (title rows above it name none). Without any known name, the
    first row with at least two text cells."""
    index = _synonym_index(custom_labels)
    best, best_score = -1, 0
    for number, row in enumerate(rows[:scan]):
        score = len(
            {
                index[k]
                for k in (normalize_header(c) for c in row if isinstance(c, str))
                if k in index
            }
        )
        if score > best_score:
            best, best_score = number, score
    if best >= 0:
        return best
    for number, row in enumerate(rows[:scan]):
        if sum(1 for c in row if isinstance(c, str) and c.strip()) >= 2:
            return number
    return 0


@dataclass(frozen=True)
class ColumnMapping:
    """Which column goes where. ``targets[i]`` is the target of column ``i`` or "" (unmapped)."""

    headers: tuple[str, ...]
    targets: tuple[str, ...]

    def index_of(self, target: str) -> int | None:
        try:
            return self.targets.index(target)
        except ValueError:
            return None

    @property
    def mapped(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.targets) if t and t not in (READ_ONLY, PROBLEMS)}

    def unmapped(self) -> list[str]:
        """Headers that will not be imported (read-only and problem columns excluded)."""
        return [h for h, t in zip(self.headers, self.targets, strict=True) if not t]

    def as_profile(self) -> dict[str, str]:
        return {h: t for h, t in zip(self.headers, self.targets, strict=True)}


def auto_mapping(
    headers: Sequence[str],
    custom_labels: Mapping[str, str],
    profile: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Map headers by a saved profile first, then by name and synonyms.

    A target is used once: a second column naming it stays unmapped (and is listed).
    """
    index = _synonym_index(custom_labels)
    profile_by_key = {normalize_header(h): t for h, t in (profile or {}).items()}
    targets: list[str] = []
    used: set[str] = set()
    for header in headers:
        own = normalize_header(header)
        if own in profile_by_key:
            target = profile_by_key[own]
        else:
            target = index.get(normalize_header(re.sub(r"\s\(\d+\)$", "", header)), "")
        if target in used and target not in (READ_ONLY, PROBLEMS):
            target = ""
        if target:
            used.add(target)
        targets.append(target)
    return ColumnMapping(tuple(headers), tuple(targets))


def choices(custom_labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """(target, label) pairs a user may map a column to by hand."""
    result = [(t.key, t.header) for t in TARGETS if t.key not in (PROBLEMS,)]
    result += [(CUSTOM_PREFIX + k, label) for k, label in custom_labels.items()]
    return result


def manual_mapping(headers: Iterable[str], targets: Mapping[str, str]) -> ColumnMapping:
    """A mapping given by hand: header → target ("" to skip)."""
    names = tuple(headers)
    return ColumnMapping(names, tuple(targets.get(h, "") for h in names))
