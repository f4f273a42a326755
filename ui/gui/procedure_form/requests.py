"""From a filled-in form to procedure requests (one per asset), and the form's own checks."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal

from desktop.domain.fields import CUSTOM_PREFIX, FieldType
from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import Problem
from desktop.services.procedures import ProcedureRequest
from ui.gui.procedure_form.add_reference import offered_here
from ui.gui.procedure_form.editors import FieldEditor
from ui.gui.procedure_form.form_data import FormAsset
from ui.gui.procedure_form.form_view import FormView


def comparable(value: object) -> object:
    """Values as the form and the database hold them, made comparable."""
    if value is None:
        return ""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return value


def initial_values(asset: FormAsset) -> dict[str, object]:
    values = dict(asset.values)
    values.update({CUSTOM_PREFIX + k: v for k, v in asset.custom.items()})
    return values


def prefill(view: FormView) -> None:
    """Show the asset's current values when the form is about one asset."""
    assets = view.context.assets
    if len(assets) != 1:
        return
    current = initial_values(assets[0])
    current.update(view.context.defaults.get(assets[0].id, {}))
    for key, editor in {**view.asset_editors, **view.custom_editors}.items():
        editor.set_value(current.get(key))


def _with_chosen_location(view: FormView, values: dict[str, object]) -> dict[str, object]:
    """A decommission form asks where the asset now is: the place shown is a choice even
    when it is where the asset already stands (else the service picks the site's store)."""
    editor = view.asset_editors.get("location")
    if view.context.kind is ProcedureKind.DECOMMISSION and editor and not editor.is_empty():
        return {**values, "location": editor.value()}
    return values


def form_values(view: FormView, asset: FormAsset | None) -> dict[str, object]:
    """The asset field values to send: for one asset only what the user changed; for a
    new asset or several assets, everything the user filled in."""
    editors = {**view.asset_editors, **view.custom_editors}
    if asset is None or len(view.context.assets) > 1:
        return {k: e.value() for k, e in editors.items() if not e.is_empty()}
    current = initial_values(asset)
    return {
        key: editor.value()
        for key, editor in editors.items()
        if comparable(editor.value()) != comparable(current.get(key))
    }


def build_requests(
    view: FormView, versions: dict[uuid.UUID, int] | None = None
) -> list[ProcedureRequest]:
    """One request per asset (one for a receive). ``versions`` overrides the versions the
    form was opened with (after the user chose to re-apply over a conflict)."""
    context = view.context
    answers = {k: e.value() for k, e in view.answer_editors.items() if not e.is_empty()}
    checklist = {k: box.isChecked() for k, box in view.checklist.items()}
    impact, likelihood = view.risk.values()
    base = ProcedureRequest(
        kind=context.kind,
        performed_by=view.performer_username(),
        answers=answers,
        checklist=checklist,
        ticket_ref=str(view.ticket.value()),
        reason=str(view.reason.value()),
        performed_at=view.performed_at(),
        impact=impact,
        likelihood=likelihood,
    )
    if context.kind is ProcedureKind.RECEIVE:
        values = form_values(view, None)
        if "name" not in values and (named := model_name(view)):
            values["name"] = named
        return [replace(base, values=values)]
    versions = versions or {}
    return [
        replace(
            base,
            asset_id=asset.id,
            asset_tag=asset.tag,
            values=_with_chosen_location(view, form_values(view, asset)),
            expected_version=versions.get(asset.id, asset.version),
        )
        for asset in context.assets
    ]


def model_may_name(view: FormView, key: str) -> bool:
    """Whether an empty ``key`` is filled by the Model the form also offers: a received
    asset's Name (the template requires a name; the model's is one). The placeholder, the
    check as the focus leaves the field and the check on Record all ask this."""
    return (
        key == "name"
        and view.context.kind is ProcedureKind.RECEIVE
        and "model" in view.asset_editors
    )


def model_name(view: FormView) -> str | None:
    """The name a received asset takes when its Name is left empty: its model's, as the
    pick list shows it (desktop.domain.naming, the command line's and the import's rule);
    None without a model."""
    editor = view.asset_editors.get("model")
    if view.context.kind is not ProcedureKind.RECEIVE or editor is None or editor.is_empty():
        return None
    chosen = editor.value()
    models = view.context.choices.by_type.get(FieldType.MODEL, ())
    return next((m.label for m in models if m.id == chosen), None)


#: Where a pick list's entries are made, said when a register has none yet (a new user's
#: first Receive offered empty Category and Location lists and only "is required").
_MADE_IN = {
    FieldType.CATEGORY: ("category", "Data › Categories"),
    FieldType.LOCATION: ("location", "Data › Locations"),
    FieldType.PERSON: ("person", "Data › People"),
    FieldType.GROUP: ("group", "Data › Groups"),
    FieldType.SUPPLIER: ("supplier", "Data › Suppliers"),
}


def _none_yet(view: FormView, editor: FieldEditor) -> str:
    """ ": none exists yet — add one in Data › Categories" for a pick list with no entry."""
    made_in = _MADE_IN.get(editor.type)
    if made_in is None or view.context.choices.by_type.get(editor.type):
        return ""
    noun, where = made_in
    if offered_here(view, editor):  # (the button under the field: see add_reference)
        return f": this register has no {noun} yet — type its name to add it, or see {where}"
    return f": this register has no {noun} yet — add one in {where}"


def form_problems(view: FormView) -> list[Problem]:
    """What stops the form from being recorded, as the form can tell before submitting.

    The service checks everything again; these are the problems a user can see and fix
    while filling in (required fields, checklist, typing mistakes, template rules).
    """
    problems: list[Problem] = []
    if view.performed_by.is_empty():
        problems.append(Problem("performed_by", "Performed by is required"))
    elif (message := view.performed_by.problem()) is not None:
        problems.append(Problem("performed_by", f"Performed by: {message}"))
    for key, editor in view.all_editors().items():
        message = editor.problem()
        if message is not None:
            problems.append(Problem(key, f"{editor.label}: {message}"))
        elif key in view.required and editor.is_empty():
            if model_may_name(view, key):
                if model_name(view) is None:
                    problems.append(
                        Problem(key, "Name is required (or choose a Model: it names the asset)")
                    )
                continue
            problems.append(Problem(key, f"{editor.label} is required{_none_yet(view, editor)}"))
    definition = view.context.template.definition
    for rule in definition.rules:
        if rule.one_of and all(
            key in view.asset_editors and view.asset_editors[key].is_empty() for key in rule.one_of
        ):
            problems.append(Problem(rule.one_of[0], rule.message))
        if (
            rule.changes_something
            and len(view.context.assets) >= 1
            and not any(form_values(view, asset) for asset in view.context.assets)
        ):
            problems.append(Problem("values", rule.message))
    for item in definition.checklist:
        if item.required and not view.checklist[item.key].isChecked():
            problems.append(Problem(item.key, f"Checklist: {item.label}"))
    return problems
