"""The dry run: every row classified create / update / unchanged / conflict / error.

Nothing is written. Values are validated with the same rules as the procedure form
(:mod:`desktop.services.values`, the receive/install/change templates and the lifecycle);
the commit (:mod:`desktop.spreadsheets.commit`) writes exactly what the plan says.
"""

from __future__ import annotations

import operator
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.collector import collector_paused
from desktop.domain.fields import CUSTOM_PREFIX, FIELDS_BY_KEY
from desktop.domain.lifecycle import (
    AssetStatus,
    ProcedureKind,
)
from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError
from desktop.services.approval_rule import ApprovalRules
from desktop.services.tags import GIVE_ANOTHER, OpenKitBlocks
from desktop.spreadsheets import cells as parse
from desktop.spreadsheets.columns import (
    KEY,
    RACK,
    VERSION,
    WARRANTY_MONTHS,
    ColumnMapping,
    manual_mapping,
    normalize_header,
    sheet_headers,
)
from desktop.spreadsheets.custom_labels import every_custom_label, map_other_custom_labels
from desktop.spreadsheets.formula_refusals import refuse_unread_formulas
from desktop.spreadsheets.history import (
    Step,
    creation_steps,
    effective_status,
)
from desktop.spreadsheets.import_choices import for_all_rows
from desktop.spreadsheets.import_runs import again_note, earlier_import
from desktop.spreadsheets.mapping import EXTRA_NOTES, best_mapping, column_data, header_row
from desktop.spreadsheets.model import (
    ImportOptions,
    ImportPlan,
    MatchKey,
    NewReference,
    Progress,
    RowAction,
    RowPlan,
    RowProblem,
    check_cancel,
)
from desktop.spreadsheets.new_references import new_reference_list
from desktop.spreadsheets.plan_checks import (
    check_mapping,
    custom_date_keys,
    line_numbers_note,
    ralph_codes,
)
from desktop.spreadsheets.plan_updates import FIELD_ORDER, UpdatePlanner
from desktop.spreadsheets.plan_updates import creation_changes as creation_changes
from desktop.spreadsheets.quantities import expand_quantities, order_date
from desktop.spreadsheets.readers import Table
from desktop.spreadsheets.reference_grants import dry_run_warning
from desktop.spreadsheets.references import PendingReference, ReferenceIndex, file_tag_prefixes
from desktop.spreadsheets.register_lookup import RegisterLookup, uuids
from desktop.spreadsheets.report import (
    ImportReport,
    build_report,
    currency_column_note,
    fill_missing_name,
    note_checked_out,
    note_matched_checked_out,
    other_label_fates,
    prepare_given,
)
from desktop.spreadsheets.row_answers import check_answer_keys
from desktop.spreadsheets.row_approvals import decide_plan
from desktop.spreadsheets.row_values import ONCE_LIMIT
from desktop.storage.database import Database

#: Enum members read on every row, looked up once: a member read through its class runs
#: the enum type's own lookup (~0.2 us each on Python 3.11, 20 times a global's).
_ERROR, _CREATE, _CONFLICT = RowAction.ERROR, RowAction.CREATE, RowAction.CONFLICT
_TAG, _KEY, _IN_STOCK = MatchKey.TAG, MatchKey.KEY, AssetStatus.IN_STOCK
#: The cells a status-and-assignee warning is about (statuses.matched_checkout_note).
_STATUS_OR_ASSIGNEE = frozenset({"status", "assigned_to"})


def custom_labels(index: ReferenceIndex) -> dict[str, str]:
    """Custom field key → label; where categories label a key differently, the first
    category by name wins — the same label our export writes as the column header."""
    labels: dict[str, str] = {}
    for category in sorted(index.categories.values(), key=lambda c: c.name):
        for definition in category.custom_fields:
            labels.setdefault(definition["key"], definition.get("label") or definition["key"])
    return labels


def dry_run(
    db: Database,
    path: Path,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportPlan:
    """Read ``path`` and classify every row against the database; writes nothing."""
    from desktop.spreadsheets.sheet_choice import read_chosen

    with collector_paused(), db.read() as session:  # (the file's cells too: kept by the plan)
        index = ReferenceIndex(session)
        chosen = read_chosen(path, options.sheet, custom_labels(index))
        return plan_table(
            session,
            chosen.table,
            options,
            progress=progress,
            cancel=cancel,
            sheet_note=chosen.note,
            formula_rows=chosen.formula_rows,
            totals_rows=chosen.totals_rows,
            index=index,
            open_elsewhere=chosen.open_elsewhere,
            file_sha256=chosen.file_sha256,
        )


def plan_table(
    session: Session,
    table: Table,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    sheet_note: str = "",
    formula_rows: tuple[int, ...] = (),
    index: ReferenceIndex | None = None,
    totals_rows: tuple[int, ...] = (),
    open_elsewhere: str = "",
    file_sha256: str = "",
) -> ImportPlan:
    """Classify ``table``'s rows; ``index``: the session's reference data, if read already
    (and not changed since); ``open_elsewhere``: said first when an office program has the
    file open; ``file_sha256``: the file's, to say an earlier import of it."""
    if options.command_line:  # the wizard's boxes name questions that exist
        check_answer_keys(session, options.answers)
    index = ReferenceIndex(session) if index is None else index
    index.create = options.create_missing
    labels = custom_labels(index)
    if not table.rows:
        raise DesktopError(f"{table.where} holds no rows to import")
    header_index, _ = header_row(table.rows, labels)
    headers = sheet_headers(table.rows, header_index)
    mapping = (
        manual_mapping(headers, options.mapping)
        if options.mapping is not None and set(options.mapping) >= set(headers)
        else best_mapping(
            headers,
            labels,
            options.mapping,
            column_data(table.rows, header_index + 1, len(headers)),
            options.unknown_columns,
        )
    )
    mapping = map_other_custom_labels(mapping, index, options.mapping)
    by_other_label = _by_a_label(mapping, index)
    check_mapping(table, mapping, options)
    options, ralph_note = ralph_codes(table, header_index, mapping, options)
    report = build_report(
        rows=table.rows,
        row_numbers=table.row_numbers,
        first=header_index + 1,
        mapping=mapping,
        custom_labels=labels,
        custom_date_keys=custom_date_keys(index),
        order=options.date_order,
        sheet_note=sheet_note,
        formula_rows=formula_rows,
    )
    report.totals_rows = totals_rows
    if open_elsewhere:
        report.said.append(open_elsewhere)
    if ralph_note:
        report.said.append(ralph_note)
    if currencies := currency_column_note(table.rows, table.row_numbers, header_index + 1, mapping):
        report.said.append(currencies)
    if lines := line_numbers_note(table):
        report.said.append(lines)
    # A purchase order's "Qty 3" line is three assets; its order date, their purchase date.
    quantities = expand_quantities(table, header_index, mapping)
    if (note := quantities.note()) != "":
        report.said.append(note)
    if "purchase_date" not in mapping.mapped and "purchase_date" not in options.defaults:
        date, note = order_date(table.rows, table.row_numbers, header_index, options.date_order)
        if date:
            options = replace(options, defaults={**options.defaults, "purchase_date": date})
            report.said.append(note)
    unread = table.unread_formulas  # by the file's row numbers: quantities keep them
    uncalculated = table.uncalculated
    table = quantities.table
    rules = ApprovalRules(session)  # every current template, read once
    planner = _Planner(session, table, mapping, options, index, rules)
    planner.by_other_label = by_other_label
    planner.report = report
    with collector_paused():
        rows = planner.plan(header_index + 1, progress, cancel)
    for row in rows:
        if (refused := quantities.refused.get(row.index)) is not None:
            row.problems.append(RowProblem(row.row, quantities.header, refused))
            row.action = RowAction.ERROR
    if unread:
        refuse_unread_formulas(rows, unread, mapping, report, uncalculated=uncalculated)
    other_label_fates(report, planner.label_notes_rows, planner.label_field_rows)
    plan = ImportPlan(
        table,
        header_index,
        mapping,
        options,
        rows,
        planner.new_references(),
        names=index,
        report=report,
    )
    decide_plan(rules, plan)
    plan.references_refused = dry_run_warning(session, plan)
    plan.file_sha256 = file_sha256
    if (earlier := earlier_import(session, file_sha256)) is not None:
        plan.earlier = earlier
        report.said.insert(
            0, again_note(earlier, plan.counts()["create"], plan.options.match.value)
        )
    return plan


def _by_a_label(mapping: ColumnMapping, index: ReferenceIndex) -> frozenset[str]:
    """The custom targets of columns headed by a label of the field (any category's, the
    wizard's choice too): a row whose category lacks the field keeps the cell in its
    notes rather than being refused (see RowValues._other_labels_to_notes)."""
    labels = every_custom_label(index)
    return frozenset(
        target
        for header, target in zip(mapping.headers, mapping.targets, strict=True)
        if target.startswith(CUSTOM_PREFIX)
        and labels.get(normalize_header(header)) == target.removeprefix(CUSTOM_PREFIX)
    )


class _Planner(UpdatePlanner):
    #: Whether a row's cells go through prepare_given (set by plan()).
    prepares = True

    def __init__(
        self,
        session: Session,
        table: Table,
        mapping: ColumnMapping,
        options: ImportOptions,
        index: ReferenceIndex,
        rules: ApprovalRules,
    ) -> None:
        self.session = session
        self.table = table
        self.mapping = mapping
        self.options = options
        self.index = index
        self.report = ImportReport()
        self.mapped = mapping.mapped
        self.headers = mapping.headers
        receive = rules.template(ProcedureKind.RECEIVE, None).definition
        install = rules.template(ProcedureKind.INSTALL, None).definition
        self.receive_required = [f.key for f in receive.asset_fields if f.required]
        self.install_required = [f.key for f in install.asset_fields if f.required]
        self.install_one_of = [r.one_of for r in install.rules if r.one_of]
        self.pending: dict[PendingReference, list[int]] = {}
        #: The cell a row is matched by (a tag, a serial number or a key).
        self.match_target = _match_target(options.match)
        self.memo = {}
        self.models_fit = {}
        #: A category's custom fields a new asset must give, by the category id object's
        #: identity (see models_fit), with the id.
        self.required_custom: dict[int, tuple[uuid.UUID, tuple[dict[str, Any], ...]]] = {}
        self.label_notes_rows, self.label_field_rows = {}, {}
        # A row's mapped cells in one call (see _row).
        columns = list(self.mapped.values())
        self.last_column = max(columns, default=-1)
        getter = operator.itemgetter(*columns) if columns else (lambda _: ())
        self.cells_of: Callable[[Sequence[object]], Sequence[object]] = (
            getter if len(columns) != 1 else (lambda cells: (getter(cells),))
        )
        #: The order of a new asset's values, by the fields it has (see _plan_create).
        self.field_orders: dict[tuple[str, ...], list[str]] = {}
        #: A new asset's steps, final status and whether it is installed, by its status
        #: cell and its assignee.
        self.paths: dict[tuple[object, bool], tuple[list[Step], AssetStatus | None, bool]] = {}
        #: Tag key → the first row that gives it (two new assets cannot share a tag).
        self.file_tags: dict[str, int] = {}
        #: Tags reserved for the field kits checked out of this database.
        self.kit_blocks = OpenKitBlocks(session)

    # -- the whole file ------------------------------------------------------------------

    def plan(
        self, first: int, progress: Progress | None, cancel: threading.Event | None
    ) -> list[RowPlan]:
        read = self.table.rows
        data = [i for i in range(first, len(read)) if _has_content(read[i])]
        register = RegisterLookup(self.session)
        existing = register.existing_assets(
            self.options.match, self._cells(_match_target(self.options.match), data)
        )
        if self.index.create and {"tag", "category"} <= set(self.mapped):
            self.index.file_tag_prefixes = _FilePrefixes(
                lambda: file_tag_prefixes(
                    (category, tag)
                    for c, t in zip(
                        self._cells("category", data), self._cells("tag", data), strict=True
                    )
                    if (category := parse.clean_text(c)) and (tag := parse.clean_text(t))
                )
            )
        if self.options.match is MatchKey.TAG and "tag" in self.mapped:
            # The assets found by tag are the tags in use (the same query, already run).
            tags_in_use = {key: found["id"] for key, found in existing.items()}
        else:
            tags_in_use = register.tags_in_use(self._cells("tag", data))
        seen: dict[str, int] = {}
        rows: list[RowPlan] = []
        # What prepare_given acts on (the report's float columns are decided by now).
        self.prepares = (
            bool(self.report.float_columns)
            or self.report.checkout_type is not None
            or self.report.checkout_name
            or not {
                WARRANTY_MONTHS,
                RACK,
                EXTRA_NOTES,
            }.isdisjoint(self.mapping.targets)
        )
        total = len(data)
        targets = tuple(self.mapped)
        for start in range(0, total, _CHUNK_ROWS):
            check_cancel(cancel)
            if progress:
                progress(start, total)
            chunk = data[start : start + _CHUNK_ROWS]
            for i, cells in zip(chunk, self._given_cells(chunk), strict=True):
                given = dict(zip(targets, cells, strict=True))
                rows.append(self._row(i, given, existing, tags_in_use, seen))
        if progress:
            progress(total, total)
        self._warn_serials_in_use(register, rows)
        return rows

    def _warn_serials_in_use(self, register: RegisterLookup, rows: list[RowPlan]) -> None:
        """A new asset whose serial number an asset of the register has is said on its
        row: a file without tags (Ralph's, most exports of other tools) imported twice
        made every asset a second time, silently."""
        if (
            self.options.match is MatchKey.SERIAL  # a new row's serial is in no asset
            or "serial_number" not in self.mapped
            or not register.held()
        ):
            return
        new: dict[str, list[int]] = {}
        for plan in rows:
            if plan.action is _CREATE:
                serial = plan.values.get("serial_number")
                if isinstance(serial, str) and serial:
                    new.setdefault(serial, []).append(plan.row)
        hint = (
            "--match serial"
            if self.options.command_line
            else "Find existing assets by: Serial number"
        )
        for serial, tags in register.serials_in_use(new).items():
            owner = f"{tags[0]}'s" if len(tags) == 1 else f"on {', '.join(tags)}"
            for number in new[serial]:
                self.report.warn(
                    number,
                    f"the serial number '{serial}' is already {owner}: this row makes a "
                    f"second asset with it (to update {' or '.join(tags)} instead, match "
                    f"assets by serial number: {hint})",
                )

    def _given_cells(self, indices: Sequence[int]) -> Iterable[Sequence[object]]:
        """The rows' mapped cells, cleaned column by column (a row's cells by target, in
        the mapping's order): text trimmed (see clean_text), numbers and dates as read."""
        if not self.mapped:
            return [()] * len(indices)
        read, last, cells_of, padded = (
            self.table.rows,
            self.last_column,
            self.cells_of,
            self._padded,
        )
        # Every mapped cell is there in most rows; a short row is padded.
        by_row = [
            cells_of(cells) if len(cells) > last else padded(cells)
            for cells in (read[i] for i in indices)
        ]
        return zip(*(_clean_column(column) for column in zip(*by_row, strict=True)), strict=True)

    def new_references(self) -> list[NewReference]:
        return new_reference_list(self.pending, self.index)

    def _cells(self, target: str, indices: Sequence[int]) -> Iterable[object]:
        column = self.mapped.get(target)
        if column is None:
            return []
        rows = self.table.rows
        return (rows[i][column] if column < len(rows[i]) else None for i in indices)

    # -- one row -------------------------------------------------------------------------

    def _row(
        self,
        i: int,
        given: dict[str, object],
        existing: dict[str, dict[str, Any]],
        tags_in_use: dict[str, uuid.UUID],
        seen: dict[str, int],
    ) -> RowPlan:
        """Row ``i``'s plan from its cells by target (``given``, cleaned: _given_cells)."""
        number = self.table.row_numbers[i]
        plan = RowPlan(index=i, row=number, action=_ERROR)
        if self.prepares:  # (most files: no file-wide decision touches a row's cells)
            prepare_given(self.report, given, self.table.rows[i], self.mapping)

        match = self.options.match
        match_is_tag = match is _TAG
        raw = given.get(self.match_target)  # text is clean already (above)
        match_text = raw if raw.__class__ is str else parse.clean_text(raw)
        key = (
            normalize_tag(match_text)
            if match_is_tag and match_text
            else self._match_key(match_text)
        )
        current = existing.get(key) if key else None
        if key:
            if key in seen:
                self._problem(
                    plan,
                    _match_target(self.options.match),
                    f"the same {self.options.match.value} as row {seen[key]}: each asset may appear once",
                )
            else:
                seen[key] = number
        if current is not None and current.get("ambiguous"):
            self._problem(
                plan,
                "serial_number",
                f"several assets have the serial number '{match_text}': match by tag",
            )
            current = None
        if match is _KEY and match_text and current is None:
            self._problem(plan, KEY, f"there is no asset with the key {match_text}")
        if current is None:  # values given for all rows fill what a new asset's row lacks
            for target, text in self.options.defaults.items():
                if given.get(target) in (None, ""):
                    given[target] = text

        own_note = ""  # said below if the row changes the status or assignee
        if current is None:
            fill_missing_name(self.report, given, number)
            note_checked_out(self.report, given, number, self.mapping, self.options.status_words)
        else:
            own_note = note_matched_checked_out(
                self.report, given, number, self.mapping, self.options.status_words
            )
        values, custom = self._values(plan, given, current)
        plan.tag = str(values.get("tag") or (current["tag"] if current else "") or "")
        new_tag = values.get("tag")
        if isinstance(new_tag, str) and new_tag:
            # The match key when the row is matched by this tag (most rows): the same text.
            new_key = (
                key if key and new_tag == match_text and match_is_tag else normalize_tag(new_tag)
            )
            owner = tags_in_use.get(new_key)
            if owner is not None and (current is None or owner != current["id"]):
                self._problem(plan, "tag", f"the tag '{new_tag}' is already used by another asset")
            elif owner is None and (reserved := self.kit_blocks.holding(new_tag, GIVE_ANOTHER)):
                self._problem(plan, "tag", reserved)
            claimed = self.file_tags.setdefault(new_key, number)
            if claimed != number and not match_is_tag:
                self._problem(plan, "tag", f"the tag '{new_tag}' is also on row {claimed}")
            if (
                current is not None
                and match_is_tag
                and normalize_tag(new_tag) == normalize_tag(str(current["tag"] or ""))
            ):
                # The cell that found the asset, spelt otherwise ("dck-000008 "): not a
                # relabel (the import rewrote the tag as typed).
                values["tag"] = current["tag"]
        if current is None:
            self._plan_create(plan, values, custom)
        else:
            self._plan_update(plan, values, custom, current, given.get(VERSION))
            if own_note and not _STATUS_OR_ASSIGNEE.isdisjoint(plan.values):
                self.report.warn(number, own_note)
        if plan.action is _CONFLICT and len(plan.problems) == 1:
            pass  # only the version conflict: reported as a conflict
        elif plan.problems:
            plan.action = _ERROR
        # (PendingReference is never subclassed; no row holds one before a cell gave one)
        elif self.pending_seen and PendingReference in map(type, plan.values.values()):
            for value in plan.values.values():
                if value.__class__ is PendingReference:
                    self.pending.setdefault(value, []).append(number)
        return plan

    def _padded(self, cells: Sequence[object]) -> list[object]:
        """A short row's mapped cells, the missing ones empty."""
        width = len(cells)
        return [cells[c] if c < width else None for c in self.mapped.values()]

    def _match_key(self, text: str | None) -> str | None:
        if not text:
            return None
        if self.options.match is MatchKey.TAG:
            return normalize_tag(text)
        if self.options.match is MatchKey.KEY:
            ids = uuids([text])
            return str(ids[0]) if ids else text
        return text

    def _plan_create(
        self, plan: RowPlan, values: dict[str, object], custom: dict[str, object]
    ) -> None:
        given_status = values.pop("status") if values.get("status") else None
        assigned = bool(values.get("assigned_to"))
        path = self.paths.get((given_status, assigned))
        if path is None:  # a file has few: remembered
            asked = AssetStatus(str(given_status)) if given_status else None
            steps = creation_steps(asked, assigned)
            installs = any(kind is ProcedureKind.INSTALL for kind, _ in steps)
            path = steps, effective_status(asked, assigned), installs
            self.paths[given_status, assigned] = path
        steps, status, installs = path
        get = values.get
        for key in self.receive_required:  # (_blank in place: a few keys on every row)
            if ((v := get(key)) is None or (v.__class__ is str and not v)) and self._header(
                key
            ) not in {p.column for p in plan.problems}:
                hint = for_all_rows((key,), command_line=self.options.command_line)
                self._problem(
                    plan,
                    key,
                    f"{FIELDS_BY_KEY[key].label} is required for a new asset"
                    + (f" ({hint})" if hint else ""),
                )
        if installs:
            for key in self.install_required:
                if (v := get(key)) is None or (v.__class__ is str and not v):
                    self._problem(
                        plan, key, f"{FIELDS_BY_KEY[key].label} is required for an asset in service"
                    )
            for one_of in self.install_one_of:
                for k in one_of:  # (_blank in place, no generator: most rows give the first)
                    if (v := get(k)) is not None and (v.__class__ is not str or v):
                        break
                else:
                    labels = " or ".join(FIELDS_BY_KEY[k].label for k in one_of)
                    hint = for_all_rows(one_of, command_line=self.options.command_line)
                    self._problem(
                        plan,
                        one_of[0],
                        f"an asset in service needs {labels}" + (f" ({hint})" if hint else ""),
                    )
        for definition in self._required_custom(plan.category_id):
            if custom.get(definition["key"]) is None:
                self._problem(
                    plan,
                    CUSTOM_PREFIX + definition["key"],
                    f"{definition.get('label')} is required",
                )
        plan.follow_up = status if status is not None and status is not _IN_STOCK else None
        fields = tuple(values)
        order = self.field_orders.get(fields)
        if order is None:
            order = self.field_orders[fields] = sorted(values, key=FIELD_ORDER.__getitem__)
        # Blank text left out: a true value is kept at once (most), a false one if not text.
        plan.values = {
            k: v for k in order if (v := values[k]) is not None and (v or not isinstance(v, str))
        }
        plan.custom = {k: v for k, v in custom.items() if v is not None}
        # A new asset's changes (every value, before empty) are built when needed: by
        # creation_changes() for a preview, by the commit for the procedure.
        plan.action = _CREATE

    def _required_custom(self, category_id: uuid.UUID | None) -> tuple[dict[str, Any], ...]:
        """The custom fields the category requires (rows share a few category ids)."""
        if category_id is None:
            return ()
        found = self.required_custom.get(id(category_id))
        if found is not None and found[0] is category_id:
            return found[1]
        category = self.index.categories.get(category_id)
        required = tuple(
            d for d in (category.custom_fields if category else ()) if d.get("required")
        )
        if len(self.required_custom) < ONCE_LIMIT:  # (an update's own ids: not shared)
            self.required_custom[id(category_id)] = (category_id, required)
        return required


def _blank(value: object) -> bool:
    """``value in (None, "")`` without asking a UUID's own ``__eq__`` (Python code)."""
    return value is None or (value.__class__ is str and not value)


_MATCH_TARGETS = {MatchKey.TAG: "tag", MatchKey.SERIAL: "serial_number", MatchKey.KEY: KEY}


def _match_target(match: MatchKey) -> str:
    return _MATCH_TARGETS[match]


def _has_content(row: Sequence[object]) -> bool:
    """Whether a row holds a cell other than empty text or blanks (any number, date or
    truth value counts)."""
    for cell in row:
        if cell is None or cell == "":
            continue
        if cell.__class__ is not str or cell.strip():
            return True
    return False


class _FilePrefixes(dict[str, str]):
    """The file's tag prefixes by category (see file_tag_prefixes), worked out when a new
    category first asks (a file whose categories all exist never does: a pass over every
    row saved)."""

    def __init__(self, compute: Callable[[], dict[str, str]]) -> None:
        super().__init__()
        self._compute: Callable[[], dict[str, str]] | None = compute

    def get(self, key: str, default: Any = None) -> Any:
        if self._compute is not None:
            self.update(self._compute())
            self._compute = None
        return super().get(key, default)


#: Rows planned at a time: their cells cleaned column by column, a check for cancel between.
_CHUNK_ROWS = 2000


def _clean_column(column: Sequence[object]) -> list[object]:
    """A column's cells as clean_text gives text (most cells: trimmed in place, the short
    way), other cells (numbers, dates, empty) as read."""
    clean = parse.clean_text
    return [
        ((text if text[0] != "'" else clean(text)) if (text := value.strip()) else None)
        if value.__class__ is str
        else (clean(value) if isinstance(value, str) else value)
        for value in column
    ]
