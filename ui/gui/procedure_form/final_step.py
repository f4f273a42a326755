"""The question asked before a Decommission or a Dispose takes effect.

A technician on a new register (newuser21, keyboard only, under Xvfb) filled in Dispose
for LAP-000102 and pressed Ctrl+Enter: the laptop was disposed of at once, with no
question, though nothing can undo it (a disposed asset takes no further procedure, and a
decommissioned one only Dispose; history is never deleted). Ctrl+Enter is also what
records every other form, so a habit carried over from Change ended an asset's life.

The form now asks first when the step takes effect as soon as it is recorded; one that
waits for approvals can still be withdrawn and is not asked about. Cancel is the default
and the Esc button: an Enter out of habit keeps the form as it was; the named button
(Alt+D for Decommission, Alt+P for Dispose) records it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.domain.lifecycle import ProcedureKind
from desktop.wording import plural
from ui.gui.confirm_box import ask_before

#: Kinds whose effect cannot be undone, with what the question says they do.
FINAL_KINDS: dict[ProcedureKind, tuple[str, str]] = {
    ProcedureKind.DECOMMISSION: (
        "&Decommission",
        "takes {it} out of service for good: afterwards {it} can only be disposed of.",
    ),
    ProcedureKind.DISPOSE: (
        "Dis&pose",
        "records that {it} left the organisation: no procedure can follow.",
    ),
}


def is_final(kind: ProcedureKind, approvals_required: int) -> bool:
    """Whether recording ``kind`` now cannot be taken back (it does not wait for approval:
    a pending one can be withdrawn)."""
    return kind in FINAL_KINDS and approvals_required == 0


def ask_final_step(
    parent: QWidget,
    kind: ProcedureKind,
    tags: Sequence[str],
    on_confirmed: Callable[[], None],
) -> QMessageBox:
    """Ask (window-modal, not blocking) whether to record ``kind`` for ``tags``;
    ``on_confirmed`` runs only if the person chooses the named button. The question is
    deleted once answered: keep it only until its ``finished`` signal."""
    verb, effect = FINAL_KINDS[kind]
    subject = tags[0] if len(tags) == 1 else plural(len(tags), "asset")
    it = "it" if len(tags) == 1 else "them"
    listed = "" if len(tags) == 1 else f"{', '.join(tags)}. "
    return ask_before(
        parent,
        title=f"{kind.label} — Assetdesk",
        question=f"{kind.label} {subject}? This cannot be undone.",
        details=f"Recording {it} {effect.format(it=it)} {listed}Cancel keeps the form as it is.",
        verb=verb,
        on_confirmed=on_confirmed,
    )
