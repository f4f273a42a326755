"""A login renamed on the server between two syncs in one running program.

The sync looked user names up by person id in a cache that lived as long as the process (the
window stays open for days): after an administrator renamed ``tech`` to ``t.hughes``, the
next kit's records were replayed as ``tech``, a name the server no longer has, and refused.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.kits.model import Outcome
from desktop.kits.sync import sync
from desktop.services import reference
from desktop.storage.database import Database
from desktop.storage.models import Person
from tests.desktop.kits.helpers import change, kit_of
from tests.factories import seed_world


def _rename(db: Database, old: str, new: str) -> None:
    with db.write() as s:
        person = s.execute(select(Person).where(Person.username == old)).scalar_one()
        reference.update_person(
            s,
            person_id=person.id,
            expected_version=person.version,
            name=person.name,
            username=new,
            email=person.email,
            active=True,
            roles=[r.name for r in person.roles],
        )


def test_a_kit_synced_after_its_login_was_renamed_replays_under_the_new_name(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    with kit_of(world, tmp_path / "first.adkit") as field:
        change(field.db, "LAP-1", {"name": "Renamed on Monday"})
        first = sync(field.db, sqlite_db, "tech")
    assert first.counts()[Outcome.APPLIED] == 1, first

    _rename(sqlite_db, "tech", "t.hughes")
    with kit_of(world, tmp_path / "second.adkit", by="t.hughes") as field:
        change(field.db, "LAP-2", {"name": "Renamed on Tuesday"}, by="t.hughes")
        second = sync(field.db, sqlite_db, "t.hughes")
    assert second.counts()[Outcome.APPLIED] == 1, second.results
