"""Receive & next: the Receive form kept for the next asset of the same delivery.

A technician receiving a box of laptops records one, and the form stays with what the
delivery shares — category, model, location, supplier, order, dates, cost, owning group,
ticket, reason, the delivery note — while what is the asset's own is cleared: its tag, its
serial number, its notes, and the checklist, which is ticked for each device anew.
"""

from __future__ import annotations

from ui.gui.procedure_form.form_view import FormView

#: The asset fields that belong to one asset, cleared for the next one.
OWN_FIELDS = ("tag", "serial_number", "notes")


def clear_for_next(view: FormView) -> None:
    """Clear the asset's own fields and the checklist; the focus goes to the tag."""
    for key in OWN_FIELDS:
        editor = view.asset_editors.get(key)
        if editor is not None:
            editor.set_value("")
    for check in view.checklist.values():
        check.setChecked(False)
    view.clear_errors()
    tag = view.asset_editors.get("tag")
    if tag is not None:
        tag.widget.setFocus()
