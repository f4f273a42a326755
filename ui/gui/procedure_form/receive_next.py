"""Receive & next: the Receive form kept for the next asset of the same delivery.

A technician receiving a box of laptops records one, and the form stays with what the
delivery shares — category, model, name, location, supplier, order, dates, cost, owning
group, ticket, reason, the delivery note — while what is the asset's own is cleared: its
tag, its serial number, its notes, and the checklist, which is ticked for each device anew.

A delivery may hold more than one kind of thing (laptops and their docking stations): when
the next tag (or the person) names another category, the kept name and model describe the
wrong kind of asset, so they are emptied — the name field then says the asset is named
after its model — and come back if the category returns to the kept one (a tag corrected).
What fits any asset of the delivery (location, supplier, order, dates, …) stays.
"""

from __future__ import annotations

import uuid

from ui.gui.procedure_form.form_view import FormView

#: The asset fields that belong to one asset, cleared for the next one.
OWN_FIELDS = ("tag", "serial_number", "notes")
#: The kept fields that describe one kind of asset: emptied when the category changes.
KIND_FIELDS = ("name", "model")


class NextAsset:
    """The Receive form's fields cleared and kept for the next asset (see the module)."""

    def __init__(self, view: FormView) -> None:
        self._view = view
        self._category: uuid.UUID | None = None  # the recorded asset's, kept for the next
        self._kept: dict[str, object] = {}  # its name and model, while the form has them
        category = view.asset_editors.get("category")
        if category is not None:
            # After FormView's own listener: the model list already offers the new kind's.
            category.changed.connect(self._category_changed)

    def clear_for_next(self) -> None:
        """Clear the asset's own fields and the checklist; the focus goes to the tag."""
        view = self._view
        for key in OWN_FIELDS:
            editor = view.asset_editors.get(key)
            if editor is not None:
                editor.set_value("")
        for check in view.checklist.values():
            check.setChecked(False)
        view.clear_errors()
        category = view.asset_editors.get("category")
        value = category.value() if category is not None else None
        self._category = value if isinstance(value, uuid.UUID) else None
        self._kept = {
            key: editor.value()
            for key in KIND_FIELDS
            if (editor := view.asset_editors.get(key)) is not None and not editor.is_empty()
        }
        tag = view.asset_editors.get("tag")
        if tag is not None:
            tag.widget.setFocus()

    def _category_changed(self) -> None:
        if self._category is None or not self._kept:
            return
        editor = self._view.asset_editors["category"]
        back = editor.value() == self._category
        for key, kept in self._kept.items():
            field = self._view.asset_editors[key]
            if not back and field.value() == kept:
                field.set_value(None if key == "model" else "")
            elif back and field.is_empty():
                field.set_value(kept)
        self._view.changed.emit()
