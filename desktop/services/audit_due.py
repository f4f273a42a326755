"""Audit due dates: each category's audit interval gives every asset a next-audit date.

``next audit = date last audited + the category's audit interval``. Only assets that
are in stock, in service or in repair are audited, and a category without an interval is
never due. Three lists:

- **overdue**: the next-audit date has passed;
- **due**: the next-audit date falls within the next ``within_days`` days, plus every
  asset never audited (never audited counts as due);
- **never audited**: no audit has seen the asset yet.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ACTIVE_STATUSES
from desktop.services.reference import subtree_location_ids
from desktop.storage.models import Asset, Category, Location

DEFAULT_WITHIN_DAYS = 30


class DueList(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {
            DueList.OVERDUE: "Overdue",
            DueList.DUE: "Due",
            DueList.NEVER: "Never audited",
        }[self]


@dataclass(frozen=True)
class DueRow:
    asset_id: uuid.UUID
    tag: str
    name: str
    category: str
    location: str
    status: str
    last_audited_at: dt.datetime | None
    interval_days: int
    next_audit: dt.date | None

    def days_left(self, today: dt.date) -> int | None:
        return None if self.next_audit is None else (self.next_audit - today).days


def next_audit_date(
    last_audited_at: dt.datetime | None, interval_days: int | None
) -> dt.date | None:
    """The date an asset should next be audited; None when it never was (due now)."""
    if last_audited_at is None or interval_days is None:
        return None
    return last_audited_at.astimezone(dt.UTC).date() + dt.timedelta(days=interval_days)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def due_condition(
    session: Session, which: DueList, *, today: dt.date, within_days: int = DEFAULT_WITHIN_DAYS
) -> Any:
    """A WHERE clause over ``Asset`` selecting one list (one branch per category)."""
    clauses = []
    for category_id, interval in session.execute(
        select(Category.id, Category.audit_interval_days).where(
            Category.audit_interval_days.is_not(None)
        )
    ):
        days = int(interval or 0)
        never = Asset.last_audited_at.is_(None)
        # next < today  ⟺  last audited before midnight of (today - interval)
        overdue = Asset.last_audited_at < _midnight(today - dt.timedelta(days=days))
        # today <= next <= today + within
        upcoming = and_(
            Asset.last_audited_at >= _midnight(today - dt.timedelta(days=days)),
            Asset.last_audited_at < _midnight(today + dt.timedelta(days=within_days - days + 1)),
        )
        chosen = {
            DueList.OVERDUE: overdue,
            DueList.DUE: or_(never, upcoming),
            DueList.NEVER: never,
        }[which]
        clauses.append(and_(Asset.category_id == category_id, chosen))
    active = Asset.status.in_([s.value for s in ACTIVE_STATUSES])
    return and_(active, or_(*clauses)) if clauses else false()


def list_due(
    session: Session,
    which: DueList,
    *,
    today: dt.date | None = None,
    within_days: int = DEFAULT_WITHIN_DAYS,
    location_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int | None = 500,
) -> list[DueRow]:
    """One page of a list, the longest unaudited first."""
    today = today or dt.date.today()
    query = (
        select(
            Asset.id,
            Asset.tag,
            Asset.name,
            Category.name,
            func.coalesce(Location.name, ""),
            Asset.status,
            Asset.last_audited_at,
            Category.audit_interval_days,
        )
        .join(Category, Category.id == Asset.category_id)
        .outerjoin(Location, Location.id == Asset.location_id)
        .where(due_condition(session, which, today=today, within_days=within_days))
    )
    if location_id is not None:
        query = query.where(Asset.location_id.in_(subtree_location_ids(session, location_id)))
    query = query.order_by(Asset.last_audited_at.is_not(None), Asset.last_audited_at, Asset.tag_key)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [
        DueRow(
            asset_id=r[0],
            tag=r[1],
            name=r[2],
            category=r[3],
            location=r[4],
            status=r[5],
            last_audited_at=r[6],
            interval_days=int(r[7] or 0),
            next_audit=next_audit_date(r[6], r[7]),
        )
        for r in session.execute(query)
    ]


def count_due(
    session: Session,
    *,
    today: dt.date | None = None,
    within_days: int = DEFAULT_WITHIN_DAYS,
    location_id: uuid.UUID | None = None,
) -> dict[DueList, int]:
    today = today or dt.date.today()
    counts = {}
    for which in DueList:
        query = select(func.count(Asset.id)).where(
            due_condition(session, which, today=today, within_days=within_days)
        )
        if location_id is not None:
            query = query.where(Asset.location_id.in_(subtree_location_ids(session, location_id)))
        counts[which] = int(session.execute(query).scalar_one())
    return counts
