"""What the import decided about the file as a whole, for the dry run to show.

Which sheet was read, every column's fate, how each date column is read, which
number-like text columns lost a spreadsheet's ".0", which rows held only formula
results — and, per row, the warnings a person should look at (a date read in the chosen
order because nothing in its column said otherwise).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.domain.naming import name_after_model
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.columns import (
    MANUFACTURER,
    MODEL_NUMBER,
    PERSON_EMAIL,
    PERSON_NAME,
    RACK,
    WARRANTY_MONTHS,
    ColumnMapping,
)
from desktop.spreadsheets.custom_columns import NewField, new_fields
from desktop.spreadsheets.dates import ColumnDates, decide
from desktop.spreadsheets.decimal_marks import ColumnMarks, decide_marks
from desktop.spreadsheets.location_paths import RACK_SEPARATOR
from desktop.spreadsheets.mapping import (
    EXTRA_NOTES,
    ColumnFate,
    fates,
    is_currency,
    merge_extra_notes,
)
from desktop.spreadsheets.money import currency_note, writes_a_currency
from desktop.spreadsheets.statuses import (
    assignee_target,
    checked_out_note,
    is_snipe_it_word,
    matched_checkout_note,
    ordinary_checkout_note,
)
from desktop.wording import plural

DATE_TARGETS = ("purchase_date", "warranty_end")
#: A row's cell of Snipe-IT's "Type" beside "Checked Out To" (user, asset, location), by
#: this key among the row's cells by target (see checkout_type_column).
CHECKOUT_TYPE = "snipe_it_checkout_type"
#: Text columns whose numbers a spreadsheet may have turned into floats ("1234.0").
NUMBER_TEXT_TARGETS = ("tag", "serial_number", "order_number", MODEL_NUMBER)
_FLOAT_TEXT = re.compile(r"^\s*-?\d+\.0+\s*$")


@dataclass
class ImportReport:
    """The file-wide decisions of one dry run.

    Attributes:
        sheet_note: which sheet or Excel Table was read, and the others ("" if one).
        formula_rows: rows left out because they hold only formula results.
        fates: every column's fate.
        dates: how each date column is read, by target.
        float_columns: headers of text columns whose "1234.0" values are read as "1234".
        marks: how each number column's "10.000" is read, by target (only the columns
            that hold such a value).
        warnings: row number → things to check on that row.
        new_fields: the custom fields unknown columns become, by target.
        checked_out: what Snipe-IT's ordinary checked-out rows become → their rows.
        said: other file-wide decisions in words (Ralph's status codes).
        totals_rows: a text file's rows left out as totals rows ("Total" and sums).
    """

    sheet_note: str = ""
    formula_rows: tuple[int, ...] = ()
    fates: tuple[ColumnFate, ...] = ()
    dates: dict[str, ColumnDates] = field(default_factory=dict)
    float_columns: dict[int, str] = field(default_factory=dict)
    marks: dict[str, ColumnMarks] = field(default_factory=dict)
    #: The column of Snipe-IT's "Type" beside "Checked Out To" (see checkout_type_column).
    checkout_type: int | None = None
    #: Snipe-IT's "Checked Out To" is the assignee's full name beside a "Username" column
    #: (see checked_out_to_as_name).
    checkout_name: bool = False
    warnings: dict[int, list[str]] = field(default_factory=dict)
    new_fields: dict[str, NewField] = field(default_factory=dict)
    checked_out: dict[str, list[int]] = field(default_factory=dict)
    #: Other file-wide decisions in words (Ralph's status codes).
    said: list[str] = field(default_factory=list)
    totals_rows: tuple[int, ...] = ()
    #: What note_checked_out says by status word and assignee target: Snipe-IT's ordinary
    #: note, "" for nothing, None for a note of the row's own (it names the person).
    checkout_notes: dict[tuple[str, str], str | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def warn(self, row: int, text: str) -> None:
        if text not in self.warnings.setdefault(row, []):
            self.warnings[row].append(text)

    def notes(self) -> list[str]:
        """The decisions in words, for the dry run."""
        result = [self.sheet_note] if self.sheet_note else []
        result += self.said
        if self.formula_rows:
            result.append(
                f"{plural(len(self.formula_rows), 'row holds|rows hold')} only formula results "
                "(beside at most a totals label such as 'Total'), no typed data, and "
                f"{'is' if len(self.formula_rows) == 1 else 'are'} left out "
                f"({'row' if len(self.formula_rows) == 1 else 'rows'} "
                f"{_ranges(self.formula_rows)})"
            )
        if self.totals_rows:
            one = len(self.totals_rows) == 1
            result.append(
                f"{plural(len(self.totals_rows), 'row is a totals row|rows are totals rows')} "
                "(a label such as 'Total' and only numbers, no asset) and "
                f"{'is' if one else 'are'} left out ({'row' if one else 'rows'} "
                f"{_ranges(self.totals_rows)})"
            )
        result += [n for d in self.dates.values() if (n := d.note())]
        for header in self.float_columns.values():
            result.append(f"{header}: numbers written as '1234.0' are read as '1234'")
        for text, rows in self.checked_out.items():
            which = _ranges(sorted(rows))
            count = (
                f"1 row (row {which})" if len(rows) == 1 else f"{len(rows):,} rows (rows {which})"
            )
            result.append(f"{text}: {count}")
        return result


def build_report(
    *,
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
    first: int,
    mapping: ColumnMapping,
    custom_labels: Mapping[str, str],
    custom_date_keys: Collection[str],
    order: DateOrder,
    sheet_note: str = "",
    formula_rows: tuple[int, ...] = (),
) -> ImportReport:
    created = new_fields(rows, first, mapping, order)
    shown = [
        replace(f, text=f"{f.text}, {created[f.target].type}") if f.target in created else f
        for f in fates(mapping, custom_labels)
    ]
    report = ImportReport(sheet_note, formula_rows, tuple(shown), new_fields=created)
    for target, column in mapping.mapped.items():
        is_date = (
            target in DATE_TARGETS
            or (
                target.startswith(CUSTOM_PREFIX)
                and target[len(CUSTOM_PREFIX) :] in custom_date_keys
            )
            or (target in created and created[target].type == "date")
        )
        cells = zip(
            itertools.islice(row_numbers, first, None),
            (row[column] if column < len(row) else None for row in rows[first:]),
            strict=False,
        )
        if is_date:
            report.dates[target] = decide(mapping.headers[column], cells, order)
        elif target == "purchase_cost" or target.startswith(CUSTOM_PREFIX) or target in created:
            # Custom fields of any type: only a number field's values are read with it.
            if (marks := decide_marks(mapping.headers[column], cells)) is not None:
                report.marks[target] = marks
        elif target in NUMBER_TEXT_TARGETS and _all_float_text(rows, first, column):
            report.float_columns[column] = mapping.headers[column]
    report.checkout_type = checkout_type_column(mapping)
    name = mapping.mapped.get(PERSON_NAME)
    report.checkout_name = name is not None and _is_checked_out_to(mapping.headers[name])
    return report


def _is_checked_out_to(header: str) -> bool:
    return " ".join(header.split()).casefold() == "checked out to"


#: Snipe-IT's full report names a person "Zoë Müller (zmuller)".
_NAME_AND_USERNAME = re.compile(r"(?P<name>[^()]*[^()\s])\s*\((?P<username>[^()\s]+)\)")


def checked_out_to_as_name(given: dict[str, object], mapping: ColumnMapping) -> None:
    """Snipe-IT's custom report with both "Username" and "Checked Out To": the user name
    finds the person and "Checked Out To" is their full name (a person the import creates
    is "Anna Berg" with user name aberg; it was "aberg", found by no one typing "Anna" in
    a form, and the name went to the notes). On a row with no user name or e-mail the asset
    is checked out to something else (a location, another asset): that stays a line of the
    notes, as before, and makes no person."""
    who = given.get(PERSON_NAME)
    if not isinstance(who, str) or not who.strip():
        return
    text = " ".join(who.split())
    if given.get("assigned_to") not in (None, "") or given.get(PERSON_EMAIL) not in (None, ""):
        if person := _NAME_AND_USERNAME.fullmatch(text):
            given[PERSON_NAME] = person["name"]
        return
    del given[PERSON_NAME]
    line = f"{mapping.headers[mapping.mapped[PERSON_NAME]]}: {text}"
    extra = given.get(EXTRA_NOTES)
    given[EXTRA_NOTES] = f"{extra}\n{line}" if isinstance(extra, str) and extra else line


def checkout_type_column(mapping: ColumnMapping) -> int | None:
    """The column of Snipe-IT's "Type" in its custom asset report: right after "Checked
    Out To" (mapped as the assignee), it says what the asset is checked out to — "user",
    "asset" or "location". Its "Latitude 7440 (LAP-0042)" is then an asset, not a person
    whose user name is LAP-0042, and "Boardroom 3" a place (see RowValues)."""
    column = mapping.mapped.get("assigned_to")
    if column is None or column + 1 >= len(mapping.headers):
        return None
    if " ".join(mapping.headers[column].split()).casefold() != "checked out to":
        return None
    if mapping.headers[column + 1].strip().casefold() != "type":
        return None
    return column + 1


def currency_column_note(
    rows: Sequence[Sequence[object]], row_numbers: Sequence[int], first: int, mapping: ColumnMapping
) -> str:
    """The purchase cost column's currencies in words (see ``currency_note``): said after
    the file-wide decisions that come first (the sheet, Ralph's status codes)."""
    column = mapping.mapped.get("purchase_cost")
    if column is None:
        return ""
    beside = next(
        (i for i, header in enumerate(mapping.headers) if is_currency(header, mapping)), None
    )
    if beside is None and not writes_a_currency(
        {
            value
            for row in rows[first:]
            if column < len(row) and isinstance(value := row[column], str)
        }
    ):
        return ""  # (most files: no row to look at one by one)

    def cell(row: Sequence[object], index: int | None) -> object:
        return row[index] if index is not None and index < len(row) else None

    return currency_note(
        mapping.headers[column],
        (
            (number, cell(row, column), cell(row, beside))
            for number, row in zip(
                itertools.islice(row_numbers, first, None), rows[first:], strict=False
            )
        ),
    )


def _all_float_text(rows: Sequence[Sequence[object]], first: int, column: int) -> bool:
    """Whether the column holds values and every one is text like "1234.0" (the first
    other value ends the look)."""
    found = False
    for row in itertools.islice(rows, first, None):
        value = row[column] if column < len(row) else None
        if value is None or value == "":
            continue
        if not (isinstance(value, str) and _FLOAT_TEXT.match(value)):
            return False
        found = True
    return found


_MONTHS = re.compile(r"^\s*(\d+)\s*(months?|mos?\.?|m)?\s*$", re.IGNORECASE)
_YEARS = re.compile(r"^\s*(\d+)\s*(years?|yrs?\.?|y)\s*$", re.IGNORECASE)


def warranty_months(value: object) -> object:
    """ "36 months", "36 mo", "3 years" as a number of months; anything else as it was."""
    if not isinstance(value, str):
        return value
    if match := _MONTHS.match(value):
        return match.group(1)
    if match := _YEARS.match(value):
        return str(int(match.group(1)) * 12)
    return value


def fill_missing_name(report: ImportReport, given: dict[str, object], row: int) -> None:
    """A new asset without a name is named after its model (Snipe-IT's names are
    optional), and the row says so."""
    if given.get("name") not in (None, ""):
        return
    model = given.get("model")
    if model in (None, "") or not str(model).strip():
        return
    name = name_after_model(str(given.get(MANUFACTURER) or ""), str(model))
    given["name"] = name
    report.warn(row, f"the asset has no name: named after its model, '{name}'")


def note_checked_out(
    report: ImportReport,
    given: dict[str, object],
    row: int,
    mapping: ColumnMapping,
    words: Mapping[str, str],
) -> None:
    """Say what a new asset's row naming a status and an assignee becomes: Snipe-IT's
    ordinary "Ready to Deploy" + a person once for all such rows, any other on its row.
    Worked out once per status word and assignee column (a file has few)."""
    word = given.get("status")
    if not isinstance(word, str) or not word:
        return
    target = assignee_target(given)
    if target is None:
        return
    key = (word, target)
    if key in report.checkout_notes:
        known = report.checkout_notes[key]
    else:
        ordinary = ordinary_checkout_note(given, mapping, words)
        own = "" if ordinary else checked_out_note(given, mapping, words)
        known = report.checkout_notes[key] = ordinary or (None if own else "")
    if known:
        report.checked_out.setdefault(known, []).append(row)
    elif known is None and (text := checked_out_note(given, mapping, words)):
        report.warn(row, text)


def note_matched_checked_out(
    report: ImportReport,
    given: dict[str, object],
    row: int,
    mapping: ColumnMapping,
    words: Mapping[str, str],
) -> str:
    """The same for a row matched to an asset already here: an in-stock word with an
    assignee is read as In service (see statuses.matched_checkout_note).

    A row's own warning under one of this app's status words ("In repair" and a person)
    is returned, not said: the caller says it only when the row changes the asset's
    status or assignee — re-importing an unchanged export of ours warned on every
    in-repair or missing asset with an assignee. Snipe-IT's words are said here."""
    word = given.get("status")
    text, once = matched_checkout_note(given, mapping, words)
    if once:
        report.checked_out.setdefault(text, []).append(row)
    elif text:
        if isinstance(word, str) and not is_snipe_it_word(word):
            return text
        report.warn(row, text)
    return ""


def other_label_fates(
    report: ImportReport, notes_rows: Mapping[str, list[int]], field_rows: Mapping[str, int]
) -> None:
    """Tell the truth in the column list about a column mapped by another category's
    label of a custom field (Ralph's management_ip as "Management IP address"): on rows
    whose category lacks the field its cells went to the notes."""
    if not notes_rows:
        return
    told = []
    for fate in report.fates:
        rows = sorted(notes_rows.get(fate.target, ()))
        if not rows:
            told.append(fate)
            continue
        label = fate.text.removeprefix("imported as ")
        lines = f"added to the notes as '{fate.header}: …'"
        which = f"row {rows[0]}" if len(rows) == 1 else f"rows {_ranges(rows)}"
        if field_rows.get(fate.target):
            text = (
                f"imported as {label} where the row's category has that field; {lines} "
                f"on {which} (their category has no such field)"
            )
        else:
            text = f"{lines} (no row's category has the field {label})"
        told.append(replace(fate, text=text, notes_rows=tuple(rows)))
    report.fates = tuple(told)


def prepare_given(
    report: ImportReport,
    given: dict[str, object],
    cells: Sequence[object],
    mapping: ColumnMapping,
) -> None:
    """Apply the file-wide decisions to one row's cells (by target) before parsing."""
    if (kind := report.checkout_type) is not None:
        value = cells[kind] if kind < len(cells) else None
        given[CHECKOUT_TYPE] = str(value).strip().casefold() if value is not None else ""
    for column in report.float_columns:
        target = mapping.targets[column]
        value = given.get(target)
        if isinstance(value, str) and _FLOAT_TEXT.match(value):
            given[target] = value.strip().split(".")[0]
    if WARRANTY_MONTHS in given:
        given[WARRANTY_MONTHS] = warranty_months(given[WARRANTY_MONTHS])
    if RACK in given:
        rack_location(given)
    merge_extra_notes(given, cells, mapping)
    if report.checkout_name:
        checked_out_to_as_name(given, mapping)


#: Ralph writes a rack "R31 (DataCenter/ServerRoom)".
_RALPH_RACK = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")


def rack_location(given: dict[str, object]) -> None:
    """A row's rack as the location below its location: "Server room" and "R31" become
    "Server room ›› R31" (a rack named R31 in that room). Ralph's "R31 (DC 1/Room 2)"
    names its own room when the row has no location."""
    rack = given.pop(RACK, None)
    if rack is None or not str(rack).strip():
        return
    name, room = str(rack).strip(), ""
    if found := _RALPH_RACK.match(name):
        name, room = found.group(1), found.group(2)
    where = given.get("location")
    where = str(where).strip() if where not in (None, "") else room
    given["location"] = f"{where}{RACK_SEPARATOR}{name}"


def _ranges(numbers: Sequence[int]) -> str:
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)
