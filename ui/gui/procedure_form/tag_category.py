"""A new asset's category filled from its tag's prefix, on the Receive form.

A tag typed, scanned or handed over by the main window ("Receive a new asset with tag
LAP-000124") names its category by its prefix. The category is filled while the person has
not chosen one themselves: a category they picked is never overwritten, and one filled
from an earlier tag follows the tag as it is corrected.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from desktop.services.reference_queries import Choice
from ui.gui.procedure_form.editors import FieldEditor
from ui.gui.procedure_form.form_data import category_for_tag


class CategoryFromTag:
    """Fills ``category`` from ``tag`` whenever the tag changes (see the module)."""

    def __init__(
        self, tag: FieldEditor, category: FieldEditor, categories: Sequence[Choice]
    ) -> None:
        self._tag, self._category = tag, category
        self._categories = tuple(categories)
        self._filled: uuid.UUID | None = None  # what this filled in (not the person)
        tag.changed.connect(self.follow_tag)

    def follow_tag(self) -> None:
        current = self._category.value()
        if current is not None and current != self._filled:
            return  # the person chose it
        found = category_for_tag(str(self._tag.value() or ""), self._categories)
        if found is not None and found != current:
            self._category.set_value(found)
            self._filled = found
