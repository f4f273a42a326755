"""An update's plan: a row of the file matched to an asset of the register.

What changes (each field's before and after, as the change procedure records it), the
lifecycle's word on it (a status move, a retired asset's fields, a retirement waiting
for approval already) and the version the file was exported at (a conflict). Part of
the dry run (:mod:`desktop.spreadsheets.plan`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from desktop.domain.fields import FIELDS_BY_KEY, custom_field_labels
from desktop.domain.lifecycle import (
    PROCEDURE_NOUNS,
    AssetStatus,
    ProcedureKind,
    decommissioned_change_problem,
    status_move_problem,
)
from desktop.services.lifecycle_rules import pending_procedures, waiting_procedure_problem
from desktop.services.procedures import FieldChange
from desktop.services.values import json_value
from desktop.spreadsheets import cells as parse
from desktop.spreadsheets.columns import VERSION
from desktop.spreadsheets.history import retirement_steps
from desktop.spreadsheets.model import ImportPlan, RowAction, RowPlan, RowProblem
from desktop.spreadsheets.references import PendingReference, ReferenceIndex
from desktop.spreadsheets.row_values import COLUMNS, RowValues

#: Asset columns the plan compares, by field key.
FIELD_ORDER = {key: n for n, key in enumerate(FIELDS_BY_KEY)}


def creation_changes(plan: ImportPlan, row: RowPlan) -> list[FieldChange]:
    """What a new asset's procedures will record: every value, from empty."""
    index = plan.names
    assert index is not None
    changes = [_change(index, key, None, value) for key, value in row.values.items()]
    if row.custom:
        titles = _custom_titles(index, row.category_id)
        changes += [FieldChange.custom(k, None, v, titles) for k, v in row.custom.items()]
    if row.follow_up is not None:
        changes.append(_change(index, "status", None, row.follow_up.value))
    return changes


class UpdatePlanner(RowValues):
    """The dry run's rows matched to assets (the planner's updates)."""

    def _plan_update(
        self,
        plan: RowPlan,
        values: dict[str, object],
        custom: dict[str, object],
        current: dict[str, Any],
        version_cell: object,
    ) -> None:
        plan.asset_id = current["id"]
        plan.version = current["version"]
        if not self.options.blank_clears:  # a blank cell keeps the stored value
            values = {k: v for k, v in values.items() if v not in (None, "")}
            custom = {k: v for k, v in custom.items() if v not in (None, "")}
        if values.get("tag") is None:
            values.pop("tag", None)  # a blank tag cell never removes the tag
        if values.get("category", 1) is None:
            self._problem(plan, "category", "an asset's category cannot be removed")
        if values.get("status", 1) is None:
            values.pop("status")
        changed = {
            k: v
            for k, v in values.items()
            if _comparable(current.get(COLUMNS[k])) != _comparable(v)
        }
        if "name" in changed and changed["name"] is None:
            changed["name"] = ""
        stored_custom = dict(current.get("custom_fields") or {})
        changed_custom = {k: v for k, v in custom.items() if stored_custom.get(k) != v}
        changed = dict(sorted(changed.items(), key=lambda kv: FIELD_ORDER[kv[0]]))
        plan.values, plan.custom = changed, changed_custom
        plan.changes = [self._change(k, current.get(COLUMNS[k]), v) for k, v in changed.items()]
        if changed_custom:
            titles = _custom_titles(self.index, plan.category_id)
            plan.changes += [
                FieldChange.custom(k, stored_custom.get(k), v, titles)
                for k, v in changed_custom.items()
            ]
        if not plan.changes:
            plan.action = RowAction.UNCHANGED
            return
        target = AssetStatus(str(changed["status"])) if "status" in changed else None
        before = AssetStatus(current["status"])
        steps = retirement_steps(before, target)
        if steps:  # an update to archived or disposed: recorded as decommission (+ dispose)
            plan.follow_up = target
            reason = None
            for kind, after in steps:
                reason = reason or status_move_problem(kind, before, after)
                before = after
            if reason is None:  # a retirement already waiting for approval is not doubled
                waiting = waiting_procedure_problem(
                    self.session, steps[0][0], current["id"], current["tag"]
                )
                reason = waiting.message if waiting is not None else None
                if reason is not None and self._already_asked(plan, steps, current):
                    return
        else:
            reason = status_move_problem(ProcedureKind.CHANGE, before, target)
            fields = [change.field for change in plan.changes]
            retired = decommissioned_change_problem(ProcedureKind.CHANGE, before, fields)
            if retired is not None and not reason:
                self._problem(plan, *retired)
        if reason and current["status"] == AssetStatus.DISPOSED:
            # Nothing may change: name the cells this row changes (its notes, say), not
            # the status column it may have left as it was.
            for change in plan.changes:
                self._problem(plan, change.field, reason)
        elif reason:
            self._problem(plan, "status", reason)
        plan.action = RowAction.UPDATE
        if version_cell is not None:
            try:
                version = parse.parse_integer(version_cell)
            except ValueError as exc:
                self._problem(plan, VERSION, str(exc))
                return
            if version != current["version"]:
                plan.action = RowAction.CONFLICT
                plan.problems.append(
                    RowProblem(
                        plan.row,
                        self.headers[self.mapped[VERSION]],
                        f"asset {current['tag']} was changed in the database since this file was "
                        f"exported (version {version}, now {current['version']}): save the "
                        "error workbook (it gives the row the current version and names the "
                        "cells that differ), check the row and import that workbook",
                    )
                )

    def _already_asked(
        self,
        plan: RowPlan,
        steps: Sequence[tuple[ProcedureKind, AssetStatus]],
        current: dict[str, Any],
    ) -> bool:
        """Whether the row asks only for the retirement that already waits for approval
        on its asset (the same file imported again after its first import left it
        pending): the row is then unchanged, said on it — it refused the whole file."""
        if len(steps) != 1 or [c.field for c in plan.changes] != ["status"]:
            return False
        kind = steps[0][0]
        waiting = pending_procedures(self.session, [current["id"]]).get(current["id"], [])
        if not any(w_kind == kind.value for _, w_kind in waiting):
            return False
        plan.action = RowAction.UNCHANGED
        plan.values, plan.custom, plan.changes, plan.follow_up = {}, {}, [], None
        self.report.warn(
            plan.row,
            f"{PROCEDURE_NOUNS.get(kind, kind.value)} of {current['tag']} already waits for "
            "approval, as this row asks: left as it is (the approvers decide it)",
        )
        return True

    def _change(self, key: str, before: object, after: object) -> FieldChange:
        return _change(self.index, key, before, after)


def _change(index: ReferenceIndex, key: str, before: object, after: object) -> FieldChange:
    return FieldChange(
        field=key,
        before=json_value(before),
        after=after.text if isinstance(after, PendingReference) else json_value(after),
        before_text=_display(index, key, before),
        after_text=_display(index, key, after),
    )


def _custom_titles(index: ReferenceIndex, category_id: object) -> dict[str, str]:
    category = index.categories.get(category_id) if isinstance(category_id, uuid.UUID) else None
    return custom_field_labels(category.custom_fields if category is not None else None)


def _display(index: ReferenceIndex, key: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if key == "status":
        return AssetStatus(str(value)).label
    if isinstance(value, uuid.UUID | PendingReference):
        return index.text(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _comparable(value: object) -> object:
    if value == "":
        return None
    return value
