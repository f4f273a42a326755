"""Parsing one row's cells into asset column values, with the problems found (the dry run)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.fields import CUSTOM_PREFIX, FIELDS_BY_KEY
from desktop.services.values import coerce_asset_value, coerce_custom_value
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
from desktop.spreadsheets.references import ReferenceIndex
from desktop.spreadsheets.report import ImportReport
from desktop.spreadsheets.statuses import parse_status

#: Asset columns by field key.
COLUMNS = {key: spec.column for key, spec in FIELDS_BY_KEY.items() if key != "last_audited_at"}
_TEXT_FIELDS = ("tag", "name", "serial_number", "order_number", "notes")
_DATE_FIELDS = ("purchase_date", "warranty_end")


class RowValues:
    """Turns a row's cells into values with the same rules as the procedure form."""

    session: Session
    options: ImportOptions
    index: ReferenceIndex
    mapped: dict[str, int]
    headers: tuple[str, ...]
    report: ImportReport

    def _date(self, plan: RowPlan, target: str, raw: object) -> object:
        """A date cell read in its column's order (see :mod:`desktop.spreadsheets.dates`)."""
        column = self.report.dates.get(target)
        if column is None:
            return read_date(raw, self.options.date_order)
        value = column.read(raw)
        if warning := column.warning(plan.row, raw):
            self.report.warn(plan.row, warning)
        return value

    def _header(self, target: str) -> str:
        column = self.mapped.get(target)
        return self.headers[column] if column is not None else target_label(target)

    def _problem(self, plan: RowPlan, target: str, message: str) -> None:
        plan.problems.append(RowProblem(plan.row, self._header(target), message))

    def _values(
        self, plan: RowPlan, given: dict[str, object], current: dict[str, Any] | None
    ) -> tuple[dict[str, object], dict[str, object]]:
        """Parse every mapped cell into a column value; problems are noted on the plan."""
        values: dict[str, object] = {}
        index = self.index
        extra = given.pop(EXTRA_NOTES, None)
        if isinstance(extra, str) and extra:
            own = given["notes"] if "notes" in given else (current or {}).get("notes")
            given["notes"] = notes_with_extras(own, extra)
        for key in _TEXT_FIELDS:
            if key in given:
                value, problem = coerce_asset_value(
                    self.session, FIELDS_BY_KEY[key], parse.clean_text(given[key])
                )
                if problem:
                    self._problem(plan, key, problem.message)
                else:
                    values[key] = value
        for key in _DATE_FIELDS:
            if key in given:
                raw = given[key]
                try:
                    values[key] = None if raw is None else self._date(plan, key, raw)
                except ValueError as exc:
                    self._problem(plan, key, str(exc))
        if "purchase_cost" in given and (raw := given["purchase_cost"]) is not None:
            try:
                amount = parse.parse_amount(raw)
            except ValueError as exc:
                self._problem(plan, "purchase_cost", str(exc))
            else:
                value, problem = coerce_asset_value(
                    self.session, FIELDS_BY_KEY["purchase_cost"], amount
                )
                if problem:
                    self._problem(plan, "purchase_cost", problem.message)
                else:
                    values["purchase_cost"] = value
        elif "purchase_cost" in given:
            values["purchase_cost"] = None
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
        if "status" in given and given["status"] is not None:
            try:
                values["status"] = parse_status(
                    parse.clean_text(given["status"]) or "", self.options.status_words
                ).value
            except ValueError as exc:
                self._problem(plan, "status", str(exc))
        lookups = (
            ("category", lambda text, cur: index.category(text)),
            ("location", index.location),
            ("owning_group", lambda text, cur: index.group(text)),
            ("supplier", lambda text, cur: index.supplier(text)),
        )
        for key, lookup in lookups:
            if key not in given:
                continue
            text = parse.clean_text(given[key])
            if text is None:
                values[key] = None
                continue
            try:
                values[key] = lookup(text, (current or {}).get(COLUMNS[key]))
            except ValueError as exc:
                self._problem(plan, key, str(exc))
        if {"assigned_to", PERSON_EMAIL, PERSON_NAME} & set(given):
            self._assignee(plan, given, values, current)
        if "model" in given:
            name = parse.clean_text(given["model"])
            if name is None:
                values["model"] = None
            else:
                try:
                    values["model"] = index.model(
                        name,
                        parse.clean_text(given.get(MANUFACTURER)) or "",
                        parse.clean_text(given.get(MODEL_NUMBER)) or "",
                        (current or {}).get("model_id"),
                    )
                except ValueError as exc:
                    self._problem(plan, "model", str(exc))
        category_id = values.get("category") or (current or {}).get("category_id")
        plan.category_id = category_id if isinstance(category_id, uuid.UUID) else None
        self._model_fits_category(plan, given, values, current)
        custom = self._custom(plan, given)
        return values, custom

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
        model_category = self.index.model_category.get(model_id)
        if model_category is None or model_category == plan.category_id:
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
        username, email, name = (
            parse.clean_text(given.get(k)) or "" for k in ("assigned_to", PERSON_EMAIL, PERSON_NAME)
        )
        if not (username or email or name):
            if "assigned_to" in given:
                values["assigned_to"] = None
            return
        try:
            values["assigned_to"] = self.index.person_by(
                username, email, name, (current or {}).get("assigned_to_id")
            )
        except ValueError as exc:
            column = next(k for k in ("assigned_to", PERSON_EMAIL, PERSON_NAME) if k in given)
            self._problem(plan, column, str(exc))

    def _custom(self, plan: RowPlan, given: dict[str, object]) -> dict[str, object]:
        result = self._new_custom(plan, given)
        return {**self._defined_custom(plan, given), **result}

    def _new_custom(self, plan: RowPlan, given: dict[str, object]) -> dict[str, object]:
        """Values of the custom fields unknown columns become (see custom_columns)."""
        result: dict[str, object] = {}
        for target, new_field in self.report.new_fields.items():
            if target not in given:
                continue
            try:
                reader = partial(self._date, plan, target)
                result[new_field.key] = new_value(new_field, given[target], reader)
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
                value = _custom_input(definition, raw, partial(self._date, plan, key))
            except ValueError as exc:
                self._problem(plan, key, str(exc))
                continue
            checked, problem = coerce_custom_value(definition, value)
            if problem:
                self._problem(plan, key, problem.message)
            else:
                result[name] = checked
        return result


def _custom_input(
    definition: dict[str, Any], raw: object, reader: Callable[[object], object]
) -> object:
    if raw is None:
        return None
    type_ = definition.get("type", "text")
    if type_ == "yesno":
        return parse.parse_yes_no(raw)
    if type_ == "date":
        return reader(raw)
    if type_ == "number":
        return parse.parse_amount(raw)
    return parse.clean_text(raw)
