"""Completed procedures are history: no code path updates or deletes them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.errors import PermissionDeniedError
from desktop.storage.models import Procedure
from tests.factories import World


def test_a_completed_procedure_cannot_be_changed(world: World) -> None:
    world.receive(tag="LAP-1")
    with pytest.raises(PermissionDeniedError, match="cannot be changed"), world.db.write() as s:
        procedure = s.execute(select(Procedure)).scalar_one()
        procedure.reason = "rewritten later"
    with world.db.read() as s:
        assert s.execute(select(Procedure.reason)).scalar_one() == "delivery"


def test_a_completed_procedure_cannot_be_deleted(world: World) -> None:
    world.receive(tag="LAP-1")
    with pytest.raises(PermissionDeniedError, match="never deleted"), world.db.write() as s:
        s.delete(s.execute(select(Procedure)).scalar_one())
    with world.db.read() as s:
        assert len(s.execute(select(Procedure)).all()) == 1
