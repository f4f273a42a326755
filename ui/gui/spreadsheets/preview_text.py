"""The import wizard's dry run in words: the file-wide notes beside the preview table
(sheet chosen, how dates and Ralph's status codes are read, what is created, which
columns are not imported), and the refused rows and values below it; the summary above
the dry run and the one on the result page after the import."""

from __future__ import annotations

from desktop.domain.fields import CUSTOM_PREFIX
from desktop.spreadsheets.commit_rows import ImportResult
from desktop.spreadsheets.counts_wording import counts_said
from desktop.spreadsheets.import_choices import defaults_description
from desktop.spreadsheets.mapping import EXTRA_NOTES, RALPH_IDS
from desktop.spreadsheets.model import ImportPlan, RowAction, RowPlan
from desktop.spreadsheets.preview import (
    approval_summary,
    order_lines_once,
    received,
    rows_waiting,
    value_previews,
)
from desktop.spreadsheets.unmapped import unmapped_said
from desktop.wording import plural

#: Refused rows listed in full under the dry run (all are in the error workbook).
MAX_REFUSED_SHOWN = 50
#: New reference data named one by one (then "and N more").
MAX_REFERENCES_SHOWN = 12


def plan_notes(plan: ImportPlan) -> list[str]:
    """The notes on the whole file, one a line."""
    parts = list(plan.report.notes())
    if waiting := approval_summary(plan):
        parts.append(waiting[0].upper() + waiting[1:] + ".")
    if plan.new_references:
        listed = ", ".join(n.description for n in plan.new_references[:MAX_REFERENCES_SHOWN])
        more = len(plan.new_references) - MAX_REFERENCES_SHOWN
        parts.append(
            "New reference data to create: " + listed + (f" and {more} more" if more > 0 else "")
        )
        if plan.references_refused:
            parts.append(plan.references_refused)
    if plan.options.defaults:
        parts.append(
            "Values for new assets whose row gives none: "
            + defaults_description(plan.options.defaults)
        )
    first, unread = plan.header_index + 1, plan.table.unread_formulas
    if unmapped := unmapped_said(plan.mapping, plan.table.rows, first, unread):
        parts.append("Columns not imported: " + ", ".join(unmapped))
    to_notes = [
        f.header
        + (f" ({plural(len(f.notes_rows), 'row')})" if f.target != EXTRA_NOTES else "")
        + (f" ({RALPH_IDS})" if f.text.startswith(RALPH_IDS) else "")
        for f in plan.report.fates
        if f.target == EXTRA_NOTES or f.notes_rows
    ]
    if to_notes:
        parts.append("Added to the notes: " + ", ".join(to_notes))
    return parts


def values_heading(plan: ImportPlan) -> str:
    """The heading of the box :func:`preview_values` fills: refused rows named only when
    there are some (it said "Refused rows and why" above a file with none)."""
    values = "the values the new and changed assets will get (first rows and rows with a warning)"
    if plan.rejected:
        return f"Refused rows and why; {values}:"
    return values[0].upper() + values[1:] + ":"


def _refused(plan: ImportPlan, row: RowPlan) -> str:
    """ "row 7 ACM-006: refused: Status: …" with each problem in full, and the row's
    warnings: the Problems cell counts them ("2 problems"), and a refused row has no value
    preview that would say them."""
    return (
        f"row {row.row}{' ' + row.tag if row.tag else ''}: refused: "
        + "; ".join(f"{x.column}: {x.message}" for x in row.problems)
        + "".join(f"\n    warning: {w}" for w in plan.report.warnings.get(row.row, []))
    )


def preview_values(plan: ImportPlan) -> str:
    """Refused rows first, each problem in full (the table's Problems cell is narrow and
    cut them to "Status: the asset is …"), then the values rows will get."""
    refused = [_refused(plan, r) for r in plan.rejected[:MAX_REFUSED_SHOWN]]
    if len(plan.rejected) > MAX_REFUSED_SHOWN:
        refused.append(f"and {plural(len(plan.rejected) - MAX_REFUSED_SHOWN, 'more refused row')}")
    values = order_lines_once(
        [
            (p.row, p.text() + "".join(f"\n    warning: {w}" for w in p.warnings))
            for p in value_previews(plan)
        ]
    )
    if not refused and not values and plan.rows:
        # (the box stayed empty under its heading when a re-imported export changed nothing)
        return (
            f"None: {plural(len(plan.rows), 'row')} of the file "
            f"{'holds' if len(plan.rows) == 1 else 'hold'} what the register holds "
            "already. Nothing to import."
        )
    return "\n".join([*refused, *values])


def plan_summary(plan: ImportPlan) -> str:
    """The dry run's first line (rich text): the file, its rows, what each action counts
    and how many wait for approval. A purchase order's line of Qty n is n items (n new
    assets): the rows of the file come first."""
    file_rows = len({r.row for r in plan.rows})
    items = f", as {len(plan.rows):,} items" if file_rows != len(plan.rows) else ""
    return (
        f"<b>{plan.where}</b>: {plural(file_rows, 'row')}{items} — "
        + counts_said(plan.counts())
        + (f"; {plural(len(plan.pending), 'waits|wait')} for approval" if plan.pending else "")
    )


def import_mode_said(plan: ImportPlan, valid_only: bool) -> str:
    """What Import will do with the rows the dry run rejected, in the mode chosen: said in
    place of the refusal of the other mode (after "Nothing was imported: fix them, or
    import the valid rows only", choosing the valid rows left that line up, newuser21)."""
    counts = plan.counts()
    rejected = plural(len(plan.rejected), "rejected row")
    if not valid_only:
        return (
            f"Import will import nothing while the dry run has {rejected}: fix "
            f"{'it' if len(plan.rejected) == 1 else 'them'}, or import the valid rows only."
        )
    return (
        f"Import will write the valid rows only ({counts['create']:,} create, "
        f"{counts['update']:,} update) and leave out the {rejected}; the result page saves "
        f"{'it' if len(plan.rejected) == 1 else 'them'} in an error workbook."
    )


def import_summary(result: ImportResult, where: str) -> str:
    """The result page's words after an import of the file ``where``, one a line."""
    lines = [
        f"{received(result.created_tags)}, {result.updated:,} changed, "
        f"{result.unchanged:,} unchanged; {plural(result.procedures, 'procedure')} recorded "
        f"(origin: {where})."
    ]
    if result.pending:
        lines.append(
            f"{rows_waiting(result.pending)} for approval: their procedures are pending in the "
            "approvals inbox, and those assets change when the last approval arrives."
        )
    if created := result.created_references:
        # The rest counted, as the dry run does: the people after 20 others were left
        # unsaid (a Snipe-IT export's three people, after its categories and models).
        more = len(created) - 20
        lines.append(
            "Created: " + ", ".join(created[:20]) + (f" and {more} more" if more > 0 else "")
        )
    if result.rejected:
        lines.append(
            f"{plural(len(result.rejected), 'row was|rows were')} left out: "
            "save the error workbook, fix "
            + ("it" if len(result.rejected) == 1 else "them")
            + " and import that workbook."
        )
    return "\n".join(lines)


def import_details(plan: ImportPlan, result: ImportResult) -> str:
    """The result page's list under its summary: each row left out and why, then each
    asset changed and how. The page said "2 changed" and "2 rows were left out: save the
    error workbook", and its default button, Close, took which and why away unsaid: a
    finance round trip under Xvfb (newuser26) never learned that its write-off of ACM-006
    was refused for want of wipe evidence, nor saw its price change confirmed."""
    lines = []
    if result.rejected:
        lines.append("Left out, not imported (Save error workbook… keeps them to fix and import):")
        lines += [_refused(plan, row) for row in result.rejected[:MAX_REFUSED_SHOWN]]
        if (more := len(result.rejected) - MAX_REFUSED_SHOWN) > 0:
            lines.append(f"and {plural(more, 'more row')}")
    changed = [r for r in plan.rows if r.action is RowAction.UPDATE]
    if changed:
        # A new custom field by its label ("Last update (previous tool)"), not its key.
        labels = {CUSTOM_PREFIX + f.key: f.label for f in plan.report.new_fields.values()}
        lines.append("Changed:" if not lines else "\nChanged:")
        lines += [
            f"row {r.row} {r.tag}: "
            + "; ".join(
                f"{labels.get(c.field, c.label)}: {c.before_text or '—'} → {c.after_text or '—'}"
                for c in r.changes
            )
            + (" (waits for approval)" if r.pending_approval else "")
            for r in changed[:MAX_REFUSED_SHOWN]
        ]
        if (more := len(changed) - MAX_REFUSED_SHOWN) > 0:
            lines.append(f"and {plural(more, 'more changed asset')}")
    return "\n".join(lines)
