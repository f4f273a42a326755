"""The dry run's checks and notes of a whole file, before its rows are planned: a mapping
that cannot import, row numbers that are a text file's lines, Ralph's status codes."""

from __future__ import annotations

from dataclasses import replace

from desktop.errors import DesktopError
from desktop.spreadsheets.columns import KEY, ColumnMapping, target_label
from desktop.spreadsheets.mapping import EXTRA_NOTES
from desktop.spreadsheets.model import ImportOptions, MatchKey
from desktop.spreadsheets.ralph_statuses import ralph_status_words
from desktop.spreadsheets.readers import Table
from desktop.spreadsheets.references import ReferenceIndex


def line_numbers_note(table: Table) -> str:
    """What the dry run says when a text file's row numbers are not a spreadsheet's: they
    are its lines, and a cell with line breaks (an export's notes) takes several, where
    Excel or LibreOffice shows the record as one row — "row 8" there is another asset
    ("" when they agree, and for a workbook)."""
    if table.sheet:
        return ""
    for index, number in enumerate(table.row_numbers):
        if number != index + 1:
            return (
                f"Row numbers are the lines of {table.file_name}: some cells hold line "
                "breaks, so from there on a spreadsheet program shows each row higher up "
                f"(row {number} here is its row {index + 1})"
            )
    return ""


def ralph_codes(
    table: Table, header_index: int, mapping: ColumnMapping, options: ImportOptions
) -> tuple[ImportOptions, str]:
    """``options`` with Ralph's numeric status codes the file's status column holds read
    as Ralph names them (see ralph_statuses), and the note that says so."""
    column = mapping.index_of("status")
    if column is None:
        return options, ""
    cells = (row[column] for row in table.rows[header_index + 1 :] if column < len(row))
    words, note = ralph_status_words(mapping.headers, cells, options.status_words)
    if not words:
        return options, ""
    return replace(options, status_words={**words, **options.status_words}), note


def custom_date_keys(index: ReferenceIndex) -> set[str]:
    return {
        d["key"]
        for category in index.categories.values()
        for d in category.custom_fields
        if d.get("type") == "date"
    }


#: Targets that say nothing of what an asset is (kept in the notes, or not read).
_NOT_OF_AN_ASSET = frozenset({EXTRA_NOTES, "", "notes"})


def check_mapping(table: Table, mapping: ColumnMapping, options: ImportOptions) -> None:
    mapped = mapping.mapped
    needed = {MatchKey.TAG: "tag", MatchKey.SERIAL: "serial_number", MatchKey.KEY: KEY}[
        options.match
    ]
    # Without a tag column every row is a new asset whose tag is generated (a supplier's
    # list); matching by serial number or key needs its column. A row without a name is
    # named after its model (fill_missing_name), so a Model column gives the names: a
    # supplier's "Category, Manufacturer, Model, Serial number" was refused as a whole
    # while the same file with an empty Name column imported.
    given = set(mapped) | set(options.defaults)
    named = bool({"name", "model"} & given)
    new_assets_only = options.match is MatchKey.TAG and named and "category" in given
    if needed not in mapped and not new_assets_only:
        without = ""
        if options.match is MatchKey.TAG:  # say what would do instead of a tag column
            lacking = [
                k for k, has in (("name", named), ("category", "category" in given)) if not has
            ]
            if options.command_line:
                how = "a column or " + " or ".join(f"--set {k}=…" for k in lacking)
            elif "category" in lacking:  # the wizard gives no name for all rows
                how = "a column or, for Category, a value for all rows"
            else:
                how = "a column"
            model = "; a Model column gives the names too" if "name" in lacking else ""
            without = (
                "; without one, every row is a new asset with a generated tag, which needs "
                f"a name and a category ({how}; missing: "
                f"{', '.join(target_label(k) for k in lacking)}{model})"
            )
            if set(mapped) - _NOT_OF_AN_ASSET <= {"name"}:
                # Ralph's warehouses.csv, regions.csv (id, name): following the advice
                # above made assets called "Poznań" and "Kraków".
                without += (
                    ". Only a name describes each row: if the file lists places (Ralph's "
                    "warehouses), import it as locations (assetdesk import --locations, or "
                    "Import list… in Data › Locations); a list of people likewise (--people, "
                    "Data › People); not as assets"
                )
        raise DesktopError(
            f"{table.where}: no column is mapped to {target_label(needed)}, which the import "
            f"matches assets by{without} (columns: {', '.join(mapping.headers)})"
        )
    if not {"tag", "name", "serial_number", "category"} & set(mapped):
        raise DesktopError(
            f"{table.where}: none of the columns is an asset column "
            f"(columns: {', '.join(mapping.headers)}); map them by hand or choose another sheet"
        )
