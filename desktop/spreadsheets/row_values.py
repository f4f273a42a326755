"""Parsing one row's cells into asset column values, with the problems found (the dry run)."""

from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.fields import CUSTOM_PREFIX, FIELDS_BY_KEY
from desktop.services.values import MAX_MONEY, coerce_asset_value, coerce_custom_value
from desktop.spreadsheets import cells as parse
from desktop.spreadsheets.columns import (
    MANUFACTURER,
    MODEL_NUMBER,
    PERSON_EMAIL,
    PERSON_NAME,
    WARRANTY_MONTHS,
    target_label,
)
from desktop.spreadsheets.custom_columns import new_value
from desktop.spreadsheets.dates import read_date
from desktop.spreadsheets.mapping import EXTRA_NOTES, notes_with_extras
from desktop.spreadsheets.model import ImportOptions, RowPlan, RowProblem
from desktop.spreadsheets.ralph_models import RalphModel, split_ralph_model
from desktop.spreadsheets.ralph_statuses import ralph_kind
from desktop.spreadsheets.references import PendingReference, ReferenceIndex
from desktop.spreadsheets.report import CHECKOUT_TYPE, ImportReport
from desktop.spreadsheets.statuses import parse_status

#: Asset columns by field key.
COLUMNS = {key: spec.column for key, spec in FIELDS_BY_KEY.items() if key != "last_audited_at"}
_TEXT_FIELDS = ("tag", "name", "serial_number", "order_number", "notes")
_DATE_FIELDS = ("purchase_date", "warranty_end")
#: The separators of a location path ("Site › Building › Room"): its last level.
_LAST_LEVEL = re.compile(r"\s*(?:›|>|/)\s*")
_PERSON_KEYS = ("assigned_to", PERSON_EMAIL, PERSON_NAME)
#: Snipe-IT's "Checked Out To" for an asset checked out to another asset: "(TAG) - Model".
_SNIPE_ASSET = re.compile(r"\((?P<tag>[^()]+)\)(?:\s*-\s*.*)?")
#: ... and for a person in its full report: "Name (username)".
_SNIPE_PERSON = re.compile(r"(?P<name>[^()]*[^()\s])\s*\((?P<username>[^()\s]+)\)")
#: A row that names no person (its assignee cells are empty).
_NOBODY = object()
#: The longest text each text field keeps (no limit: as long as any text).
_TEXT_LIMITS = {key: FIELDS_BY_KEY[key].max_length or sys.maxsize for key in ("tag", *_TEXT_FIELDS)}
_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
#: What the dry run says of a Ralph export's price of 0.00.
RALPH_ZERO_PRICE = (
    "Price: 0.00 is how a Ralph export writes an asset without a price: no purchase "
    "cost is recorded for it (an asset already priced keeps its cost)"
)
#: Distinct cells remembered per column (see RowValues._once).
ONCE_LIMIT = 10_000
#: Cells remembered by themselves when no stored value decides them (see _memo_key): no
#: text, time or date equals a cell of another class, as 1, 1.0 and True do. (A tuple is
#: a row's cells of several columns, with their classes: see _values and _assignee.)
_BARE_KEYS = frozenset({str, dt.datetime, dt.date, tuple})


class RowValues:
    """Turns a row's cells into values with the same rules as the procedure form."""

    session: Session
    options: ImportOptions
    index: ReferenceIndex
    mapped: dict[str, int]
    headers: tuple[str, ...]
    report: ImportReport
    #: Column → its distinct cells parsed (see _once), by :func:`_memo_key`.
    memo: dict[str, dict[object, tuple[object, str | None]]]
    #: Whether any target can be a custom field (see _custom_columns); None: not yet known.
    _custom_targets: bool | None = None
    #: The reference columns' lookups, with the index they were made for (see _lookups).
    _lookup_list: (
        tuple[ReferenceIndex, tuple[tuple[str, Callable[[str, Any], object]], ...]] | None
    ) = None
    #: Custom targets a column took by another category's label of the field (Ralph's
    #: management_ip): on a row whose category lacks the field, a notes line instead.
    by_other_label: frozenset[str] = frozenset()
    #: Of those targets: the rows whose cell went to the notes, and how many rows filled
    #: the field (the column list says where the column went: see report.other_label_fates).
    label_notes_rows: dict[str, list[int]]
    label_field_rows: dict[str, int]
    #: (model, category) pairs found to fit (see _model_fits_category), by the ids of the
    #: two objects (a UUID's hash and equality are Python code; the rows share the objects
    #: their cells were looked up as), with the pair (kept alive: no id is reused).
    models_fit: dict[tuple[int, int], tuple[uuid.UUID, uuid.UUID]]
    #: An assignee cell as :meth:`_checked_out_to_the_location` compares it, by the cell;
    #: and a location cell's whole path and last level, the same way.
    #: (Made by the first row that gives both.)
    spelt_names: dict[str, str] | None = None
    spelt_places: dict[str, tuple[str, str]] | None = None
    #: Whether a cell gave a new reference (a PendingReference): until one did, no row's
    #: values hold one (every reference a row gets is looked up by :meth:`_once`).
    pending_seen = False

    def _ralph_export(self) -> bool:
        """Whether the file is a Ralph export (its headers say so), read once."""
        found = self.__dict__.get("_is_ralph")
        if found is None:
            found = self.__dict__["_is_ralph"] = ralph_kind(self.headers) is not None
        return bool(found)

    def _date(self, plan: RowPlan, target: str, raw: object) -> object:
        """A date cell read in its column's order (see :mod:`desktop.spreadsheets.dates`)."""
        column = self.report.dates.get(target)
        if column is None:
            return read_date(raw, self.options.date_order)
        value = column.read(raw)
        if warning := column.warning(plan.row, raw):
            self.report.warn(plan.row, warning)
        return value

    def _decimal_mark(self, target: str) -> str | None:
        """The mark the target's column writes its decimals with, when its values say
        (see :mod:`desktop.spreadsheets.decimal_marks`)."""
        marks = self.report.marks.get(target)
        return None if marks is None else marks.decimal

    def _say_marks(self, plan: RowPlan, target: str, raw: object) -> None:
        """The row says how its "10.000" was read, when its column decided it."""
        marks = self.report.marks.get(target)
        if marks is not None and (warning := marks.warning(plan.row, raw)):
            self.report.warn(plan.row, warning)

    def _header(self, target: str) -> str:
        column = self.mapped.get(target)
        return self.headers[column] if column is not None else target_label(target)

    def _problem(self, plan: RowPlan, target: str, message: str) -> None:
        plan.problems.append(RowProblem(plan.row, self._header(target), message))

    def _values(
        self, plan: RowPlan, given: dict[str, object], current: dict[str, Any] | None
    ) -> tuple[dict[str, object], dict[str, object]]:
        """Parse every mapped cell into a column value; problems are noted on the plan.

        A column's cells repeat (a category, a location, a date, a status): each distinct
        cell is parsed and looked up once per file (:meth:`_once`); the problem it has,
        if any, is reported on every row that gives it.
        """
        values: dict[str, object] = {}
        once = self._once
        extra = given.pop(EXTRA_NOTES, None)
        if isinstance(extra, str) and extra:
            own = given["notes"] if "notes" in given else (current or {}).get("notes")
            given["notes"] = notes_with_extras(own, extra)
        memos = self.memo
        for key in _TEXT_FIELDS:
            if key in given:
                raw = given[key]
                # Plain text within its length (most cells, many of them distinct: names,
                # serials) is its own value: what _text gives it, without the memo.
                text = raw.strip() if raw.__class__ is str else None
                if (
                    text
                    and text[0] != "'"
                    and len(text) <= _TEXT_LIMITS[key]
                    and (key != "tag" or _plain_tag(text))
                ):
                    values[key] = text
                    continue
                found = once(key, raw, None, partial(self._text, key, raw))
                if found[1] is None:
                    values[key] = found[0]
                else:
                    self._problem(plan, key, found[1])
        for key in _DATE_FIELDS:
            if key in given:
                raw = given[key]
                if raw is None:
                    values[key] = None
                    continue
                memo = memos.get(key)  # (_memo_key in place: most cells are its own key)
                hit = memo.get(raw) if memo is not None else None
                found = hit or once(key, raw, None, partial(self._read_date, key, raw))
                if found[1] is not None:
                    self._problem(plan, key, found[1])
                    continue
                values[key] = found[0]
                column = self.report.dates.get(key)
                # (A column without a value readable either way warns no row: most columns.)
                if (
                    column is not None
                    and column.ambiguous_rows
                    and (warning := column.warning(plan.row, raw))
                ):
                    self.report.warn(plan.row, warning)
        if "purchase_cost" in given and (raw := given["purchase_cost"]) is not None:
            # A number cell (most amounts, each row's own): what _amount gives, in place.
            amount = Decimal(str(raw)) if raw.__class__ is float else None
            if amount is not None and amount.is_finite() and 0 <= amount <= MAX_MONEY:
                # (A negative zero is zero: 0.00, as the memo gave it after a 0 cell.)
                values["purchase_cost"] = amount.quantize(_CENT) if amount else _ZERO
            else:
                found = once("purchase_cost", raw, None, partial(self._amount, raw))
                if found[1] is None:
                    values["purchase_cost"] = found[0]
                    self._say_marks(plan, "purchase_cost", raw)
                else:
                    self._problem(plan, "purchase_cost", found[1])
        elif "purchase_cost" in given:
            values["purchase_cost"] = None
        if values.get("purchase_cost") == 0 and self._ralph_export():
            # Ralph writes 0.00 for an asset nobody priced: no price, not a free asset (a
            # new asset gets none, an existing one keeps its own).
            del values["purchase_cost"]
            if RALPH_ZERO_PRICE not in self.report.said:
                self.report.said.append(RALPH_ZERO_PRICE)
        if (
            WARRANTY_MONTHS in given
            and given[WARRANTY_MONTHS] is not None
            and given.get("warranty_end") is None
        ):
            start = values.get("purchase_date") or (current or {}).get("purchase_date")
            try:
                months = parse.parse_integer(given[WARRANTY_MONTHS])
                if start is None:
                    raise ValueError("a warranty in months needs a purchase date")
                values["warranty_end"] = parse.add_months(start, months)  # type: ignore[arg-type]
            except ValueError as exc:
                self._problem(plan, WARRANTY_MONTHS, str(exc))
        if "status" in given and (raw := given["status"]) is not None:
            memo = memos.get("status")
            hit = memo.get(raw) if memo is not None else None
            found = hit or once("status", raw, None, partial(self._status, raw))
            if found[1] is None:
                values["status"] = found[0]
            else:
                self._problem(plan, "status", found[1])
        ralph = self._ralph_model(plan, given)
        for key, lookup in self._lookups():
            if key not in given:
                continue
            raw = given[key]
            cur = current.get(COLUMNS[key]) if current else None
            memo = memos.get(key)
            hit = (
                None
                if memo is None
                else memo.get(raw)
                if cur is None
                else memo.get((raw.__class__, raw, cur))
            )
            found = hit or once(key, raw, cur, partial(_looked_up, lookup, raw, cur))
            if found[1] is None:
                values[key] = found[0]
            else:
                self._problem(plan, key, found[1])
        kind = given.pop(CHECKOUT_TYPE, "")  # Snipe-IT's "Type" beside "Checked Out To"
        if "assigned_to" in given and kind in ("asset", "location"):
            self._checked_out_to_a_thing(plan, given, values, current, str(kind))
        if "assigned_to" in given and "location" in given:
            self._checked_out_to_the_location(plan, given)
        if "assigned_to" in given and self._snipe_it_checked_out_to():
            self._snipe_it_checkout(plan, given, values, current)
        if not given.keys().isdisjoint(_PERSON_KEYS):
            self._assignee(plan, given, values, current)
        if "model" in given:
            raw = given["model"]
            cur = current.get("model_id") if current else None
            maker, number = given.get(MANUFACTURER), given.get(MODEL_NUMBER)
            if ralph is not None:  # "[Storage] EMC VNX5300": the model and its maker
                raw, maker = ralph.name or None, ralph.manufacturer or maker
            cells = (raw, maker.__class__, maker, number.__class__, number)
            memo = memos.get("model")
            hit = (
                None
                if memo is None
                else memo.get(cells)
                if cur is None
                else memo.get((cells.__class__, cells, cur))
            )
            found = hit or once("model", cells, cur, partial(self._model, raw, maker, number, cur))
            if found[1] is None:
                values["model"] = found[0]
            else:
                self._problem(plan, "model", found[1])
        if values.get("model") is None:
            self._maker_without_model(given, values, current)
        category_id = values.get("category") or (current or {}).get("category_id")
        plan.category_id = category_id if isinstance(category_id, uuid.UUID) else None
        self._model_fits_category(plan, given, values, current)
        if self.by_other_label:
            self._other_labels_to_notes(plan, given, values, current)
        custom = self._custom(plan, given)
        return values, custom

    def _maker_without_model(
        self, given: dict[str, object], values: dict[str, object], current: dict[str, Any] | None
    ) -> None:
        """A manufacturer (or model number) with no model to hold it, on a row that gives
        none and an asset that has none, goes to the notes ("Manufacturer: Lenovo"), as
        an unmapped column would: an asset keeps its maker only through its model."""
        if "model" not in given and current and current.get("model_id"):
            return  # the asset's model names its maker already
        lines = []
        for key in (MANUFACTURER, MODEL_NUMBER):
            text = parse.clean_text(given.get(key)) if key in given else None
            if text:
                lines.append(f"{self._header(key)}: {text}")
        if lines:
            _add_to_notes(values, current, "\n".join(lines))

    def _lookups(self) -> tuple[tuple[str, Callable[[str, Any], object]], ...]:
        """The reference columns and their lookups (made once: the index is the file's)."""
        found = self._lookup_list
        if found is None or found[0] is not self.index:
            index = self.index
            lookups = (
                ("category", lambda text, cur: index.category(text)),
                ("location", index.location),
                ("owning_group", lambda text, cur: index.group(text)),
                ("supplier", lambda text, cur: index.supplier(text)),
            )
            found = self._lookup_list = (index, lookups)
        return found[1]

    def _other_labels_to_notes(
        self,
        plan: RowPlan,
        given: dict[str, object],
        values: dict[str, object],
        current: dict[str, Any] | None,
    ) -> None:
        """A column mapped by another category's label to a field this row's category
        lacks goes to the notes ("management_ip: 10.0.0.103"), as it would unmapped."""
        category = self.index.categories.get(plan.category_id) if plan.category_id else None
        keys = {d["key"] for d in (category.custom_fields if category else ())}
        for target in sorted(self.by_other_label):
            if target not in given:
                continue
            raw = given[target]
            blank = raw is None or not str(raw).strip()
            if target[len(CUSTOM_PREFIX) :] in keys:
                if not blank:
                    self.label_field_rows[target] = self.label_field_rows.get(target, 0) + 1
                continue
            del given[target]
            if blank:
                continue
            self.label_notes_rows.setdefault(target, []).append(plan.row)
            _add_to_notes(values, current, f"{self._header(target)}: {parse.clean_text(raw)}")

    def _once(
        self, key: str, raw: object, current: object, parse_cell: Callable[[], object]
    ) -> tuple[object, str | None]:
        """``parse_cell()`` for column ``key``'s cell ``raw`` (an existing asset's
        ``current`` value may decide a lookup): (value, None), or (None, the problem).
        Remembered per distinct cell; a column of distinct cells (serial numbers) stops
        being remembered at :data:`ONCE_LIMIT` of them."""
        memo = self.memo.get(key)
        if memo is None:
            memo = self.memo[key] = {}
        cell = _memo_key(raw, current)
        found: tuple[object, str | None] | None = memo.get(cell)
        if found is None:
            try:
                found = (parse_cell(), None)
            except ValueError as exc:
                found = (None, str(exc))
            if found[0].__class__ is PendingReference:
                self.pending_seen = True
            if len(memo) < ONCE_LIMIT:
                memo[cell] = found
        return found

    def _text(self, key: str, raw: object) -> object:
        value, problem = coerce_asset_value(self.session, FIELDS_BY_KEY[key], parse.clean_text(raw))
        if problem:
            raise ValueError(problem.message)
        return value

    def _read_date(self, target: str, raw: object) -> object:
        column = self.report.dates.get(target)
        return read_date(raw, self.options.date_order) if column is None else column.read(raw)

    def _amount(self, raw: object) -> object:
        amount = parse.parse_amount(raw, self._decimal_mark("purchase_cost"))
        value, problem = coerce_asset_value(self.session, FIELDS_BY_KEY["purchase_cost"], amount)
        if problem:
            raise ValueError(problem.message)
        return value

    def _status(self, raw: object) -> object:
        return parse_status(parse.clean_text(raw) or "", self.options.status_words).value

    def _ralph_model(self, plan: RowPlan, given: dict[str, object]) -> RalphModel | None:
        """A model cell in Ralph's "[Category] Manufacturer Model" form, split; its
        category fills the row's when the file has no category column."""
        raw = given.get("model")
        if raw is None or (raw.__class__ is str and not raw.strip().startswith("[")):
            return None  # what clean_text gives it cannot start with "[" (most rows)
        text = parse.clean_text(raw)
        if not text or not text.startswith("["):
            return None
        maker = parse.clean_text(given.get(MANUFACTURER)) or ""
        ralph = split_ralph_model(text, maker, self.index.manufacturers)
        if ralph is None:
            return None
        if "category" not in given:
            given["category"] = ralph.category
        if ralph.warning:
            self.report.warn(plan.row, ralph.warning)
        return ralph

    def _model(self, raw: object, maker: object, number: object, current: object) -> object:
        name = parse.clean_text(raw)
        if name is None:
            return None
        return self.index.model(
            name,
            parse.clean_text(maker) or "",
            parse.clean_text(number) or "",
            current,  # type: ignore[arg-type]
        )

    def _model_fits_category(
        self,
        plan: RowPlan,
        given: dict[str, object],
        values: dict[str, object],
        current: dict[str, Any] | None,
    ) -> None:
        """An existing model of another category is an error for the row (not a second
        model of the same name under the row's category): the file names a product the
        register files elsewhere, and only the user knows which of the two is wrong."""
        if "model" not in values and "category" not in values:
            return
        model_id = values["model"] if "model" in values else (current or {}).get("model_id")
        if not isinstance(model_id, uuid.UUID) or plan.category_id is None:
            return
        category_id = plan.category_id
        fits = self.models_fit.get((id(model_id), id(category_id)))
        if fits is not None and fits[0] is model_id and fits[1] is category_id:
            return  # (a file has few pairs: each checked once)
        model_category = self.index.model_category.get(model_id)
        if model_category is None or model_category == category_id:
            if len(self.models_fit) < ONCE_LIMIT:  # (an update's own ids: not shared)
                self.models_fit[id(model_id), id(category_id)] = (model_id, category_id)
            return
        categories = self.index.categories
        theirs = categories[model_category].name if model_category in categories else "?"
        ours = categories[plan.category_id].name if plan.category_id in categories else "?"
        self._problem(
            plan,
            "model" if "model" in given else "category",
            f"the model {self.index.text(model_id)} is a {theirs} model; this asset is a "
            f"{ours}: choose a {ours} model or another category",
        )

    def _assignee(
        self,
        plan: RowPlan,
        given: dict[str, object],
        values: dict[str, object],
        current: dict[str, Any] | None,
    ) -> None:
        get = given.get  # (_PERSON_KEYS in place: this runs per row)
        user, address, full = get("assigned_to"), get(PERSON_EMAIL), get(PERSON_NAME)
        cur = current.get("assigned_to_id") if current else None
        cells = (user.__class__, user, address.__class__, address, full.__class__, full)
        memo = self.memo.get("assigned_to")
        hit = (
            None
            if memo is None
            else memo.get(cells)
            if cur is None
            else memo.get((cells.__class__, cells, cur))
        )
        found = hit or self._once(
            "assigned_to", cells, cur, partial(self._person, user, address, full, cur)
        )
        if found[0] is _NOBODY:
            if "assigned_to" in given:
                values["assigned_to"] = None
        elif found[1] is None:
            values["assigned_to"] = found[0]
        else:
            column = next(k for k in _PERSON_KEYS if k in given)
            self._problem(plan, column, found[1])

    def _checked_out_to_the_location(self, plan: RowPlan, given: dict[str, object]) -> None:
        """Snipe-IT checks an asset out to a location as to a person, and its export's
        "Checked Out To" then names the place its Location names ("Boardroom 3"): read
        as that place with nobody assigned, said on the row (it became a new person
        called "Boardroom 3"). A person of the register with that name stays the person."""
        who, where = given["assigned_to"], given["location"]
        if not isinstance(who, str) or not isinstance(where, str):
            return
        # Each distinct cell spelt once (a column repeats its people and places).
        names, places = self.spelt_names, self.spelt_places
        if names is None or places is None:
            names, places = self.spelt_names, self.spelt_places = {}, {}
        name = names.get(who)
        if name is None:
            name = " ".join(who.split()).casefold()
            if len(names) < ONCE_LIMIT:
                names[who] = name
        found = places.get(where)
        if found is None:
            place = " ".join(where.split()).casefold()
            found = (place, _LAST_LEVEL.split(place)[-1])
            if len(places) < ONCE_LIMIT:
                places[where] = found
        if not name or name not in found:
            return
        if self.index.knows_person(" ".join(who.split())):
            return
        del given["assigned_to"]
        header = self._header("assigned_to")
        self.report.warn(
            plan.row,
            f"{header} '{who.strip()}' is the row's location: read as checked out to that "
            "location, with nobody assigned",
        )

    def _checked_out_to_a_thing(
        self,
        plan: RowPlan,
        given: dict[str, object],
        values: dict[str, object],
        current: dict[str, Any] | None,
        kind: str,
    ) -> None:
        """Snipe-IT's custom report says what "Checked Out To" names in its "Type"
        column: an asset ("Latitude 7440 (LAP-0042)", its name and tag) or a location
        ("Boardroom 3"). Either assigns nobody — we assign assets to people — and the row
        and the notes say what it was checked out to. It was read as a person: a new one
        called "Latitude 7440" whose user name is LAP-0042, or a refusal that said
        nothing of the checkout."""
        who = given.get("assigned_to")
        if not isinstance(who, str) or not who.strip():
            return
        text = " ".join(who.split())
        del given["assigned_to"]
        header = self._header("assigned_to")
        if kind == "asset":
            named = _SNIPE_PERSON.fullmatch(text) or _SNIPE_ASSET.fullmatch(text)
            tag = (named.groupdict().get("username") or named["tag"]) if named else text
            self.report.warn(
                plan.row,
                f"{header} '{text}' is the asset {tag.strip()} (Type: asset; Snipe-IT checks "
                "an asset out to another): nobody is assigned, and the notes say which "
                "asset it was with",
            )
            _add_to_notes(values, current, f"Checked out to asset: {text}")
            return
        self.report.warn(
            plan.row,
            f"{header} '{text}' is a location (Type: location): read as checked out to that "
            "location, with nobody assigned",
        )
        _add_to_notes(values, current, f"Checked out to location: {text}")

    def _snipe_it_checked_out_to(self) -> bool:
        """Whether the person column is Snipe-IT's "Checked Out To" (read once): it names
        a person as "Name (username)" in its full report, and an asset checked out to
        another asset as "(TAG) - Model"."""
        found = self.__dict__.get("_snipe_checkout")
        if found is None:
            header = " ".join(self._header("assigned_to").split()).casefold()
            found = self.__dict__["_snipe_checkout"] = header == "checked out to"
        return bool(found)

    def _snipe_it_checkout(
        self,
        plan: RowPlan,
        given: dict[str, object],
        values: dict[str, object],
        current: dict[str, Any] | None,
    ) -> None:
        """Snipe-IT's "Checked Out To" cell: "Zoë Müller (zmuller)" is the person whose
        user name is zmuller (it made a person called "Zoë Müller (zmuller)"); "(LAP-0042)
        - Latitude 7440", an asset checked out to another asset, assigns nobody — we
        assign assets to people — and says so on the row and in the notes (it made a
        person called "(LAP-0042) - Latitude 7440")."""
        who = given["assigned_to"]
        if not isinstance(who, str):
            return
        text = " ".join(who.split())
        if self.index.knows_person(text):
            return  # a person of the register is called that, brackets and all
        if asset := _SNIPE_ASSET.fullmatch(text):
            tag = asset["tag"].strip()
            del given["assigned_to"]
            header = self._header("assigned_to")
            self.report.warn(
                plan.row,
                f"{header} '{text}' is the asset {tag} (Snipe-IT checks an asset out to "
                "another): nobody is assigned, and the notes say which asset it was with",
            )
            _add_to_notes(values, current, f"Checked out to asset: {text}")
            return
        person = _SNIPE_PERSON.fullmatch(text)
        if person is not None:
            given["assigned_to"] = person["username"]
            if not given.get(PERSON_NAME):
                given[PERSON_NAME] = person["name"]

    def _person(
        self, username: object, email: object, name: object, current: uuid.UUID | None
    ) -> object:
        """The person a row's user name, e-mail and name cells give; _NOBODY if empty."""
        user, address, full = (parse.clean_text(c) or "" for c in (username, email, name))
        if not (user or address or full):
            return _NOBODY
        return self.index.person_by(user, address, full, current)

    def _custom(self, plan: RowPlan, given: dict[str, object]) -> dict[str, object]:
        if not self.report.new_fields and not self._custom_columns():
            return {}  # no column and no value for all rows gives a custom field
        result = self._new_custom(plan, given)
        return {**self._defined_custom(plan, given), **result}

    def _custom_columns(self) -> bool:
        """Whether a mapped column or a value for all rows names a custom field: a row's
        cells are by target, and only these targets can be custom fields (see _values)."""
        found = self._custom_targets
        if found is None:
            targets = (*self.mapped, *self.options.defaults)
            found = self._custom_targets = any(t.startswith(CUSTOM_PREFIX) for t in targets)
        return found

    def _new_custom(self, plan: RowPlan, given: dict[str, object]) -> dict[str, object]:
        """Values of the custom fields unknown columns become (see custom_columns)."""
        result: dict[str, object] = {}
        for target, new_field in self.report.new_fields.items():
            if target not in given:
                continue
            try:
                reader = partial(self._date, plan, target)
                raw = given[target]
                result[new_field.key] = new_value(
                    new_field, raw, reader, self._decimal_mark(target)
                )
                if new_field.type == "number":
                    self._say_marks(plan, target, raw)
            except ValueError as exc:
                self._problem(plan, target, str(exc))
        return result

    def _defined_custom(self, plan: RowPlan, given: dict[str, object]) -> dict[str, object]:
        keys = [k for k in given if k.startswith(CUSTOM_PREFIX)]
        if not keys:
            return {}
        category = self.index.categories.get(plan.category_id) if plan.category_id else None
        definitions = {d["key"]: d for d in (category.custom_fields if category else ())}
        result: dict[str, object] = {}
        for key in keys:
            name = key[len(CUSTOM_PREFIX) :]
            raw = given[key]
            definition = definitions.get(name)
            if definition is None:
                if raw is not None:
                    where = category.name if category else "this category"
                    self._problem(plan, key, f"'{name}' is not a custom field of {where}")
                continue
            try:
                value = _custom_input(
                    definition, raw, partial(self._date, plan, key), self._decimal_mark(key)
                )
            except ValueError as exc:
                self._problem(plan, key, str(exc))
                continue
            if definition.get("type") == "number":
                self._say_marks(plan, key, raw)
            checked, problem = coerce_custom_value(definition, value)
            if problem:
                self._problem(plan, key, problem.message)
            else:
                result[name] = checked
        return result


def _plain_tag(text: str) -> bool:
    """Whether ``text`` (trimmed, not empty, within the tag's length) is a usable tag as it
    is, in three string methods: printable ASCII but the space is what tag_problem's pattern
    allows (ASCII's printable characters are the space to the tilde). A tag this refuses
    goes through tag_problem for its message."""
    return text.isascii() and text.isprintable() and " " not in text


def _memo_key(raw: object, current: object) -> object:
    """A cell's key in its column's memo (see RowValues._once): the cell itself when it
    cannot equal a cell of another class and no stored value decides it (most cells: a
    lookup by the cell, no tuple made and hashed); else with its class (1, 1.0 and True
    are equal keys otherwise) and the stored value. A cell never equals a key of the
    second kind (a tuple of three whose first item is a class)."""
    if current is None and raw.__class__ in _BARE_KEYS:
        return raw
    return (raw.__class__, raw, current)


def _custom_input(
    definition: dict[str, Any],
    raw: object,
    reader: Callable[[object], object],
    decimal_mark: str | None = None,
) -> object:
    if raw is None:
        return None
    type_ = definition.get("type", "text")
    if type_ == "yesno":
        return parse.parse_yes_no(raw)
    if type_ == "date":
        return reader(raw)
    if type_ == "number":
        return parse.parse_amount(raw, decimal_mark)
    return parse.clean_text(raw)


def _looked_up(lookup: Callable[[str, Any], object], raw: object, current: object) -> object:
    text = parse.clean_text(raw)
    return None if text is None else lookup(text, current)


def _add_to_notes(values: dict[str, object], current: dict[str, Any] | None, line: str) -> None:
    """``line`` added to the row's notes (the file's, else the asset's own)."""
    own = values["notes"] if "notes" in values else (current or {}).get("notes")
    values["notes"] = notes_with_extras(own, line)
