"""What the import wizard's mapping page reads from a table (no widgets).

The target proposed for each column (a profile's choice first, another category's label
of a custom field for a column nothing else claims), the summary above the table of what
is imported where, and the status words of the file that are not Assetdesk's. The page
(:class:`ui.gui.spreadsheets.import_pages.MappingPage`) shows them; the wizard asks again
whenever a choice changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.spreadsheets.columns import ColumnMapping, normalize_header
from desktop.spreadsheets.mapping import (
    EXTRA_NOTES,
    NEW_CUSTOM,
    RALPH_IDS,
    ColumnFate,
    best_mapping,
    column_data,
    fates,
    ralph_id_headers,
)
from desktop.spreadsheets.ralph_statuses import ralph_status_words
from desktop.spreadsheets.statuses import status_words_used
from desktop.spreadsheets.unmapped import unmapped_said
from desktop.wording import plural


def is_free_choice(target: str) -> bool:
    """Whether ``target`` leaves the column to the user: not imported, to the notes, or
    to a new custom field (the page offers a new field named after the column then)."""
    return not target or target == EXTRA_NOTES or target.startswith(NEW_CUSTOM)


def proposed_mapping(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str],
    first: int,
    labels: Mapping[str, str],
    other_labels: Mapping[str, str],
    profile: Mapping[str, str] | None,
) -> ColumnMapping:
    """The target of each column of ``headers`` (data from row index ``first``):
    :func:`best_mapping`, then a column left free whose header is another category's
    label of a custom field (``other_labels``: label → key) goes to that field, unless
    the profile chose for it or another column already does."""
    mapping = best_mapping(headers, labels, profile, column_data(rows, first, len(headers)))
    targets = list(mapping.targets)
    for position, header in enumerate(headers):
        key = other_labels.get(normalize_header(header))
        free = is_free_choice(targets[position]) and key and CUSTOM_PREFIX + key not in targets
        if free and (not profile or header not in profile):
            targets[position] = CUSTOM_PREFIX + str(key)
    return ColumnMapping(mapping.headers, tuple(targets))


def mapping_summary(
    mapping: ColumnMapping,
    labels: Mapping[str, str],
    *,
    header_number: int,
    sheet_note: str,
    rows: Sequence[Sequence[object]],
    first: int,
    unread: Mapping[int, Sequence[tuple[int, str]]] | None = None,
) -> tuple[str, list[ColumnFate]]:
    """The words above the mapping table, and each column's fate (its choice's tooltip).

    ``header_number``: the row number the user sees for the header; ``sheet_note``: what
    choosing the sheet found (said first); ``rows`` from index ``first``: the data (a
    column not imported because it is empty in every row says so; ``unread``: the table's
    formulas with no saved result, said of such a column). A column whose choice does not say where its
    values go (a Manufacturer with no Model column goes to the notes) is named with the
    same words as the command line's dry run."""
    pairs = list(zip(mapping.headers, mapping.targets, strict=True))
    unmapped = [h for h, t in pairs if not t]
    ids = ralph_id_headers(mapping, labels)
    to_notes = [h + (f" ({RALPH_IDS})" if h in ids else "") for h, t in pairs if t == EXTRA_NOTES]
    text = (
        f"The header is in row {header_number}. {len(pairs) - len(unmapped)} of "
        f"{plural(len(pairs), 'column is|columns are')} imported."
    )
    if sheet_note:
        text = sheet_note + ". " + text
    if to_notes:
        text += f" Added to the notes ('Header: value'): {', '.join(to_notes)}."
    if unmapped:
        text += f" Not imported: {', '.join(unmapped_said(mapping, rows, first, unread))}."
    every = fates(mapping, labels)
    for fate in every:
        if fate.target not in ("", EXTRA_NOTES) and fate.text.startswith("added to the notes"):
            text += f" {fate.header}: {fate.text}."
    return text, every


def foreign_status_words(
    below: Sequence[Sequence[object]], column: int, headers: Sequence[str]
) -> tuple[list[str], list[str], dict[str, str]]:
    """The status column's words, each once in the file's order whatever their case:
    those that are not ours (the page offers a choice for each), those read as ours (said
    as read), and Ralph's numeric codes chosen as Ralph names them (the person may change
    them). ``below``: the rows under the header."""
    cells = [row[column] for row in below if column < len(row)]
    words, known = status_words_used(cells)
    return words, known, ralph_status_words(headers, cells)[0]
