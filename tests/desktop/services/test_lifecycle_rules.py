"""Decommission clears the assignee and keeps the asset in its site's store; a change
cannot put an asset in service without what an install needs (issue 13)."""

from __future__ import annotations

import pytest

from desktop.domain.lifecycle import AssetStatus, ProcedureKind
from desktop.errors import ValidationError
from desktop.services.approvals import approve
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from tests.factories import World

DECOMMISSION_ANSWERS = {
    "sanitisation_method": "Purge: cryptographic erase (NIST SP 800-88)",
    "evidence_reference": "WIPE-2024-0042",
}


def decommission(world: World, tag: str, **values: object) -> None:
    outcome = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.DECOMMISSION,
            performed_by="tech",
            asset_tag=tag,
            values=values,
            answers=DECOMMISSION_ANSWERS,
            checklist={"accounts_removed": True},
        ),
    )
    for approver in ("approver", "approver2"):
        approve(world.db, procedure_id=outcome.procedure_id, approver=approver)


def test_decommission_clears_the_assignee_and_moves_to_the_sites_store(world: World) -> None:
    world.receive(tag="LAP-S1", values={"location": world.other_site_room})
    world.install("LAP-S1", location=world.other_site_room)
    decommission(world, "LAP-S1")
    with world.db.read() as s:
        detail = asset_detail(s, tag="LAP-S1")
    assert detail.row.status == AssetStatus.DECOMMISSIONED.value
    assert detail.assigned_to_id is None
    assert detail.row.location == "Branch › Branch store" or detail.row.location.endswith(
        "Branch store"
    )
    (entry, *_older) = detail.history
    fields = {c["field"]: (c["before_text"], c["after_text"]) for c in entry.changes}
    assert fields["assigned_to"] == ("Una User", "")


def test_decommission_keeps_a_location_the_technician_chose(world: World) -> None:
    world.receive(tag="LAP-S2")
    world.install("LAP-S2")  # Room A2, Una User; the head office has no store
    decommission(world, "LAP-S2", location=world.room_a)
    with world.db.read() as s:
        detail = asset_detail(s, tag="LAP-S2")
    assert detail.location_id == world.room_a
    assert detail.assigned_to_id is None


def test_a_change_cannot_put_an_asset_in_service_without_what_install_needs(
    world: World,
) -> None:
    world.receive(tag="LAP-S3")  # in stock in Room A1, nobody's
    request = ProcedureRequest(
        kind=ProcedureKind.CHANGE,
        performed_by="tech",
        asset_tag="LAP-S3",
        values={"status": AssetStatus.IN_SERVICE.value},
        answers={"change_type": "Other"},
    )
    with pytest.raises(ValidationError) as refused:
        record_procedure(world.db, request)
    text = str(refused.value)
    assert "to put the asset in service (as Install does)" in text
    assert "an installed asset needs an assignee or an owning group" in text
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-S3").row.status == AssetStatus.IN_STOCK.value
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-S3",
            values={
                "status": AssetStatus.IN_SERVICE.value,
                "location": world.room_b,
                "assigned_to": world.people["user"],
            },
            answers={"change_type": "Other"},
        ),
    )
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-S3").row.status == AssetStatus.IN_SERVICE.value


def test_decommission_takes_the_store_of_the_assets_own_building(world: World) -> None:
    """Two buildings of one site, each with its store: the asset in building B goes to
    B's store, not to the first store of the site (a new user saw it leave the building
    and so the field kit's scope)."""
    from desktop.services import reference

    with world.db.write() as s:
        store_a = reference.create_location(
            s, name="A0.10 IT store", kind="room", parent_id=world.building
        )
        building_b = reference.create_location(
            s, name="Building B", kind="building", parent_id=world.site
        )
        store_b = reference.create_location(
            s, name="B0.10 IT store", kind="room", parent_id=building_b.id
        )
        room_b1 = reference.create_location(s, name="Room B1", kind="room", parent_id=building_b.id)
        store_a_id, store_b_id, room_b1_id = store_a.id, store_b.id, room_b1.id
    world.receive(tag="LAP-S9", values={"location": room_b1_id})
    world.install("LAP-S9", location=room_b1_id)
    decommission(world, "LAP-S9")
    world.receive(tag="LAP-S8")  # Room A1, building A
    world.install("LAP-S8")
    decommission(world, "LAP-S8")
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-S9").location_id == store_b_id
        assert asset_detail(s, tag="LAP-S8").location_id == store_a_id
