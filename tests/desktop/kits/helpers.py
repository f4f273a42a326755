"""Making kits and working in them, for the kit tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from desktop import kits
from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureOutcome, ProcedureRequest, record_procedure
from desktop.storage.database import Database, open_database
from desktop.storage.models import Person, Procedure
from tests.factories import RECEIVE_CHECKLIST, World


@contextmanager
def kit_of(
    world: World, path: Path, *, locations: tuple[str, ...] = ("Head office",), by: str = "tech"
) -> Iterator[World]:
    """Check a kit out of ``world`` (as ``by``) and yield the same world working in the kit."""
    scope = kits.resolve_scope(world.db, locations=list(locations))
    kits.checkout(world.db, scope, by, path)
    kit = open_database(f"sqlite:///{path}")
    try:
        yield dataclasses.replace(world, db=kit)
    finally:
        kit.dispose()


def change(
    db: Database, tag: str, values: Mapping[str, object], *, by: str = "tech"
) -> ProcedureOutcome:
    return record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=by,
            asset_tag=tag,
            values=dict(values),
            answers={"change_type": "Repair"},
            impact="low",
            likelihood="low",
            reason="field work",
        ),
    )


def receive_laptop(db: Database, world: World, name: str) -> ProcedureOutcome:
    """A laptop received into Room A by the technician, as in the GUI's form."""
    return record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by="tech",
            values={"name": name, "category": world.laptop_category, "location": world.room_a},
            checklist=RECEIVE_CHECKLIST,
            origin=Origin.GUI,
        ),
    )


def procedure_count(db: Database) -> int:
    with db.read() as s:
        return int(s.execute(select(func.count()).select_from(Procedure)).scalar_one())


def set_person(db: Database, username: str, *, active: bool, roles: list[str]) -> None:
    """The server's person ``username`` now has ``roles`` (and is active or has left)."""
    with db.write() as s:
        person = s.execute(select(Person).where(Person.username == username)).scalar_one()
        reference.update_person(
            s,
            person_id=person.id,
            expected_version=None,
            name=person.name,
            username=person.username,
            email=person.email,
            active=active,
            roles=roles,
        )
