"""Checking a kit in for good: sync, end the checkout, close the kit file."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import select

from desktop import kits
from desktop.errors import PermissionDeniedError
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.storage.database import open_database
from desktop.storage.models import Asset, KitCheckout, Procedure
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import World

Outcome = kits.Outcome


def _asset_id(world: World, tag: str) -> uuid.UUID:
    with world.db.read() as s:
        return s.execute(select(Asset.id).where(Asset.tag == tag)).scalar_one()


def test_a_check_in_syncs_ends_the_checkout_and_closes_the_kit(
    world: World, tmp_path: Path
) -> None:
    world.receive(tag="LAP-1")
    lap = _asset_id(world, "LAP-1")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        with world.db.read() as s:
            assert lap in kits.checkouts_for_assets(s, [lap])
        made = field.install("LAP-1")
        seen: list[str] = []
        report = kits.check_in(
            field.db, world.db, "tech", progress=lambda d, t, text: seen.append(text)
        )
        assert [r.outcome for r in report.results] == [Outcome.APPLIED]
        assert report.returned and not report.refreshed and not report.cancelled
        assert report.as_json()["returned"] is True
        assert seen[-1] == "Checked in"
        info = kits.kit_info(field.db)
        assert info is not None and info.returned_at is not None
        assert info.as_json()["returned_at"] is not None
        with world.db.read() as s:
            assert s.get(Procedure, made.procedure_id) is not None
            assert kits.checkouts_for_assets(s, [lap]) == {}
            assert kits.active_checkouts(s) == []
            row = s.get(KitCheckout, info.kit_id)
            assert row is not None and row.returned_at is not None
        # The kit refuses further work, with one clear sentence ...
        with pytest.raises(PermissionDeniedError, match="This field kit was returned"):
            change(field.db, "LAP-1", {"serial_number": "AFTER"})
        # ... whichever door (the kit's own triggers back the services up) ...
        with (
            pytest.raises(sqlalchemy.exc.IntegrityError, match="was returned"),
            field.db.engine.begin() as c,
        ):
            c.exec_driver_sql("UPDATE assets SET name = 'x'")
        # ... and is not synced or checked in again.
        with pytest.raises(kits.KitError, match=r"was returned .* cannot be synced"):
            kits.sync(field.db, world.db, "tech")
        with pytest.raises(kits.KitError, match="was returned"):
            kits.check_in(field.db, world.db, "tech")
    # Reopened later, it still says so.
    again = open_database(f"sqlite:///{tmp_path / 'kit.sqlite'}")
    try:
        reopened = kits.kit_info(again)
        assert reopened is not None and reopened.returned_at == info.returned_at
    finally:
        again.dispose()


def test_a_cancelled_check_in_ends_nothing(world: World, tmp_path: Path) -> None:
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        change(field.db, "LAP-1", {"serial_number": "ONE"})
        change(field.db, "LAP-2", {"serial_number": "TWO"})
        asked = iter([False, True])
        report = kits.check_in(field.db, world.db, "tech", cancel=lambda: next(asked, True))
        assert report.cancelled and not report.returned
        info = kits.kit_info(field.db)
        assert info is not None and info.returned_at is None and info.waiting == 1
        with world.db.read() as s:
            row = s.get(KitCheckout, info.kit_id)
            assert row is not None and row.returned_at is None
        final = kits.check_in(field.db, world.db, "tech")
        assert final.returned and [r.outcome for r in final.results] == [Outcome.APPLIED]


def test_a_kit_whose_checkout_ended_meanwhile_is_synced_then_closed(
    world: World, tmp_path: Path
) -> None:
    """A check-in that died after the server ended the checkout but before the kit
    heard: the kit's records still go to the server, then the kit is closed."""
    world.receive(tag="LAP-1")
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    with kit_of(world, tmp_path / "kit.sqlite") as field:
        info = kits.kit_info(field.db)
        assert info is not None
        record_scan(field.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
        with world.db.write() as s:
            s.get_one(KitCheckout, info.kit_id).returned_at = s.get_one(
                KitCheckout, info.kit_id
            ).checked_out_at
        report = kits.sync(field.db, world.db, "tech")
        assert [r.outcome for r in report.results] == [Outcome.APPLIED]
        assert report.returned and not report.refreshed
        closed = kits.kit_info(field.db)
        assert closed is not None and closed.returned_at is not None
