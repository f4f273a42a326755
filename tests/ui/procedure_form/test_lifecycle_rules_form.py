"""The procedure form and the lifecycle rules (new-user findings 5, 7 and 8), through its
widgets: the model list follows the category, a second decommission is refused before the
form is filled, a decommissioned asset's change is refused next to the field."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import reference
from desktop.services.approvals import approve
from desktop.storage.models import Asset, Category, Procedure
from tests.factories import World
from tests.journeys.hid_scanner import type_as_a_person
from tests.ui.procedure_form.conftest import OpenForm, pick
from ui.gui.procedure_form.dialog import ProcedureDialog
from ui.gui.procedure_form.editors import ReferenceEditor


def _models(world: World) -> None:
    with world.db.write() as s:
        desktop = reference.create_category(s, name="Desktop", tag_prefix="DSK")
        laptop = s.get(Category, world.laptop_category)
        hp = reference.create_manufacturer(s, name="HP")
        reference.create_model(s, manufacturer=hp, name="Elite Mini 800 G9", category=desktop)
        reference.create_model(s, manufacturer=hp, name="EliteBook 840 G10", category=laptop)
        reference.create_model(s, manufacturer=hp, name="USB-C Dock G5")


def _offered(editor: object) -> list[str]:
    assert isinstance(editor, ReferenceEditor)
    combo = editor.combo
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i)]


def test_the_model_list_offers_the_chosen_categorys_models(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    _models(sqlite_world)
    dialog = open_form(ProcedureKind.RECEIVE)
    view = dialog.view
    assert view is not None
    model = view.asset_editors["model"]
    assert "HP Elite Mini 800 G9" in _offered(model)  # no category chosen yet: all
    category = view.asset_editors["category"]
    category.widget.setFocus()
    pick(category, "")
    type_as_a_person(qtbot, category.widget, "Laptop")
    assert _offered(model) == ["HP EliteBook 840 G10", "HP USB-C Dock G5"]
    pick(model, "")
    type_as_a_person(qtbot, model.widget, "HP Elite Mini 800 G9")
    assert view.error_text("model") == "'HP Elite Mini 800 G9' is not a known model"
    pick(category, "Desktop")
    assert _offered(model) == ["HP Elite Mini 800 G9", "HP USB-C Dock G5"]
    assert view.error_text("model") == ""


def test_a_second_decommission_cannot_be_opened_while_one_waits(
    qtbot: QtBot, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-D1")
    waiting = sqlite_world.decommission("LAP-D1")
    dialog = ProcedureDialog(sqlite_world.db, "tech", ProcedureKind.DECOMMISSION, ["LAP-D1"])
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)
    assert dialog.loading.text() == (
        "The form cannot be opened: a decommission of LAP-D1 already waits for approval "
        f"(procedure {str(waiting.procedure_id)[:8]}): approve, reject or cancel it first"
    )
    assert not dialog.ok_button.isEnabled()
    dialog.close()
    dialog.deleteLater()


def test_a_change_of_a_decommissioned_assets_name_is_refused_next_to_the_field(
    qtbot: QtBot, open_form: OpenForm, sqlite_world: World
) -> None:
    sqlite_world.receive(tag="LAP-D2")
    pending = sqlite_world.decommission("LAP-D2")
    for person in ("approver", "approver2"):
        approve(sqlite_world.db, procedure_id=pending.procedure_id, approver=person)
    dialog = open_form(ProcedureKind.CHANGE, ["LAP-D2"])
    view = dialog.view
    assert view is not None
    # Only the notes can be typed in; the other fields say why they are locked.
    name = view.asset_editors["name"].widget
    assert not name.isEnabled() and "only disposal or a change of its notes" in name.toolTip()
    assert view.asset_editors["notes"].widget.isEnabled()
    # The database refuses it whatever door it comes by (the field set regardless):
    view.answer_editors["change_type"].set_value("Other")
    view.asset_editors["name"].set_value("renamed decom")
    view.asset_editors["name"].changed.emit()
    assert dialog.ok_button.isEnabled(), dialog.problems()
    with qtbot.assertNotEmitted(dialog.recorded):
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.status_label.text().startswith("✖"), timeout=20_000)
    assert view.error_text("name") == (
        "the asset is decommissioned: only disposal or a change of its notes is possible"
    )
    with sqlite_world.db.read() as s:
        asset = s.execute(select(Asset).where(Asset.tag == "LAP-D2")).scalar_one()
        assert asset.name == "ThinkPad T14"
        kinds = s.execute(select(Procedure.kind).where(Procedure.asset_id == asset.id)).all()
    assert sorted(k for (k,) in kinds) == ["decommission", "receive"]
