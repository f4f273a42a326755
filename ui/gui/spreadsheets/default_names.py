"""Completion for the import's "Value for all rows": the register's own names offered as
they are typed ("infra" offers "Infrastructure"; a new user typed "Infra", saw nothing,
and had to know the group's whole name). A name not offered is still taken: with
"Create missing…" ticked it is created."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLineEdit

from desktop.services.audits import category_choices, location_choices
from desktop.services.reference_queries import list_groups, list_suppliers
from desktop.storage.folding import fold
from ui.gui.folding_completer import FOLDED_ROLE, FoldingCompleter


def known_names(session: Session) -> dict[str, list[str]]:
    """The names a default may take, by import target (a location by its whole path)."""
    return {
        "category": [c.label for c in category_choices(session)],
        "location": [c.label for c in location_choices(session)],
        "supplier": sorted(s.name for s in list_suppliers(session)),
        "owning_group": [g.name for g in list_groups(session)],
    }


def offer_known_names(edits: Mapping[str, QLineEdit], names: Mapping[str, list[str]]) -> None:
    """Each field of ``edits`` completes from its target's ``names``, on any part of a
    name, accents and case ignored (as the procedure form's pick lists do)."""
    for target, edit in edits.items():
        if not names.get(target):
            continue
        model = QStandardItemModel()
        for name in names[target]:
            item = QStandardItem(name)
            item.setData(fold(name), FOLDED_ROLE)
            model.appendRow(item)
        completer = FoldingCompleter(model, edit)
        model.setParent(completer)
        # The sheet read before left its own completer (its names may have changed):
        # QLineEdit.setCompleter deletes it, as the edit is its parent (a deleteLater here
        # raised "already deleted" and cut the reading of the sheet short on Back, Next).
        edit.setCompleter(completer)
