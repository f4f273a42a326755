"""Incidents: something went wrong with one or more assets, tracked to a root cause.

The fields an incident must capture come from the incident template
(``resources/templates/incident.json``, read with importlib.resources; its name and
version are stored in each incident's ``answers``). An incident moves
new → assigned → in progress → resolved → closed (a resolved one may be reopened); root
cause and resolution are required to resolve; every move appends an ``incident_events``
row. Numbers are unique: allocated as the next free one and retried in a savepoint when a
concurrent client took it first.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.domain.fields import FieldType
from desktop.domain.incidents import (
    INCIDENT_MOVES,
    OPEN_STATUSES,
    SEVERITIES,
    TEMPLATE_KEY,
    IncidentStatus,
)
from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.domain.permissions import Work
from desktop.domain.tags import normalize_tag
from desktop.errors import (
    ConflictError,
    DatabaseUnavailableError,
    FieldConflict,
    NotFoundError,
    Problem,
    ValidationError,
)
from desktop.services.incident_queries import (
    AssetIncidentCount,
    FixCandidate,
    GroupIncidentCount,
    IncidentDetail,
    IncidentEventRow,
    IncidentRow,
    assets_by_incident_count,
    fix_candidates,
    incident_detail,
    incident_rows,
    incidents_for_asset,
    list_incidents,
    open_incidents_by_group,
)
from desktop.services.people import acting_person
from desktop.services.permissions import check, require
from desktop.services.templates import TemplateField, coerce_answer
from desktop.storage.database import Database
from desktop.storage.models import (
    Asset,
    Group,
    Incident,
    IncidentAsset,
    IncidentEvent,
    Person,
    Procedure,
)
from desktop.storage.types import utcnow

#: Template keys stored in their own columns rather than in ``answers``.
COLUMN_KEYS = frozenset({"title", "description", "severity", "routed_group", "reported_by"})
NUMBER_ATTEMPTS = 20

__all__ = [
    "INCIDENT_MOVES",
    "OPEN_STATUSES",
    "SEVERITIES",
    "AssetIncidentCount",
    "FixCandidate",
    "GroupIncidentCount",
    "IncidentDetail",
    "IncidentEventRow",
    "IncidentRequest",
    "IncidentRow",
    "IncidentStatus",
    "IncidentTemplate",
    "add_note",
    "assets_by_incident_count",
    "fix_candidates",
    "incident_detail",
    "incident_template",
    "incidents_for_asset",
    "link_fix",
    "list_incidents",
    "log_in_session",
    "log_incident",
    "move_incident",
    "open_incidents_by_group",
]


# -- the template -----------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentTemplate:
    name: str
    version: int
    description: str
    fields: tuple[TemplateField, ...]
    resolve_fields: tuple[TemplateField, ...]

    def field(self, key: str) -> TemplateField:
        return next(f for f in (*self.fields, *self.resolve_fields) if f.key == key)


def _template_fields(items: Sequence[Mapping[str, Any]]) -> tuple[TemplateField, ...]:
    return tuple(
        TemplateField(
            key=f["key"],
            label=f["label"],
            type=FieldType(f["type"]),
            required=bool(f.get("required", False)),
            help=str(f.get("help", "")),
            choices=tuple(f.get("choices", ())),
            max_length=f.get("max_length"),
        )
        for f in items
    )


@functools.cache
def incident_template() -> IncidentTemplate:
    """The shipped incident template (resources/templates/incident.json)."""
    text = resources.files("resources.templates").joinpath("incident.json").read_text("utf-8")
    data = json.loads(text)
    return IncidentTemplate(
        name=str(data["name"]),
        version=int(data["version"]),
        description=str(data.get("description", "")),
        fields=_template_fields(data["fields"]),
        resolve_fields=_template_fields(data.get("resolve_fields", [])),
    )


# -- logging ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentRequest:
    """What the incident form submits.

    ``routed_group`` is a group id or name, ``reported_by`` a person id or user name
    (the person who logs it when empty); ``answers`` holds the template's other fields.
    """

    logged_by: str
    asset_tags: Sequence[str]
    title: str
    description: str
    severity: str
    routed_group: uuid.UUID | str | None
    reported_by: uuid.UUID | str | None = None
    answers: Mapping[str, object] = field(default_factory=dict)
    #: The id and time when the incident was logged elsewhere (a field kit's replay).
    incident_id: uuid.UUID | None = None
    reported_at: dt.datetime | None = None


def log_incident(db: Database, request: IncidentRequest) -> IncidentRow:
    """Validate and record a new incident in its own transaction."""
    with db.write() as session:
        incident = log_in_session(session, request)
        return incident_rows(session, [incident])[0]


def log_in_session(session: Session, request: IncidentRequest) -> Incident:
    actor = acting_person(session, request.logged_by)
    template = incident_template()
    problems: list[Problem] = []
    raw: dict[str, object] = dict(request.answers)
    raw.update(
        title=request.title,
        description=request.description,
        severity=request.severity,
        routed_group=_group_id(session, request.routed_group, problems),
        reported_by=_person_id(session, request.reported_by, problems) or str(actor.id),
    )
    known = {f.key for f in template.fields}
    problems += [
        Problem(key, f"'{key}' is not a question of the {template.name} form")
        for key in request.answers
        if key not in known
    ]
    values: dict[str, Any] = {}
    for spec in template.fields:
        value, problem = coerce_answer(spec, raw.get(spec.key))
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            values[spec.key] = value
    asset_ids = _asset_ids(session, request.asset_tags, problems)
    if problems:
        raise ValidationError(problems, subject="incident")

    answers = {k: v for k, v in values.items() if k not in COLUMN_KEYS}
    answers[TEMPLATE_KEY] = {"name": template.name, "version": template.version}
    now = request.reported_at or utcnow()
    incident = _insert_numbered(
        session,
        lambda number: Incident(
            id=request.incident_id or uuid.uuid4(),
            number=number,
            title=values["title"],
            description=values.get("description", ""),
            severity=values["severity"],
            status=IncidentStatus.NEW.value,
            reported_by_id=uuid.UUID(values["reported_by"]),
            routed_group_id=uuid.UUID(values["routed_group"]),
            answers=answers,
            reported_at=now,
        ),
    )
    for asset_id in asset_ids:
        session.add(IncidentAsset(incident_id=incident.id, asset_id=asset_id))
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            person_id=actor.id,
            at=now,
            from_status=None,
            to_status=IncidentStatus.NEW.value,
            note="Logged",
        )
    )
    session.flush()
    return incident


def _insert_numbered(session: Session, make: Any) -> Incident:
    """Insert with the next free number; a number a concurrent client took first is retried."""
    for _attempt in range(NUMBER_ATTEMPTS):
        number = (
            int(session.execute(select(func.coalesce(func.max(Incident.number), 0))).scalar_one())
            + 1
        )
        try:
            with session.begin_nested():
                incident: Incident = make(number)
                session.add(incident)
                session.flush()
            return incident
        except IntegrityError:
            continue
    raise DatabaseUnavailableError(
        f"could not allocate an incident number after {NUMBER_ATTEMPTS} attempts; try again"
    )


def _group_id(session: Session, ref: uuid.UUID | str | None, problems: list[Problem]) -> str | None:
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    group = _by_id_or(session, Group, ref, Group.name)
    if group is None:
        problems.append(Problem("routed_group", f"there is no group '{ref}'"))
        return None
    return str(group.id)


def _person_id(
    session: Session, ref: uuid.UUID | str | None, problems: list[Problem]
) -> str | None:
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return None
    person = _by_id_or(session, Person, ref, Person.username)
    if person is None:
        problems.append(Problem("reported_by", f"there is no person '{ref}'"))
        return None
    return str(person.id)


def _by_id_or(session: Session, model: Any, ref: uuid.UUID | str, name_column: Any) -> Any:
    if isinstance(ref, uuid.UUID):
        return session.get(model, ref)
    try:
        return session.get(model, uuid.UUID(ref.strip()))
    except ValueError:
        return session.execute(
            select(model).where(func.lower(name_column) == ref.strip().lower())
        ).scalar_one_or_none()


def _asset_ids(session: Session, tags: Sequence[str], problems: list[Problem]) -> list[uuid.UUID]:
    keys = list(dict.fromkeys(normalize_tag(t) for t in tags if t.strip()))
    if not keys:
        problems.append(Problem("assets", "an incident is logged against at least one asset"))
        return []
    found = dict(
        session.execute(select(Asset.tag_key, Asset.id).where(Asset.tag_key.in_(keys))).all()
    )
    for tag in tags:
        if tag.strip() and normalize_tag(tag) not in found:
            problems.append(Problem("assets", f"there is no asset with the tag '{tag.strip()}'"))
    return [found[k] for k in keys if k in found]


# -- moving through the statuses --------------------------------------------------------


def move_incident(
    db: Database,
    *,
    number: int,
    to_status: IncidentStatus | str,
    by: str,
    assignee: str | uuid.UUID | None = None,
    root_cause: str = "",
    resolution: str = "",
    note: str = "",
    fixed_by_procedure: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> IncidentRow:
    """Move an incident to its next status, recording who, when and why."""
    with db.write() as session:
        incident = move_incident_in_session(
            session,
            number=number,
            to_status=to_status,
            by=by,
            assignee=assignee,
            root_cause=root_cause,
            resolution=resolution,
            note=note,
            fixed_by_procedure=fixed_by_procedure,
            expected_version=expected_version,
        )
        return incident_rows(session, [incident])[0]


def move_incident_in_session(
    session: Session,
    *,
    number: int,
    to_status: IncidentStatus | str,
    by: str,
    assignee: str | uuid.UUID | None = None,
    root_cause: str = "",
    resolution: str = "",
    note: str = "",
    fixed_by_procedure: uuid.UUID | None = None,
    expected_version: int | None = None,
    event_id: uuid.UUID | None = None,
    at: dt.datetime | None = None,
) -> Incident:
    """:func:`move_incident` inside the caller's transaction (a field kit's replay keeps
    the move's laptop-made event id and time)."""
    actor = acting_person(session, by)
    incident = _locked(session, number)
    # Handling is a technician's; the reporter may close it, confirming the fix.
    if not (str(to_status) == "closed" and incident.reported_by_id == actor.id):
        check(session, actor, Work.INCIDENT)
    subject = f"incident #{number}"
    if expected_version is not None and incident.version != expected_version:
        raise ConflictError(
            subject=subject,
            expected_version=expected_version,
            current_version=incident.version,
            conflicts=[FieldConflict("Status", "", IncidentStatus(incident.status).label)],
        )
    try:
        target = IncidentStatus(to_status)
    except ValueError:
        names = ", ".join(s.value for s in IncidentStatus)
        raise ValidationError(
            Problem("status", f"{to_status!r} is not an incident status ({names})"),
            subject=subject,
        ) from None
    current = IncidentStatus(incident.status)
    if target not in INCIDENT_MOVES[current]:
        allowed = ", ".join(s.label.lower() for s in sorted(INCIDENT_MOVES[current])) or "none"
        raise ValidationError(
            Problem(
                "status",
                f"a {current.label.lower()} incident cannot become {target.label.lower()} "
                f"(possible: {allowed})",
            ),
            subject=subject,
        )
    problems: list[Problem] = []
    now = at or utcnow()
    if target is IncidentStatus.ASSIGNED:
        person_id = _person_id(session, assignee, problems)
        if person_id is None and not problems:
            problems.append(Problem("assignee", "say who the incident is assigned to"))
        if person_id is not None:
            person = session.get_one(Person, uuid.UUID(person_id))
            if not person.active:
                problems.append(Problem("assignee", f"{person.name} is no longer active"))
            incident.assigned_to_id = person.id
    if target is IncidentStatus.RESOLVED:
        template = incident_template()
        for key, given in (("root_cause", root_cause), ("resolution", resolution)):
            value, problem = coerce_answer(template.field(key), given)
            if problem is not None:
                problems.append(problem)
            else:
                setattr(incident, key, value or "")
        incident.resolved_at = now
    if target is IncidentStatus.CLOSED:
        incident.closed_at = now
    if fixed_by_procedure is not None:
        _check_fix(session, incident, fixed_by_procedure, problems)
        incident.fixed_by_procedure_id = fixed_by_procedure
    if problems:
        raise ValidationError(problems, subject=subject)
    incident.status = target.value
    session.add(
        IncidentEvent(
            id=event_id or uuid.uuid4(),
            incident_id=incident.id,
            person_id=actor.id,
            at=now,
            from_status=current.value,
            to_status=target.value,
            note=note.strip(),
        )
    )
    session.flush()
    return incident


def link_fix(db: Database, *, number: int, procedure_id: uuid.UUID, by: str) -> IncidentRow:
    """Link an incident to the change procedure that fixed it."""
    with db.write() as session:
        actor = require(session, by, Work.INCIDENT)
        incident = _locked(session, number)
        problems: list[Problem] = []
        _check_fix(session, incident, procedure_id, problems)
        if problems:
            raise ValidationError(problems, subject=f"incident #{number}")
        incident.fixed_by_procedure_id = procedure_id
        session.add(
            IncidentEvent(
                incident_id=incident.id,
                person_id=actor.id,
                note=f"Linked to the change procedure {procedure_id} that fixed it",
            )
        )
        session.flush()
        return incident_rows(session, [incident])[0]


def add_note(db: Database, *, number: int, by: str, note: str) -> IncidentRow:
    """Append a note to an incident's history without moving it."""
    if not note.strip():
        raise ValidationError(Problem("note", "the note is empty"), subject=f"incident #{number}")
    with db.write() as session:
        incident = add_note_in_session(session, number=number, by=by, note=note)
        return incident_rows(session, [incident])[0]


def add_note_in_session(
    session: Session,
    *,
    number: int,
    by: str,
    note: str,
    event_id: uuid.UUID | None = None,
    at: dt.datetime | None = None,
) -> Incident:
    """:func:`add_note` inside the caller's transaction (a field kit's replay keeps the
    note's id and time)."""
    if not note.strip():
        raise ValidationError(Problem("note", "the note is empty"), subject=f"incident #{number}")
    actor = acting_person(session, by)
    incident = _locked(session, number)
    session.add(
        IncidentEvent(
            id=event_id or uuid.uuid4(),
            incident_id=incident.id,
            person_id=actor.id,
            note=note.strip(),
            at=at or utcnow(),
        )
    )
    incident.updated_at = utcnow()
    session.flush()
    return incident


def _check_fix(
    session: Session, incident: Incident, procedure_id: uuid.UUID, problems: list[Problem]
) -> None:
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        problems.append(Problem("fixed_by", f"there is no procedure with id {procedure_id}"))
        return
    if procedure.kind != ProcedureKind.CHANGE:
        problems.append(
            Problem("fixed_by", f"procedure {procedure_id} is a {procedure.kind}, not a change")
        )
    if procedure.state in (
        ProcedureState.REJECTED,
        ProcedureState.CANCELLED,
        ProcedureState.CONFLICT,
    ):
        problems.append(
            Problem(
                "fixed_by", f"the change {procedure_id} was {procedure.state}: it fixed nothing"
            )
        )
    assets = set(
        session.execute(
            select(IncidentAsset.asset_id).where(IncidentAsset.incident_id == incident.id)
        ).scalars()
    )
    if procedure.asset_id not in assets:
        problems.append(
            Problem(
                "fixed_by",
                f"the change {procedure_id} is about an asset this incident is not about",
            )
        )


def _locked(session: Session, number: int) -> Incident:
    incident = session.execute(
        select(Incident)
        .where(Incident.number == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if incident is None:
        raise NotFoundError(f"there is no incident #{number}")
    return incident
