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
