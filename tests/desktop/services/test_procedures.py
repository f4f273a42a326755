"""Procedures: validation, lifecycle, recorded history — on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.domain.lifecycle import AssetStatus, ProcedureKind, ProcedureState
from desktop.errors import ValidationError
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from desktop.storage.models import Asset, Procedure
from tests.factories import World


def counts(world: World) -> tuple[int, int]:
    with world.db.read() as s:
        return (
            s.execute(select(func.count()).select_from(Asset)).scalar_one(),
            s.execute(select(func.count()).select_from(Procedure)).scalar_one(),
        )


def test_receive_generates_tag_and_records_everything(world: World) -> None:
    outcome = world.receive(values={"serial_number": "PF-123", "purchase_cost": "1299.50"})
    assert outcome.asset_tag == "LAP-000001"
    assert outcome.state is ProcedureState.COMPLETED
    with world.db.read() as s:
        detail = asset_detail(s, tag="lap-000001")
    assert detail.row.status == AssetStatus.IN_STOCK
    assert str(detail.row.purchase_cost) == "1299.50"
    (entry,) = detail.history
    assert entry.kind == "receive"
    assert entry.performed_by_username == "tech"
    assert entry.reason == "delivery"
    assert entry.template_version == 1
    assert entry.answers["checklist.inspected"] is True
    changed = {c["field"]: (c["before"], c["after_text"]) for c in entry.changes}
    assert changed["serial_number"] == (None, "PF-123")
    assert changed["location"] == (None, "Room A1")
    assert changed["status"] == (None, "In stock")


def test_install_disposed_asset_is_refused_and_writes_nothing(world: World) -> None:
    world.receive(tag="LAP-9")
    with world.db.write() as s:
        s.execute(
            select(Asset).where(Asset.tag == "LAP-9")
        ).scalar_one().status = AssetStatus.DISPOSED.value
    before = counts(world)
    with pytest.raises(ValidationError) as caught:
        world.install("LAP-9")
    assert "status" in caught.value.fields()
    assert "disposed" in caught.value.message
    assert counts(world) == before


def test_missing_required_fields_are_named(world: World) -> None:
    world.receive(tag="LAP-1")
    before = counts(world)
    with pytest.raises(ValidationError) as caught:
        record_procedure(
            world.db,
            ProcedureRequest(
                kind=ProcedureKind.INSTALL,
                performed_by="tech",
                asset_tag="LAP-1",
                values={"location": None},
            ),
        )
    assert {"location", "assigned_to", "powers_on", "handover"} <= caught.value.fields()
    assert counts(world) == before


def test_wrong_type_is_named(world: World) -> None:
    before = counts(world)
    with pytest.raises(ValidationError) as caught:
        world.receive(values={"purchase_cost": "a lot", "purchase_date": "31/02/2024"})
    assert {"purchase_cost", "purchase_date"} <= caught.value.fields()
    assert counts(world) == before


def test_decommission_requires_sanitisation_evidence(world: World) -> None:
    world.receive(tag="LAP-2")
    with pytest.raises(ValidationError) as caught:
        record_procedure(
            world.db,
            ProcedureRequest(
                kind=ProcedureKind.DECOMMISSION,
                performed_by="tech",
                asset_tag="LAP-2",
                checklist={"accounts_removed": True},
            ),
        )
    assert {"sanitisation_method", "evidence_reference"} <= caught.value.fields()


def test_history_is_newest_first(world: World) -> None:
    world.receive(tag="LAP-3")
    world.install("LAP-3")
    with world.db.read() as s:
        kinds = [h.kind for h in asset_detail(s, tag="LAP-3").history]
    assert kinds == ["install", "receive"]
