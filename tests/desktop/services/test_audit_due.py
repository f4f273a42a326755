"""Audit due dates from each category's interval, on every backend."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop.domain.lifecycle import AssetStatus
from desktop.services.audit_due import DueList, count_due, list_due, next_audit_date
from desktop.storage.models import Asset
from tests.factories import World

TODAY = dt.date(2026, 11, 24)


def audited(
    world: World, tag: str, days_ago: int | None, status: AssetStatus | None = None
) -> None:
    with world.db.write() as s:
        asset = s.execute(select(Asset).where(Asset.tag == tag)).scalar_one()
        asset.last_audited_at = (
            None
            if days_ago is None
            else dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.UTC)
            - dt.timedelta(days=days_ago)
        )
        if status is not None:
            asset.status = status.value


def test_next_audit_date_adds_the_interval() -> None:
    seen = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    assert next_audit_date(seen, 365) == dt.date(2027, 1, 31)
    assert next_audit_date(None, 365) is None


def test_due_overdue_and_never_audited_lists(world: World) -> None:
    # Laptops every 365 days, monitors every 730.
    for tag in ("LAP-OLD", "LAP-SOON", "LAP-OK", "LAP-NEW", "LAP-GONE"):
        world.receive(tag=tag)
    world.receive(tag="MON-500", category=world.monitor_category)
    audited(world, "LAP-OLD", 400)  # next audit 35 days ago: overdue
    audited(world, "LAP-SOON", 350)  # next audit in 15 days: due
    audited(world, "LAP-OK", 100)  # next audit in 265 days: neither
    audited(world, "LAP-NEW", None)  # never audited: due and never
    audited(world, "LAP-GONE", None, AssetStatus.DISPOSED)  # retired: not audited at all
    audited(world, "MON-500", 500)  # monitors every 730 days: next in 230 days

    def tags(which: DueList) -> list[str]:
        with world.db.read() as s:
            return [r.tag for r in list_due(s, which, today=TODAY, within_days=30)]

    assert tags(DueList.OVERDUE) == ["LAP-OLD"]
    assert tags(DueList.DUE) == ["LAP-NEW", "LAP-SOON"]
    assert tags(DueList.NEVER) == ["LAP-NEW"]
    with world.db.read() as s:
        (soon,) = [r for r in list_due(s, DueList.DUE, today=TODAY) if r.tag == "LAP-SOON"]
        assert soon.next_audit == TODAY + dt.timedelta(days=15)
        assert soon.days_left(TODAY) == 15
        assert count_due(s, today=TODAY) == {DueList.OVERDUE: 1, DueList.DUE: 2, DueList.NEVER: 1}
        assert count_due(s, today=TODAY, location_id=world.other_site_room)[DueList.DUE] == 0
