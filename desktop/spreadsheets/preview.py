"""The dry run in words and values: what each new or changed asset will hold.

Shown by the wizard, the command line's summary and its ``--json``: the file-wide notes
(sheet chosen, how date columns are read), every column's fate, and for new and changed
assets the value each field will get — the first rows, and every row with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.spreadsheets.model import REJECTED, ImportPlan, RowAction
from desktop.spreadsheets.plan_updates import creation_changes
from desktop.wording import plural

#: How many new or changed rows are shown with their values (plus every row with a warning).
FIRST_ROWS = 10


@dataclass(frozen=True)
class RowValuesPreview:
    """One new or changed asset: (field label, value) pairs and the row's warnings."""

    row: int
    tag: str
    action: RowAction
    values: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]

    def text(self) -> str:
        shown = "; ".join(
            f"{label}: {' / '.join(value.splitlines())}" for label, value in self.values
        )
        return f"row {self.row} {self.tag or '(tag generated)'}: {shown}"


def value_previews(plan: ImportPlan, first: int = FIRST_ROWS) -> list[RowValuesPreview]:
    """The first ``first`` new or changed rows and every row with a warning."""
    result = []
    shown = 0
    warnings = plan.report.warnings
    # A new custom field by its label ("Last update (previous tool)"), not its key.
    labels = {CUSTOM_PREFIX + f.key: f.label for f in plan.report.new_fields.values()}
    for row in plan.rows:
        if row.action not in (RowAction.CREATE, RowAction.UPDATE):
            continue
        if shown >= first and row.row not in warnings:
            continue
        shown += 1
        if row.action is RowAction.CREATE:
            values = tuple(
                (labels.get(c.field, c.label), c.after_text) for c in creation_changes(plan, row)
            )
        else:
            values = tuple(
                (labels.get(c.field, c.label), f"{c.before_text or '—'} → {c.after_text or '—'}")
                for c in row.changes
            )
        result.append(
            RowValuesPreview(row.row, row.tag, row.action, values, tuple(warnings.get(row.row, ())))
        )
    return result


def order_lines_once(previews: Sequence[tuple[int, str]]) -> list[str]:
    """Each (row, text) preview's text; a purchase order's line of Qty n (n new assets of
    one row, all alike) once, saying so: "row 5 (tag generated) × 3 new assets: …" — it
    was the same line three times."""
    merged: list[tuple[int, str, int]] = []
    for row, text in previews:
        if merged and merged[-1][:2] == (row, text):
            merged[-1] = (row, text, merged[-1][2] + 1)
        else:
            merged.append((row, text, 1))
    return [
        text.replace(":", f" × {count} new assets:", 1) if count > 1 else text
        for _, text, count in merged
    ]


def rows_waiting(count: int) -> str:
    """'1 row waits' / '3 rows wait'."""
    return "1 row waits" if count == 1 else f"{count} rows wait"


#: Up to this many new tags are named after an import; more are a count.
NAMED_TAGS = 5


def received(tags: Sequence[str]) -> str:
    """'1 asset received (SRV-000043)', '3 assets received (…, …, …)', '250 assets received'."""
    named = f" ({', '.join(tags)})" if 0 < len(tags) <= NAMED_TAGS else ""
    return f"{plural(len(tags), 'asset')} received{named}"


def approval_summary(plan: ImportPlan) -> str:
    """'2 rows wait for approval: …' for the dry run's summary, or '' when none does."""
    pending = plan.pending
    if not pending:
        return ""
    return (
        f"{rows_waiting(len(pending))} for approval: their procedure is recorded as pending and the asset is left "
        "as it is until approvers approve it (assetdesk approvals list)"
    )


def approval_lines(plan: ImportPlan, first: int = FIRST_ROWS) -> list[str]:
    """The summary and the first ``first`` pending rows, for the command line."""
    summary = approval_summary(plan)
    if not summary:
        return []
    lines = [summary[0].upper() + summary[1:] + ":"]
    for row in plan.pending[:first]:
        assert row.approval is not None
        lines.append(f"  row {row.row} {row.tag or '(tag generated)'}: {row.approval.text()}")
    if len(plan.pending) > first:
        lines.append(f"  … and {len(plan.pending) - first:,} more (--json lists them all)")
    return lines


def approval_details(plan: ImportPlan) -> list[dict[str, Any]]:
    """Every pending row for ``--json``."""
    result = []
    for row in plan.pending:
        approval = row.approval
        assert approval is not None and approval.pending is not None
        result.append(
            {
                "row": row.row,
                "tag": row.tag,
                "action": row.action.value,
                "kind": approval.pending[0].value,
                "approvals_required": approval.approvals,
                "not_recorded": [kind.value for kind in approval.left_out],
                "message": approval.text(),
            }
        )
    return result


def plan_details(plan: ImportPlan) -> dict[str, Any]:
    """The dry run's decisions and values for ``--json``."""
    report = plan.report
    return {
        "notes": report.notes(),
        "sheet_choice": report.sheet_note,
        "formula_only_rows": list(report.formula_rows),
        "totals_rows": list(report.totals_rows),
        "columns": [{"header": f.header, "target": f.target, "fate": f.text} for f in report.fates],
        "dates": [
            {
                "column": d.header,
                "field": target,
                "order": d.order.value,
                "decided_by": d.decided_by,
                "evidence": d.evidence,
                "conflict": d.conflict,
                "examples": [{"row": r, "text": t, "read": v} for r, t, v in d.examples],
            }
            for target, d in report.dates.items()
        ],
        "values": [
            {
                "row": p.row,
                "tag": p.tag,
                "action": p.action.value,
                "values": dict(p.values),
                "warnings": list(p.warnings),
            }
            for p in value_previews(plan)
        ],
        "pending_approval": approval_details(plan),
        "warnings": [
            {"row": row, "message": text}
            for row, texts in sorted(report.warnings.items())
            for text in texts
        ],
    }


def detail_lines(plan: ImportPlan) -> list[str]:
    """The same for the command line's text summary."""
    report = plan.report
    lines = [f"Note: {n}" for n in report.notes()]
    lines.append("Columns:")
    lines += [f"  {f.header}: {f.text}" for f in report.fates]
    lines += approval_lines(plan)
    previews = value_previews(plan)
    if previews:
        lines.append(
            f"Values (the first {FIRST_ROWS} new or changed rows and rows with a warning):"
        )
        lines += order_lines_once(
            [
                (p.row, "  " + p.text() + "".join(f"\n    warning: {w}" for w in p.warnings))
                for p in previews
            ]
        )
    lines += other_warning_lines(plan)
    return lines


#: Up to this many unchanged or refused rows with a warning are listed in the text summary.
OTHER_WARNED_ROWS = 50


def other_warning_lines(plan: ImportPlan, first: int = OTHER_WARNED_ROWS) -> list[str]:
    """The warnings of rows that have no values to show (unchanged or refused): a
    re-imported Snipe-IT row's status note says what the row's words were read as even
    when nothing changes. ``--json`` lists them all under "warnings"."""
    warnings = plan.report.warnings
    if not warnings:
        return []
    rows = [
        r
        for r in plan.rows
        if r.action not in (RowAction.CREATE, RowAction.UPDATE) and warnings.get(r.row)
    ]
    if not rows:
        return []
    lines = ["Warnings on unchanged and refused rows:"]
    for row in rows[:first]:
        fate = "refused" if row.action in REJECTED else row.action.value
        lines.append(f"  row {row.row} {row.tag or '(no tag)'}: {fate}")
        lines += [f"    warning: {w}" for w in warnings[row.row]]
    if len(rows) > first:
        lines.append(f"  … and {len(rows) - first:,} more (--json lists them all)")
    return lines
