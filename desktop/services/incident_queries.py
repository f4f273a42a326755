"""Reading incidents: lists, one incident's history, an asset's incidents, the report.

Plain frozen dataclasses for the GUI and the command line; counts are made in SQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from desktop.domain.incidents import OPEN_STATUSES, TEMPLATE_KEY, IncidentStatus
from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.errors import NotFoundError
from desktop.storage.models import (
    Asset,
    Group,
    Incident,
    IncidentAsset,
    IncidentEvent,
    Person,
    Procedure,
)


@dataclass(frozen=True)
class IncidentRow:
    id: uuid.UUID
    number: int
    title: str
    severity: str
    status: str
    reported_by: str
    routed_group: str
    assigned_to: str
    reported_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    asset_tags: tuple[str, ...]
    root_cause: str
    resolution: str
    fixed_by_procedure_id: uuid.UUID | None
    version: int
    #: Logged in a field kit and not synced yet: the number is the kit's; the database
    #: gives the final one at sync (it may be another incident's number there now).
    provisional: bool = False

    @property
    def is_open(self) -> bool:
        return IncidentStatus(self.status) in OPEN_STATUSES

    @property
    def number_text(self) -> str:
        """ "#20", or "#20 (provisional)" for one logged in a kit and not synced yet."""
        return f"#{self.number} (provisional)" if self.provisional else f"#{self.number}"


@dataclass(frozen=True)
class IncidentEventRow:
    at: dt.datetime
    person: str
    from_status: str | None
    to_status: str | None
    note: str


@dataclass(frozen=True)
class IncidentDetail:
    row: IncidentRow
    description: str
    answers: dict[str, Any]
    template_name: str
    template_version: int
    events: tuple[IncidentEventRow, ...]


def list_incidents(
    session: Session, *, open_only: bool = False, asset_id: uuid.UUID | None = None
) -> list[IncidentRow]:
    """Incidents, newest first."""
    query = select(Incident).order_by(Incident.number.desc())
    if open_only:
        query = query.where(Incident.status.in_([s.value for s in OPEN_STATUSES]))
    if asset_id is not None:
        query = query.where(
            Incident.id.in_(
                select(IncidentAsset.incident_id).where(IncidentAsset.asset_id == asset_id)
            )
        )
    return incident_rows(session, list(session.execute(query).scalars()))


def incidents_for_asset(session: Session, asset_id: uuid.UUID) -> list[IncidentRow]:
    """An asset's incidents, newest first (the asset detail shows them)."""
    return list_incidents(session, asset_id=asset_id)


def incident_detail(session: Session, number: int) -> IncidentDetail:
    incident = session.execute(
        select(Incident).where(Incident.number == number)
    ).scalar_one_or_none()
    if incident is None:
        raise NotFoundError(f"there is no incident #{number}")
    events = session.execute(
        select(IncidentEvent, Person.name)
        .join(Person, Person.id == IncidentEvent.person_id)
        .where(IncidentEvent.incident_id == incident.id)
        .order_by(IncidentEvent.at, IncidentEvent.id)
    ).all()
    template = dict(incident.answers).get(TEMPLATE_KEY, {})
    return IncidentDetail(
        row=incident_rows(session, [incident])[0],
        description=incident.description,
        answers={k: v for k, v in incident.answers.items() if k != TEMPLATE_KEY},
        template_name=str(template.get("name", "")),
        template_version=int(template.get("version", 0)),
        events=tuple(
            IncidentEventRow(e.at, name, e.from_status, e.to_status, e.note) for e, name in events
        ),
    )


def incident_rows(session: Session, incidents: list[Incident]) -> list[IncidentRow]:
    if not incidents:
        return []
    ids = [i.id for i in incidents]
    tags: dict[uuid.UUID, list[str]] = {}
    for incident_id, tag in session.execute(
        select(IncidentAsset.incident_id, Asset.tag)
        .join(Asset, Asset.id == IncidentAsset.asset_id)
        .where(IncidentAsset.incident_id.in_(ids))
        .order_by(Asset.tag_key)
    ):
        tags.setdefault(incident_id, []).append(tag)
    person_ids = {i.reported_by_id for i in incidents} | {
        i.assigned_to_id for i in incidents if i.assigned_to_id
    }
    people = dict(
        session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()
    )
    group_ids = {i.routed_group_id for i in incidents if i.routed_group_id}
    groups = (
        dict(session.execute(select(Group.id, Group.name).where(Group.id.in_(group_ids))).all())
        if group_ids
        else {}
    )
    provisional = _logged_in_this_kit(session, ids)
    return [
        IncidentRow(
            id=i.id,
            number=i.number,
            title=i.title,
            severity=i.severity,
            status=i.status,
            reported_by=people.get(i.reported_by_id, ""),
            routed_group=groups.get(i.routed_group_id, "") if i.routed_group_id else "",
            assigned_to=people.get(i.assigned_to_id, "") if i.assigned_to_id else "",
            reported_at=i.reported_at,
            resolved_at=i.resolved_at,
            closed_at=i.closed_at,
            asset_tags=tuple(tags.get(i.id, ())),
            root_cause=i.root_cause,
            resolution=i.resolution,
            fixed_by_procedure_id=i.fixed_by_procedure_id,
            version=i.version,
            provisional=i.id in provisional,
        )
        for i in incidents
    ]


def _logged_in_this_kit(session: Session, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Of ``ids``, the incidents logged in this field kit and not synced yet (none when
    the session is not on a kit)."""
    from desktop.storage.kitfile import session_is_kit

    if not session_is_kit(session):
        return set()
    by_hex = {i.hex: i for i in ids}
    waiting = session.connection().exec_driver_sql(
        "SELECT row_id FROM kit_journal WHERE record = 'incident' AND synced = 0"
    )
    return {by_hex[row_id] for (row_id,) in waiting if row_id in by_hex}


# -- the report -------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetIncidentCount:
    asset_id: uuid.UUID
    tag: str
    name: str
    incidents: int
    open_incidents: int


@dataclass(frozen=True)
class GroupIncidentCount:
    group: str
    new: int
    assigned: int
    in_progress: int

    @property
    def total(self) -> int:
        return self.new + self.assigned + self.in_progress


def assets_by_incident_count(session: Session, *, limit: int = 50) -> list[AssetIncidentCount]:
    """The assets with the most incidents first (counted in SQL)."""
    open_values = [s.value for s in OPEN_STATUSES]
    total = func.count(Incident.id)
    open_count = func.sum(case((Incident.status.in_(open_values), 1), else_=0))
    rows = session.execute(
        select(Asset.id, Asset.tag, Asset.name, total, open_count)
        .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
        .join(Incident, Incident.id == IncidentAsset.incident_id)
        .group_by(Asset.id, Asset.tag, Asset.name, Asset.tag_key)
        .order_by(total.desc(), Asset.tag_key)
        .limit(limit)
    ).all()
    return [AssetIncidentCount(r[0], r[1], r[2] or "", int(r[3]), int(r[4] or 0)) for r in rows]


def open_incidents_by_group(session: Session) -> list[GroupIncidentCount]:
    """Open incidents per group they are routed to, the busiest group first."""
    Routed = aliased(Group)
    rows = session.execute(
        select(Routed.name, Incident.status, func.count(Incident.id))
        .select_from(Incident)
        .outerjoin(Routed, Routed.id == Incident.routed_group_id)
        .where(Incident.status.in_([s.value for s in OPEN_STATUSES]))
        .group_by(Routed.name, Incident.status)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for name, status, count in rows:
        counts.setdefault(name or "(not routed)", {})[status] = int(count)
    result = [
        GroupIncidentCount(
            group=name,
            new=by_status.get(IncidentStatus.NEW.value, 0),
            assigned=by_status.get(IncidentStatus.ASSIGNED.value, 0),
            in_progress=by_status.get(IncidentStatus.IN_PROGRESS.value, 0),
        )
        for name, by_status in counts.items()
    ]
    return sorted(result, key=lambda g: (-g.total, g.group))


@dataclass(frozen=True)
class FixCandidate:
    """A change procedure on one of an incident's assets: what may have fixed it."""

    procedure_id: uuid.UUID
    asset_tag: str
    performed_at: dt.datetime
    performed_by: str
    reason: str
    state: str

    def describe(self) -> str:
        when = self.performed_at.astimezone().strftime("%Y-%m-%d %H:%M")
        state = "" if self.state == "completed" else f" ({self.state.replace('_', ' ')})"
        return f"{self.asset_tag} {when} by {self.performed_by}: {self.reason or 'change'}{state}"


def fix_candidates(session: Session, number: int, *, limit: int = 50) -> list[FixCandidate]:
    """Change procedures on the incident's assets that did not fail, newest first."""
    incident_id = session.execute(
        select(Incident.id).where(Incident.number == number)
    ).scalar_one_or_none()
    if incident_id is None:
        raise NotFoundError(f"there is no incident #{number}")
    rows = session.execute(
        select(Procedure, Asset.tag, Person.name)
        .join(Asset, Asset.id == Procedure.asset_id)
        .join(Person, Person.id == Procedure.performed_by_id)
        .where(
            Procedure.asset_id.in_(
                select(IncidentAsset.asset_id).where(IncidentAsset.incident_id == incident_id)
            ),
            Procedure.kind == ProcedureKind.CHANGE.value,
            Procedure.state.in_(
                [ProcedureState.COMPLETED.value, ProcedureState.PENDING_APPROVAL.value]
            ),
        )
        .order_by(Procedure.performed_at.desc())
        .limit(limit)
    ).all()
    return [
        FixCandidate(p.id, tag, p.performed_at, name, p.reason, p.state) for p, tag, name in rows
    ]
