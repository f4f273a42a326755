"""The server's conflict queue and how a person settles an entry.

A conflict is never dropped and never settled by itself: a person chooses, and the
choice (who, when, which, with what note, and the procedure it recorded) is written on
the conflict once. Re-applying or editing records a *new* procedure through the
procedure service, on the asset as it is now, so every rule holds for it too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.lifecycle import ProcedureKind, ProcedureState
from desktop.errors import DesktopError, NotFoundError, ValidationError
from desktop.kits.model import Choice, Conflict, FieldDifference, KitError, Resolution
from desktop.kits.replay_rules import request_from_payload
from desktop.services.field_names import keyed
from desktop.services.people import acting_person
from desktop.services.procedures import record_in_session
from desktop.storage.database import Database
from desktop.storage.models import (
    Asset,
    Category,
    IncidentEvent,
    KitCheckout,
    KitConflict,
    Person,
    Procedure,
)
from desktop.storage.types import utcnow


def conflicts(db: Database, *, include_resolved: bool = False) -> list[Conflict]:
    """The conflict queue of the server ``db``, oldest first."""
    with db.read() as session:
        query = select(KitConflict).order_by(KitConflict.number)
        if not include_resolved:
            query = query.where(KitConflict.resolution.is_(None))
        rows = session.execute(query).scalars().all()
        return [_conflict(session, row) for row in rows]


def note_open_conflicts(kit: Database, server: Database) -> int:
    """Write into the kit ``kit`` how many of its records wait in ``server``'s queue now.

    The kit shows that count (banner, ``kit status``); it was read at the last sync only,
    so conflicts settled since — from this kit's window or command line, or by anybody on
    the server — kept being counted until the next sync. A checked-in kit is counted too:
    its conflicts are settled after its check-in, and its banner kept counting them
    (newuser25). Returns the count."""
    from sqlalchemy import func

    from desktop.kits.info import kit_info

    info = kit_info(kit)
    if info is None:
        return 0
    with server.read() as session:
        count = session.execute(
            select(func.count())
            .select_from(KitConflict)
            .where(KitConflict.kit_id == info.kit_id, KitConflict.resolution.is_(None))
        ).scalar_one()
    if count != info.open_conflicts:  # kit_meta takes writes after a check-in too
        with kit.write() as session:  # kit_meta is the kit's own: nothing journals it
            session.connection().exec_driver_sql(
                "UPDATE kit_meta SET open_conflicts = ?", (int(count),)
            )
    return int(count)


def get_conflict(db: Database, reference: uuid.UUID | str | int) -> Conflict:
    """One conflict by id or number (NotFoundError naming it otherwise)."""
    with db.read() as session:
        return _conflict(session, _find(session, reference))


def edit_keys(
    db: Database, conflict: uuid.UUID | str | int, edits: Mapping[str, object]
) -> dict[str, object]:
    """``edits`` (field → value as a person typed it) by field key: a field may be named
    by its key or by its title as the form and the queue show it ("RAM (GB)", accents and
    case ignored), a custom one as the conflict's asset's category titles it. A title of
    several fields is refused listing them (ValidationError)."""
    with db.read() as session:
        return keyed(edits, _custom_fields(session, _find(session, conflict)))


def _custom_fields(session: Session, row: KitConflict) -> list[dict[str, Any]]:
    """The custom field definitions of the category of the conflict's asset (for a
    receipt the asset may not be on the server: the category it was received into)."""
    asset = session.get(Asset, row.asset_id) if row.asset_id is not None else None
    category_id: object = asset.category_id if asset is not None else None
    if category_id is None:
        category_id = ((row.payload or {}).get("values") or {}).get("category")
    try:
        category = session.get(Category, uuid.UUID(str(category_id))) if category_id else None
    except ValueError:
        category = None
    return list(category.custom_fields or []) if category is not None else []


def _find(session: Session, reference: uuid.UUID | str | int, *, lock: bool = False) -> KitConflict:
    text = str(reference).strip().lstrip("#")
    query = select(KitConflict)
    if isinstance(reference, int) or text.isdigit():
        query = query.where(KitConflict.number == int(text))
    else:
        try:
            query = query.where(KitConflict.id == uuid.UUID(text))
        except ValueError:
            raise NotFoundError(f"there is no conflict '{reference}'") from None
    if lock:
        query = query.with_for_update()
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"there is no conflict '{reference}' in the queue")
    return found


def _conflict(session: Session, row: KitConflict) -> Conflict:
    resolver = session.get(Person, row.resolved_by_id) if row.resolved_by_id else None
    performer = session.get(Person, row.performed_by_id) if row.performed_by_id else None
    server_by, server_at = _server_change(session, row)
    return Conflict(
        id=row.id,
        number=row.number,
        kit_id=row.kit_id,
        record=row.record,
        record_id=row.record_id,
        procedure_kind=row.procedure_kind,
        asset_id=row.asset_id,
        asset_tag=row.asset_tag,
        summary=row.summary,
        performed_by=row.performed_by,
        performed_at=row.performed_at,
        reasons=tuple(row.reasons),
        fields=tuple(FieldDifference(**f) for f in row.fields),
        detected_at=row.detected_at,
        resolution=Choice(row.resolution) if row.resolution else None,
        resolved_by=resolver.username if resolver else None,
        resolved_at=row.resolved_at,
        resolution_note=row.resolution_note,
        resolution_procedure_id=row.resolution_procedure_id,
        performed_by_name=_person_text(performer) if performer else row.performed_by,
        server_changed_by=server_by,
        server_changed_at=server_at,
    )


#: How many of the asset's procedures since the checkout are looked at for the server's
#: change (newest first; a queue entry names the last one that set a conflicting field).
_SERVER_CHANGE_LOOKBACK = 200


def _person_text(person: Person) -> str:
    return f"{person.name} ({person.username})" if person.name else person.username


def _server_change(session: Session, row: KitConflict) -> tuple[str, dt.datetime | None]:
    """Who made the server's change the kit's record met, and when: the last completed
    procedure on the asset since the kit's checkout (and before the sync found the
    conflict) that changed one of the conflicting fields, not one replayed from this
    kit; for an incident's move, the incident's last move on the server since then.
    ("", None) when the server holds no such record."""
    keys = {str(f.get("field")) for f in row.fields or []}
    if not keys:
        return "", None
    checkout = session.get(KitCheckout, row.kit_id)
    since = checkout.checked_out_at if checkout is not None else None
    incident_id = (row.payload or {}).get("incident_id")
    if incident_id:
        try:
            incident = uuid.UUID(str(incident_id))
        except ValueError:
            return "", None
        moves = select(IncidentEvent).where(
            IncidentEvent.incident_id == incident,
            IncidentEvent.to_status.is_not(None),
            IncidentEvent.at <= row.detected_at,
        )
        if since is not None:
            moves = moves.where(IncidentEvent.at >= since)
        event = session.execute(moves.order_by(IncidentEvent.at.desc()).limit(1)).scalar()
        if event is None:
            return "", None
        mover = session.get(Person, event.person_id)
        return (_person_text(mover) if mover else ""), event.at
    if row.asset_id is None:
        return "", None
    query = select(Procedure).where(
        Procedure.asset_id == row.asset_id,
        Procedure.state == ProcedureState.COMPLETED.value,
        Procedure.performed_at <= row.detected_at,
    )
    if since is not None:
        query = query.where(Procedure.performed_at >= since)
    own = f"field kit {row.kit_id}"
    procedures = session.execute(
        query.order_by(Procedure.performed_at.desc()).limit(_SERVER_CHANGE_LOOKBACK)
    ).scalars()
    for procedure in procedures:
        if (procedure.origin_detail or "").startswith(own):
            continue  # the kit's own records, replayed at an earlier sync
        changed = {str(change.get("field")) for change in procedure.changes or []}
        if changed & keys:
            person = session.get(Person, procedure.performed_by_id)
            return (_person_text(person) if person else ""), (
                procedure.completed_at or procedure.performed_at
            )
    return "", None


def resolve(
    db: Database,
    conflict: uuid.UUID | str | int,
    choice: Choice,
    by_user: str,
    *,
    edits: Mapping[str, object] | None = None,
    note: str = "",
) -> Resolution:
    """Settle one open conflict, recording who chose what and when.

    TAKE_SERVER records the decision only. REAPPLY_KIT records the kit's values as a new
    procedure (performed by ``by_user``, origin field kit) on the asset as it is now;
    EDIT records ``edits`` (field key → value) the same way. A resolved conflict
    raises KitError; a procedure the service refuses raises its ValidationError and
    nothing is recorded.
    """
    choice = Choice(choice)
    try:
        with db.write() as session:
            person = acting_person(session, by_user)
            row = _find(session, conflict, lock=True)
            if row.resolution is not None:
                raise KitError(
                    f"conflict #{row.number} was already settled ({row.resolution}) on "
                    f"{row.resolved_at:%Y-%m-%d %H:%M}"
                )
            procedure_id: uuid.UUID | None = None
            messages: list[str] = []
            if choice is not Choice.TAKE_SERVER:
                procedure_id, message = _record(
                    session, row, choice, person.username, edits, note.strip()
                )
                messages.append(message)
            elif edits:
                raise KitError("edits are given only with the choice 'edit'")
            row.resolution = choice.value
            row.resolved_by_id = person.id
            row.resolved_at = utcnow()
            row.resolution_note = note.strip()
            row.resolution_procedure_id = procedure_id
            session.flush()
            return Resolution(_conflict(session, row), procedure_id, tuple(messages))
    except StaleDataError:
        raise DesktopError(
            "the conflict was settled by someone else at the same moment; look at it again"
        ) from None


def _record(
    session: Session,
    row: KitConflict,
    choice: Choice,
    username: str,
    edits: Mapping[str, object] | None,
    why: str,
) -> tuple[uuid.UUID, str]:
    payload: dict[str, Any] = dict(row.payload or {})
    if row.record != "procedure" or "kind" not in payload:
        raise KitError(
            f"conflict #{row.number} is about a {row.record}: only the server's can be kept "
            "(do it again on the server if it is still needed)"
        )
    if choice is Choice.EDIT and not edits:
        raise KitError("say which values to record (field=value) for the choice 'edit'")
    kind = ProcedureKind(payload["kind"])
    asset_id = row.asset_id
    if kind is not ProcedureKind.RECEIVE:
        if asset_id is None or session.get(Asset, asset_id) is None:
            raise KitError(
                f"conflict #{row.number}: the asset {row.asset_tag} is not on the server; "
                "settle the conflict of its receipt first"
            )
    elif asset_id is not None and session.get(Asset, asset_id) is not None:
        asset_id = uuid.uuid4()
    values = (
        keyed(edits, _custom_fields(session, row))  # "RAM (GB)" is custom.ram_gb
        if choice is Choice.EDIT and edits is not None
        else None
    )
    if values is not None and kind is ProcedureKind.RECEIVE:
        values = {**payload["values"], **values}
    verb = "Re-applied" if choice is Choice.REAPPLY_KIT else "Edited"
    request = request_from_payload(
        payload,
        performed_by=username,
        procedure_id=None,
        asset_id=asset_id,
        note=(
            f"{verb} from field kit conflict #{row.number} (the kit's {kind.label.lower()} "
            f"by {row.performed_by} at {row.performed_at:%Y-%m-%d %H:%M})."
            + (f" {why}" if why else "")  # the settler's why, in the asset's history too
        ),
        origin_detail=f"conflict #{row.number} of field kit {row.kit_id}",
        values=values,
    )
    try:
        with session.begin_nested():
            outcome = record_in_session(session, request)
    except ValidationError as problem:
        raise ValidationError(
            problem.problems, subject=f"conflict #{row.number} ({problem.subject})"
        ) from None
    return outcome.procedure_id, (
        f"{kind.label} recorded on {outcome.asset_tag} ({outcome.state.value.replace('_', ' ')})"
    )
