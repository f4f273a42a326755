"""Editing reference data: versions, conflicts, clear refusals — on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.domain.fields import FieldType
from desktop.errors import ConflictError, ValidationError
from desktop.services import reference
from desktop.services.reference_queries import (
    list_categories,
    list_groups,
    list_locations,
    list_people,
    location_paths,
    reference_choices,
)
from desktop.storage.models import Category, Group, Location, Person, TagSequence
from tests.factories import World


def test_rename_location_and_stale_edit_is_a_conflict_with_both_values(world: World) -> None:
    with world.db.read() as s:
        version = s.get(Location, world.room_a).version  # type: ignore[union-attr]
    with world.db.write() as s:
        reference.update_location(
            s,
            location_id=world.room_a,
            expected_version=version,
            name="Room A1 (lab)",
            kind="room",
            code="ROOM-A1",
        )
    with pytest.raises(ConflictError) as caught, world.db.write() as s:
        reference.update_location(
            s,
            location_id=world.room_a,
            expected_version=version,
            name="Room A1 (store)",
            kind="room",
            code="ROOM-A1",
        )
    conflict = caught.value
    assert conflict.current_version == version + 1
    (field,) = conflict.conflicts
    assert (field.field, field.yours, field.theirs) == ("name", "Room A1 (store)", "Room A1 (lab)")
    with world.db.read() as s:
        assert s.get(Location, world.room_a).name == "Room A1 (lab)"  # type: ignore[union-attr]


def test_location_code_must_stay_unique(world: World) -> None:
    with pytest.raises(ValidationError) as caught, world.db.write() as s:
        reference.update_location(
            s,
            location_id=world.room_b,
            expected_version=None,
            name="Room A2",
            kind="room",
            code="room-a1",
        )
    assert caught.value.fields() == {"code"}


def test_move_location_changes_parent_and_refuses_own_subtree(world: World) -> None:
    with world.db.write() as s:
        reference.move_location_checked(
            s, location_id=world.room_b, new_parent_id=world.site, expected_version=1
        )
    with world.db.read() as s:
        paths = location_paths(list_locations(s))
    assert paths[world.room_b] == "Head office › Room A2"
    with pytest.raises(ValidationError, match="below itself"), world.db.write() as s:
        reference.move_location_checked(
            s, location_id=world.site, new_parent_id=world.room_a, expected_version=None
        )
    with pytest.raises(ConflictError), world.db.write() as s:
        reference.move_location_checked(
            s, location_id=world.room_b, new_parent_id=None, expected_version=1
        )


def test_delete_only_what_nothing_uses(world: World) -> None:
    world.receive(tag="LAP-1")
    with pytest.raises(ValidationError) as caught, world.db.write() as s:
        reference.delete_location(s, location_id=world.room_a)
    assert "Room A1" in str(caught.value)
    assert "asset" in str(caught.value)
    with pytest.raises(ValidationError, match="2 locations below it"), world.db.write() as s:
        reference.delete_location(s, location_id=world.building)
    with world.db.write() as s:
        reference.delete_location(s, location_id=world.other_site_room)
    with world.db.read() as s:
        assert s.get(Location, world.other_site_room) is None
    with pytest.raises(ValidationError, match="1 asset"), world.db.write() as s:
        reference.delete_category(s, category_id=world.laptop_category)
    with world.db.write() as s:
        reference.delete_category(s, category_id=world.monitor_category)
    with world.db.read() as s:
        assert [c.name for c in list_categories(s)] == ["Laptop"]


def test_update_category_custom_fields_and_new_prefix(world: World) -> None:
    with world.db.write() as s:
        reference.update_category(
            s,
            category_id=world.monitor_category,
            expected_version=1,
            name="Display",
            tag_prefix="dsp",
            audit_interval_days=180,
            custom_fields=[
                {"key": "size_in", "label": "Size (in)", "type": "number"},
                {"key": "panel", "type": "choice", "choices": ["IPS", "VA"]},
            ],
        )
    with world.db.read() as s:
        row = next(c for c in list_categories(s) if c.id == world.monitor_category)
        assert s.get(TagSequence, "DSP") is not None
    assert (row.name, row.tag_prefix, row.audit_interval_days) == ("Display", "DSP", 180)
    assert [f["key"] for f in row.custom_fields] == ["size_in", "panel"]
    assert row.version == 2
    with pytest.raises(ValidationError) as caught, world.db.write() as s:
        reference.update_category(
            s,
            category_id=world.monitor_category,
            expected_version=2,
            name="Display",
            tag_prefix="LAP",
            audit_interval_days=180,
            custom_fields=[],
        )
    assert caught.value.fields() == {"tag_prefix"}
    with pytest.raises(ValidationError, match="a choice needs choices"), world.db.write() as s:
        reference.update_category(
            s,
            category_id=world.monitor_category,
            expected_version=2,
            name="Display",
            tag_prefix="DSP",
            audit_interval_days=None,
            custom_fields=[{"key": "panel", "type": "choice"}],
        )


def test_person_roles_deactivation_and_conflict(world: World) -> None:
    person_id = world.people["tech"]
    with world.db.write() as s:
        reference.update_person(
            s,
            person_id=person_id,
            expected_version=1,
            name="Tess Technician",
            username="tech",
            email="tess@example.org",
            active=False,
            roles=["technician", "auditor"],
        )
    with world.db.read() as s:
        person = next(p for p in list_people(s) if p.id == person_id)
        active = [c.label for c in reference_choices(s).by_type[FieldType.PERSON]]
    assert person.roles == ("auditor", "technician")
    assert not person.active
    assert person.email == "tess@example.org"
    assert "Tess Technician" not in active  # inactive people are not offered in forms
    with pytest.raises(ConflictError) as caught, world.db.write() as s:
        reference.set_person_active(s, person_id=person_id, expected_version=1, active=True)
    assert caught.value.conflicts[0].theirs is False
    with pytest.raises(ValidationError) as refused, world.db.write() as s:
        reference.update_person(
            s,
            person_id=person_id,
            expected_version=None,
            name="Tess",
            username="TECH2",
            email=None,
            active=True,
            roles=["wizard"],
        )
    assert refused.value.fields() == {"username"}


def test_roles_only_edit_moves_the_version_on(world: World) -> None:
    person_id = world.people["user"]
    with world.db.write() as s:
        reference.update_person(
            s,
            person_id=person_id,
            expected_version=1,
            name="Una User",
            username="user",
            email="una@example.org",
            active=True,
            roles=["approver"],
        )
    with world.db.read() as s:
        assert s.get(Person, person_id).version == 2  # type: ignore[union-attr]


def test_group_rename_membership_and_delete(world: World) -> None:
    with world.db.write() as s:
        reference.rename_group(
            s, group_id=world.change_board, expected_version=1, name="Change advisory board"
        )
        reference.set_group_members(
            s,
            group_id=world.change_board,
            expected_version=2,
            person_ids=[world.people["approver"], world.people["user"]],
        )
    with world.db.read() as s:
        group = next(g for g in list_groups(s) if g.id == world.change_board)
        approver2 = next(p for p in list_people(s) if p.username == "approver2")
    assert group.name == "Change advisory board"
    assert set(group.member_ids) == {world.people["approver"], world.people["user"]}
    assert world.change_board not in approver2.group_ids
    with pytest.raises(ConflictError), world.db.write() as s:
        reference.set_group_members(
            s, group_id=world.change_board, expected_version=2, person_ids=[]
        )
    with pytest.raises(ValidationError, match="2 members"), world.db.write() as s:
        reference.delete_group(s, group_id=world.change_board)
    with world.db.write() as s:
        reference.set_group_members(
            s, group_id=world.change_board, expected_version=3, person_ids=[]
        )
        reference.delete_group(s, group_id=world.change_board)
    with world.db.read() as s:
        assert s.execute(select(Group).where(Group.id == world.change_board)).first() is None
    with pytest.raises(ValidationError) as caught, world.db.write() as s:
        reference.rename_group(
            s, group_id=world.infrastructure, expected_version=None, name="service DESK"
        )
    assert "exists already" in str(caught.value)


def test_manufacturer_model_supplier_edits(world: World) -> None:
    with world.db.write() as s:
        lenovo = reference.create_manufacturer(s, name="Lenovo")
        model = reference.create_model(s, manufacturer=lenovo, name="ThinkPad T14")
        supplier = reference.create_supplier(s, name="Bechtle")
        ids = lenovo.id, model.id, supplier.id
    with world.db.write() as s:
        reference.update_manufacturer(s, manufacturer_id=ids[0], expected_version=1, name="LENOVO")
        reference.update_model(
            s,
            model_id=ids[1],
            expected_version=1,
            name="ThinkPad T14 Gen 5",
            model_number="21ML",
            category_id=world.laptop_category,
        )
        reference.update_supplier(
            s, supplier_id=ids[2], expected_version=1, name="Bechtle AG", contact="sales@x.de"
        )
    with world.db.read() as s:
        choices = reference_choices(s)
    assert choices.label(FieldType.MODEL, ids[1]) == "LENOVO ThinkPad T14 Gen 5"
    assert choices.label(FieldType.SUPPLIER, ids[2]) == "Bechtle AG"
    with pytest.raises(ValidationError, match="1 model"), world.db.write() as s:
        reference.delete_manufacturer(s, manufacturer_id=ids[0])
    with world.db.write() as s:
        reference.delete_model(s, model_id=ids[1])
        reference.delete_manufacturer(s, manufacturer_id=ids[0])
        reference.delete_supplier(s, supplier_id=ids[2])
    with world.db.read() as s:
        assert s.execute(select(Category)).first() is not None
        assert reference_choices(s).by_type[FieldType.SUPPLIER] == ()
