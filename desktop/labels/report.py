"""What a label job tells its user besides the labels: symbols that replaced the one asked
for, labels left out, lines with no room, and assets that are no longer in use.

The dialog and the command line show the same sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from desktop.domain.lifecycle import AssetStatus
from desktop.labels.geometry import PageLayout
from desktop.services.register_rows import AssetRow

#: How many tags a sentence names before it says "and N more".
NAMED = 5
RETIRED = (AssetStatus.DECOMMISSIONED, AssetStatus.DISPOSED)


def _named(values: Sequence[str]) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:NAMED])
    return shown + (f" and {len(values) - NAMED} more" if len(values) > NAMED else "")


def job_notes(pages: Iterable[object]) -> list[str]:
    """The notes of laid-out pages, one sentence per kind (calibration pages have none)."""
    laid = [p for p in pages if isinstance(p, PageLayout)]
    notes: list[str] = []
    by_note: dict[str, list[str]] = {}
    for page in laid:
        for label in page.labels:
            if label.note:
                by_note.setdefault(label.note, []).append(label.item.value)
    for note, values in by_note.items():
        count = len(values)
        notes.append(f"{count} label{'s' * (count != 1)} {_named(values)}: {note}.")
    skipped = [s for page in laid for s in page.skipped_labels]
    if skipped:
        count = len(skipped)
        reasons = "; ".join(s.reason for s in skipped[:NAMED])
        more = f" (and {count - NAMED} more)" if count > NAMED else ""
        notes.append(
            f"{count} label{'s' * (count != 1)} left out, the others print: {reasons}{more}."
        )
    # Which labels print without which lines (on a mixed sheet, often the ones a QR code
    # carries alone): named, so that the person can check those labels.
    by_lines: dict[tuple[str, ...], list[str]] = {}
    for page in laid:
        for label in page.labels:
            roles = tuple(sorted({o.split(" '")[0] for o in label.omitted}))
            if roles:
                by_lines.setdefault(roles, []).append(label.item.value)
    for roles, values in by_lines.items():
        count = len(values)
        what = " and ".join(_LINE_NAMES.get(role, f"the {role}") for role in roles)
        notes.append(
            f"{count} label{'s' * (count != 1)} {_named(values)}: no room on this template "
            f"for {what}; {'they print' if count != 1 else 'it prints'} without {_it(roles)}."
        )
    return notes


#: The lines a label may have no room for, as the notes name them.
_LINE_NAMES = {
    "field": "some field lines",
    "organisation": "the organisation line",
    "tag": "the tag in writing",
}


def _it(roles: tuple[str, ...]) -> str:
    return "them" if len(roles) > 1 or roles == ("field",) else "it"


def retired_notice(rows: Sequence[AssetRow]) -> str:
    """A warning when some of the assets are decommissioned or disposed ("" when none is)."""
    retired = [r for r in rows if r.status in {s.value for s in RETIRED}]
    if not retired:
        return ""
    count = len(retired)
    listed = ", ".join(
        f"{r.tag} ({AssetStatus(r.status).label.lower()})" for r in retired[:NAMED]
    ) + (f" and {count - NAMED} more" if count > NAMED else "")
    if len(rows) == 1:  # "1 of these asset is…" for a label of one disposed asset
        return (
            f"This asset is no longer in use: {listed}. "
            "Its label is printed too; leave it out if you did not mean it."
        )
    one = count == 1
    return f"{count} of these assets {'is' if one else 'are'} no longer in use: {listed}. " + (
        "Its label is printed too; leave it out if you did not mean it."
        if one
        else "Their labels are printed too; leave them out if you did not mean them."
    )
