"""Exporting the register (or a filter of it) to .xlsx and .csv, streamed.

The workbook is written with openpyxl's write-only mode: rows go to disk as they are
read, so memory stays flat whatever the size. Import reads the same headers back
(:mod:`desktop.spreadsheets.columns`), and the hidden Key and Version columns let an
edited copy come back as change procedures — or as conflicts when the asset changed
in the meantime.

Formula injection: text that starts with ``=``, ``+``, ``-`` or ``@`` is written as a
text cell (with Excel's "quote prefix" flag, so that editing it keeps it text). A CSV
has no cell types, so such text gets a leading apostrophe — OWASP's advice, and the
form Excel and LibreOffice themselves show for text-that-looks-like-a-formula. The
import strips that apostrophe again, so the round trip is lossless.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import AssetStatus
from desktop.errors import DesktopError
from desktop.output_files import check_output_file
from desktop.services.queries import (
    AssetFilter,
    AssetRow,
    apply_filter,
    count_assets,
    stream_assets,
    stream_stored_assets,
)
from desktop.services.register_pages import view_order
from desktop.spreadsheets.cells import FORMULA_PREFIXES
from desktop.spreadsheets.columns import TARGETS_BY_KEY, column_letter
from desktop.spreadsheets.location_paths import LocationNode, LocationTree
from desktop.spreadsheets.model import Progress, check_cancel
from desktop.storage.database import Database
from desktop.storage.models import Asset, Category, Group, Location, Person
from desktop.wording import plural

#: (target key, width) of the fixed columns, in order; headers come from columns.TARGETS.
FIXED_COLUMNS: tuple[tuple[str, int], ...] = (
    ("tag", 14),
    ("name", 28),
    ("category", 14),
    ("manufacturer", 16),
    ("model", 20),
    ("serial_number", 18),
    ("status", 13),
    ("location", 20),
    ("assigned_to", 20),
    ("owning_group", 16),
    ("purchase_date", 13),
    ("purchase_cost", 13),
    ("order_number", 14),
    ("supplier", 18),
    ("warranty_end", 13),
    ("notes", 36),
    ("read_only", 17),  # Last audited
)
_WIDTHS = dict(FIXED_COLUMNS)
#: What Excel or LibreOffice says of a typed value not in a drop-down's list (and lets
#: it stay: Yes keeps it).
_NOT_IN_THE_LIST = {
    "status": (
        "Choose a status from the list. Another tool's word (Deployed, Archived…) is read "
        "by the import, which says how; keep it?"
    ),
    "category": (
        "Choose a category from the list. A new one is created by the import (its dry run "
        "shows it first); keep it?"
    ),
    "location": (
        "Choose a location from the list. A new one is created by the import (its dry run "
        "shows it first); keep it?"
    ),
}
#: The register view's column keys (AssetRow attributes) that have a column in the file,
#: with the export's key for each. The view's Updated and Checked out have none: the
#: import knows no such column, and would offer to add them to the notes.
REGISTER_COLUMNS: dict[str, str] = {key: key for key, _ in FIXED_COLUMNS if key != "read_only"}
REGISTER_COLUMNS["last_audited_at"] = "read_only"
#: The register view's titles of those columns, in its order (ui.gui.models.columns'
#: COLUMNS, which loads Qt; a test keeps the two equal): ``export --columns`` takes them.
REGISTER_TITLES: dict[str, str] = {
    "tag": "Asset tag",
    "name": "Name",
    "status": "Status",
    "category": "Category",
    "manufacturer": "Manufacturer",
    "model": "Model",
    "serial_number": "Serial number",
    "location": "Location",
    "assigned_to": "Assigned to",
    "owning_group": "Owning group",
    "purchase_date": "Purchased",
    "purchase_cost": "Cost",
    "order_number": "Order number",
    "supplier": "Supplier",
    "warranty_end": "Warranty end",
    "last_audited_at": "Last audited",
    "notes": "Notes",
}


@dataclass(frozen=True)
class ChosenColumns:
    """The columns ``export --columns`` names: register keys and custom-field keys."""

    register: list[str]
    custom: list[str]


def custom_field_titles(db: Database) -> list[tuple[str, str]]:
    """(key, label) of every category's custom fields, each key once, by category name."""
    with db.read() as session:
        definitions = session.scalars(select(Category.custom_fields).order_by(Category.name))
        titles: dict[str, str] = {}
        for fields in definitions:
            for definition in fields or ():
                titles.setdefault(definition["key"], str(definition.get("label") or ""))
    return [(key, label or key) for key, label in titles.items()]


def columns_by_title(text: str, custom_fields: Sequence[tuple[str, str]] = ()) -> ChosenColumns:
    """The columns ``text`` names, in its order: titles as the register view shows them,
    or custom fields by label or key (``custom_fields``: their (key, label)), separated by
    commas, accents and case ignored (the file's own header, "Purchase cost", and the key
    also name a column).

    Raises:
        DesktopError: a title names no column the export writes (the valid ones listed).
    """
    from desktop.storage.folding import fold

    def folded(name: str) -> str:
        return " ".join(fold(name).replace("_", " ").split())

    names: dict[str, tuple[bool, str]] = {}  # folded name -> (is custom, key)
    for key, title in REGISTER_TITLES.items():
        header = TARGETS_BY_KEY[REGISTER_COLUMNS[key]].header
        for name in (title, header, key):
            names.setdefault(folded(name), (False, key))
    for key, label in custom_fields:
        for name in (label, key):
            names.setdefault(folded(name), (True, key))
    chosen = ChosenColumns([], [])
    for part in text.split(","):
        if not part.strip():
            continue
        found = names.get(folded(part))
        if found is None:
            valid = ", ".join([*REGISTER_TITLES.values(), *(label for _, label in custom_fields)])
            raise DesktopError(
                f"--columns: the export has no column '{part.strip()}' (its columns: {valid})"
            )
        is_custom, key = found
        keys = chosen.custom if is_custom else chosen.register
        if key not in keys:
            keys.append(key)
    if not chosen.register and not chosen.custom:
        raise DesktopError(
            '--columns: name the columns to write, e.g. --columns "Asset tag,Name,Location"'
        )
    return chosen


MONEY_FORMAT = "#,##0.00"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm"
EXPORT_SHEET = "Assets"
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int

    def message(self) -> str:
        """``Exported 1 asset to …`` (the CLI prints it, the Export dialog shows it)."""
        return f"Exported {plural(self.rows, 'asset')} to {self.path}"


@dataclass(frozen=True)
class _Layout:
    headers: list[str]
    custom_keys: list[tuple[str, str]]  # (key, type)
    categories: list[str]
    locations: list[str]
    #: Each location's unique name in the file: its name, else its path, else its code.
    location_names: dict[uuid.UUID, str]
    #: The fixed columns written, in the file's order (keys of FIXED_COLUMNS).
    fixed: tuple[str, ...] = tuple(key for key, _ in FIXED_COLUMNS)
    #: Picks the written cells, in order, from a whole row (None: the whole row is written).
    picks: Callable[[Sequence[Any]], Sequence[Any]] | None = None


def export_assets(
    db: Database,
    path: Path,
    *,
    exported_by: str,
    flt: AssetFilter | None = None,
    sort: str = "tag",
    descending: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    columns: Sequence[str] | None = None,
    custom: Sequence[str] | None = None,
) -> ExportResult:
    """Write the assets ``flt`` shows to ``path`` (.xlsx or .csv), in the register view's
    order for ``sort`` and ``descending`` (a key of ``queries.SORT_COLUMNS``).

    ``columns`` are the columns to write, in order, as the register view shows them
    (keys of :data:`REGISTER_COLUMNS`); the custom fields written are then ``custom``
    (their keys, in order), or without it those of the exported assets' categories. The
    asset tag is always written (first, when ``columns`` leave it out), and Key and
    Version always end a row: the import matches the rows of an edited copy by them.
    Without ``columns``: every column, and every category's custom fields.

    The file appears only when complete: a cancel or an error leaves no half file.
    """
    flt = flt or AssetFilter()
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise DesktopError(f"{path.name}: export writes .xlsx or .csv files")
    check_output_file(path, "the export")
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with db.read() as session:
            layout = _layout(session, columns=columns, flt=flt, custom=custom)
            filter_names = _filter_names(session, flt)
            total = count_assets(session, flt)
            streamed = stream_stored_assets(session, flt, order=_order(session, sort, descending))
            rows: Generator[Sequence[Any]] = (
                _csv_rows(streamed, layout, total, progress, cancel)
                if suffix == ".csv"
                else _xlsx_rows(streamed, layout, total, progress, cancel)
            )
            try:
                described = flt.describe(filter_names)
                _write(temporary, suffix, db, described, layout, rows, total, exported_by)
            finally:
                rows.close()
        os.replace(temporary, path)
    except OSError as exc:
        raise DesktopError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return ExportResult(path, total)


def _write(
    temporary: Path,
    suffix: str,
    db: Database,
    described: str,
    layout: _Layout,
    rows: Iterator[Sequence[Any]],
    total: int,
    exported_by: str,
) -> None:
    if suffix == ".csv":
        _write_csv(temporary, layout, rows)
    else:
        about = [
            ("Exported at", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
            ("Exported by", exported_by),
            ("Database", f"{db.description} ({db.display_url})"),
            ("Filter", described),
            ("Rows", total),
            (
                "Round trip",
                "Columns Key and Version are hidden: keep them, and this file can be "
                "imported back; changed cells become change procedures.",
            ),
        ]
        _write_xlsx(temporary, layout, cast(Iterator[list[Any]], rows), total, about)


def _filter_names(session: Session, flt: AssetFilter) -> dict[uuid.UUID, str]:
    """The names of what ``flt`` filters by, for the About sheet's "Filter" row."""
    names: dict[uuid.UUID, str] = {}
    for model, ids in (
        (Category, flt.category_ids),
        (Location, (flt.location_id,) if flt.location_id else ()),
        (Person, (flt.assigned_to_id,) if flt.assigned_to_id else ()),
        (Group, (flt.owning_group_id,) if flt.owning_group_id else ()),
    ):
        if ids:
            for row in session.execute(select(model.id, model.name).where(model.id.in_(ids))):
                names[row.id] = row.name
    return names


def _order(session: Session, sort: str, descending: bool) -> list[Any]:
    """The view's order; none (the tag's, as before) for the register's default view."""
    if sort == "tag" and not descending:
        return []
    return view_order(session.get_bind().dialect.name, sort, descending)


def _chosen_columns(columns: Sequence[str]) -> list[str]:
    """The fixed columns ``columns`` (register keys) name, in order, the tag always among them."""
    chosen: list[str] = []
    for column in columns:
        key = REGISTER_COLUMNS.get(column)
        if key is None:
            raise ValueError(f"the export has no column {column!r}")
        if key not in chosen:
            chosen.append(key)
    if "tag" not in chosen:
        chosen.insert(0, "tag")  # the import matches rows by it
    return chosen


def _layout(
    session: Session,
    *,
    columns: Sequence[str] | None = None,
    flt: AssetFilter | None = None,
    custom: Sequence[str] | None = None,
) -> _Layout:
    every = [key for key, _ in FIXED_COLUMNS]
    fixed = every if columns is None else _chosen_columns(columns)
    headers = [TARGETS_BY_KEY[key].header for key in fixed]
    exported: set[uuid.UUID] | None = None  # the categories whose custom fields are written
    if columns is not None:
        query = select(Asset.category_id).distinct().select_from(Asset)
        exported = set(session.scalars(apply_filter(session, query, flt or AssetFilter())))
    written: dict[str, tuple[str, str]] = {}  # key -> (type, header), in the file's order
    named = {key: None for key in custom or ()}
    categories = []
    for category in session.execute(select(Category).order_by(Category.name)).scalars():
        categories.append(category.name)
        if custom is None and exported is not None and category.id not in exported:
            continue
        for definition in category.custom_fields or ():
            key = definition["key"]
            if key not in written and (custom is None or key in named):
                label = str(definition.get("label") or key)
                written[key] = (definition.get("type", "text"), label)
    if custom is not None:  # in the order named
        written = {key: written[key] for key in named if key in written}
    custom_keys = [(key, type_) for key, (type_, _) in written.items()]
    headers += [header for _, header in written.values()]
    headers += [TARGETS_BY_KEY["key"].header, TARGETS_BY_KEY["version"].header]
    tree = LocationTree(
        LocationNode(r.id, r.name, r.code, r.parent_id)
        for r in session.execute(
            select(Location.id, Location.name, Location.code, Location.parent_id)
        )
    )
    names = tree.unique_names()
    locations = sorted(set(names.values()), key=str.casefold)
    picks = None
    if fixed != every:
        width = len(every) + len(custom_keys)
        indexes = [every.index(key) for key in fixed] + list(range(len(every), width + 2))
        picks = itemgetter(*indexes)
    return _Layout(headers, custom_keys, categories, locations, names, tuple(fixed), picks)


def _rows(
    session: Session,
    flt: AssetFilter,
    layout: _Layout,
    total: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Generator[list[Any]]:
    labels = {s.value: s.label for s in AssetStatus}
    # Closed at once on a cancel: MariaDB's streaming cursor must not outlive the read.
    with contextlib.closing(
        stream_assets(session, flt, location_names=layout.location_names)
    ) as streamed:
        for done, (row, custom) in enumerate(streamed):
            if done % 2000 == 0:
                check_cancel(cancel)
                if progress:
                    progress(done, total)
            values = _values(row, custom, layout, labels)
            yield values if layout.picks is None else list(layout.picks(values))
    if progress:
        progress(total, total)


def _values(
    row: AssetRow, custom: dict[str, Any], layout: _Layout, labels: dict[str, str]
) -> list[Any]:
    audited = row.last_audited_at.astimezone().replace(tzinfo=None) if row.last_audited_at else None
    values: list[Any] = [
        row.tag,
        row.name,
        row.category,
        row.manufacturer,
        row.model,
        row.serial_number,
        labels.get(row.status, row.status),
        row.location,
        row.assigned_to,
        row.owning_group,
        row.purchase_date,
        row.purchase_cost,
        row.order_number,
        row.supplier,
        row.warranty_end,
        row.notes,
        audited,
    ]
    values += _custom_values(custom, layout)
    values += [str(row.id), row.version]
    return values


def _custom_values(custom: dict[str, Any], layout: _Layout) -> list[Any]:
    values = []
    for key, type_ in layout.custom_keys:
        value = custom.get(key)
        if type_ == "date" and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        values.append(value)
    return values


def _xlsx_rows(
    streamed: Generator[Sequence[Any]],
    layout: _Layout,
    total: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Generator[list[Any]]:
    """The workbook's rows — the values :func:`_values` makes — straight from the values
    the driver returns (as :func:`_csv_rows`), with empty texts as ``None``: an empty cell
    is read back as an empty one, and openpyxl then writes no cell at all (its per-cell
    work is most of an export's time)."""
    labels = {s.value: s.label for s in AssetStatus}
    locations: dict[object, str] = {}
    for location_id, text in layout.location_names.items():
        locations[location_id] = locations[location_id.hex] = text  # as PostgreSQL, SQLite
    custom_keys, picks = layout.custom_keys, layout.picks
    day, moment, utc = dt.date.fromisoformat, dt.datetime.fromisoformat, dt.UTC
    with contextlib.closing(streamed):
        for done, r in enumerate(streamed):
            if done % 2000 == 0:
                check_cancel(cancel)
                if progress:
                    progress(done, total)
            bought, cost, warranty, audited = r[11], r[12], r[15], r[16]
            if audited is not None:
                when = moment(audited) if audited.__class__ is str else audited
                audited = when.replace(tzinfo=utc).astimezone().replace(tzinfo=None)
            values: list[Any] = [
                r[1] or None,
                r[2] or None,
                r[3] or None,
                r[4] or None,
                r[5] or None,
                r[6] or None,
                labels.get(r[7], r[7]),
                (r[8] if r[21] is None else locations.get(r[21], r[8])) or None,
                r[9] or None,
                r[10] or None,
                day(bought) if bought.__class__ is str else bought,
                None if cost is None else Decimal(_stored_cents(cost)),
                r[13] or None,
                r[14] or None,
                day(warranty) if warranty.__class__ is str else warranty,
                r[17] or None,
                audited,
            ]
            if custom_keys:
                custom = r[20]
                if isinstance(custom, str | bytes):
                    custom = json.loads(custom)
                values += _custom_values(custom or {}, layout)
            values += (_key_text(r[0]), r[18])
            yield values if picks is None else list(picks(values))
    if progress:
        progress(total, total)


def _needs_neutralising(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _write_csv(path: Path, layout: _Layout, rows: Iterator[Sequence[Any]]) -> None:
    # UTF-8 with a BOM: Excel then opens it as UTF-8 (without it Excel guesses a code page).
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(layout.headers)
        writer.writerows(rows)


def _csv_rows(
    streamed: Generator[Sequence[Any]],
    layout: _Layout,
    total: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Generator[Sequence[Any]]:
    """The CSV's rows — the texts :func:`_values` and :func:`_csv_value` make — straight
    from the values the driver returns (no AssetRow, no per-value type dispatch): this
    runs per asset, and a CSV of a million of them should cost little more than reading
    them."""
    labels = {s.value: s.label for s in AssetStatus}
    locations: dict[object, str] = {}
    for location_id, text in layout.location_names.items():
        locations[location_id] = locations[location_id.hex] = text  # as PostgreSQL, SQLite
    custom_keys, picks = layout.custom_keys, layout.picks
    starts = _FORMULA_STARTS
    with contextlib.closing(streamed):
        for done, r in enumerate(streamed):
            if done % 2000 == 0:
                check_cancel(cancel)
                if progress:
                    progress(done, total)
            location = r[8] if r[21] is None else locations.get(r[21], r[8])
            texts = (
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                labels.get(r[7], r[7]),
                location,
                r[9],
                r[10],
            )
            values = [("'" + t if t[0] in starts else t) if t else "" for t in texts]
            values += (
                _stored_date(r[11]),
                _stored_cents(r[12]),
                ("'" + r[13] if r[13][0] in starts else r[13]) if r[13] else "",
                ("'" + r[14] if r[14][0] in starts else r[14]) if r[14] else "",
                _stored_date(r[15]),
                ("'" + r[17] if r[17][0] in starts else r[17]) if r[17] else "",
                "" if r[16] is None else _stored_local_time(r[16]),
            )
            if custom_keys:
                custom = r[20]
                if isinstance(custom, str | bytes):
                    custom = json.loads(custom)
                values += [_csv_value(v) for v in _custom_values(custom or {}, layout)]
            values += (_key_text(r[0]), r[18])
            yield values if picks is None else picks(values)
    if progress:
        progress(total, total)


def _key_text(key: object) -> str:
    """A stored UUID (servers: ``uuid.UUID``; SQLite, MariaDB: its 32 lowercase hex
    digits, as SQLAlchemy stores it) as ``str(uuid)`` writes it."""
    if isinstance(key, str) and len(key) == 32:
        return f"{key[:8]}-{key[8:12]}-{key[12:16]}-{key[16:20]}-{key[20:]}"
    return str(key if isinstance(key, uuid.UUID) else uuid.UUID(str(key)))


def _stored_date(value: object) -> object:
    """A date column as stored (SQLite: ISO text; servers: a date) as ISO text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()  # type: ignore[attr-defined]


def _stored_cents(cents: int | None) -> str:
    """Money (integer cents) as the Decimal of two places it is read as, e.g. 1234.50."""
    if cents is None:
        return ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{part:02d}"


def _stored_local_time(value: object) -> str:
    """A stored UTC time (naive: SQLite text, servers a datetime) in local time."""
    stored = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(stored, dt.datetime)
    return stored.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if _needs_neutralising(value):
        return "'" + str(value)
    return value


def _write_xlsx(
    path: Path,
    layout: _Layout,
    rows: Iterator[list[Any]],
    total: int,
    about: list[tuple[str, object]],
) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    try:
        _fill_workbook(workbook, layout, rows, total, about)
        workbook.save(path)
    except BaseException:
        for worksheet in workbook.worksheets:  # end openpyxl's row streams before they are dropped
            if not worksheet.closed:
                worksheet.close()
        raise


def _fill_workbook(
    workbook: Any,
    layout: _Layout,
    rows: Iterator[list[Any]],
    total: int,
    about: list[tuple[str, object]],
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.create_sheet(EXPORT_SHEET)
    count = len(layout.headers)
    widths = [_WIDTHS[key] for key in layout.fixed] + [14] * len(layout.custom_keys) + [38, 9]
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width
    for hidden in (count - 2, count - 1):
        sheet.column_dimensions[column_letter(hidden)].hidden = True
    sheet.freeze_panes = "A2"
    last_row = total + 1
    sheet.auto_filter.ref = f"A1:{column_letter(count - 1)}{last_row}"
    lists = _lists_sheet(workbook, layout)
    limit = max(last_row + 1000, 2000)  # rows a user may add below the export
    validations = (
        ("status", '"' + ",".join(s.label for s in AssetStatus) + '"'),
        ("category", f"Lists!$A$2:$A${len(layout.categories) + 1}"),
        ("location", f"Lists!$B$2:$B${len(layout.locations) + 1}"),
    )
    keys = list(layout.fixed)
    for key, formula in validations:
        if formula.endswith("$1") or key not in keys:  # an empty list, or no such column
            continue
        # The message is shown (it was written but never shown: openpyxl leaves it off)
        # as a warning, which lets the typed value stay: the import creates a new
        # category or location and reads other tools' status words, saying so.
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
        validation.errorTitle = f"Not a {TARGETS_BY_KEY[key].header.lower()} of the list"
        validation.error = _NOT_IN_THE_LIST[key]
        letter = column_letter(keys.index(key))
        validation.add(f"{letter}2:{letter}{limit}")
        sheet.data_validations.append(validation)

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    header = []
    for text in layout.headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    cost = keys.index("purchase_cost") if "purchase_cost" in keys else None
    audited = keys.index("read_only") if "read_only" in keys else None
    # One styled cell per formatted column, reused row after row: append() writes the row
    # before it returns, and openpyxl would otherwise build and style a cell per value.
    money = WriteOnlyCell(sheet)
    money.number_format = MONEY_FORMAT
    when = WriteOnlyCell(sheet)
    when.number_format = DATE_TIME_FORMAT
    typed = {
        keys.index(k)
        for k in ("purchase_date", "purchase_cost", "warranty_end", "read_only")
        if k in keys
    }
    typed.add(len(layout.headers) - 1)  # Version
    text_columns = [i for i in range(len(layout.headers)) if i not in typed]
    for values in rows:
        if cost is not None and values[cost] is not None:
            money.value = values[cost]
            values[cost] = money
        if audited is not None and values[audited] is not None:
            when.value = values[audited]
            values[audited] = when
        for index in text_columns:
            value = values[index]
            if value and value.__class__ is str and value[0] in "=+-@":
                values[index] = _text_cell(sheet, value)
        sheet.append(values)
    about_sheet = workbook.create_sheet("About")
    about_sheet.column_dimensions["A"].width = 14
    about_sheet.column_dimensions["B"].width = 90
    for label, value in about:
        title = WriteOnlyCell(about_sheet, value=label)
        title.font = bold
        about_sheet.append(
            [title, _text_cell(about_sheet, value) if _needs_neutralising(value) else value]
        )
    del lists


def _text_cell(sheet: Any, value: object) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula
    cell.quotePrefix = True
    return cell


def _lists_sheet(workbook: Any, layout: _Layout) -> Any:
    """A hidden sheet holding the drop-down choices (too long for an inline list)."""
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    lists.append(["Category", "Location"])
    for index in range(max(len(layout.categories), len(layout.locations))):
        category = layout.categories[index] if index < len(layout.categories) else None
        location = layout.locations[index] if index < len(layout.locations) else None
        lists.append(
            [
                _text_cell(lists, category) if _needs_neutralising(category) else category,
                _text_cell(lists, location) if _needs_neutralising(location) else location,
            ]
        )
    return lists
