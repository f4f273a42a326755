"""A server room with racks in the test world (one room to audit, see
``test_one_room_audit_cli``)."""

from __future__ import annotations

from sqlalchemy import select

from desktop.services import reference
from desktop.storage.models import Location
from tests.factories import World


def with_server_room(world: World) -> None:
    """Building A gets a server room with two racks; LAP-5 stands in Rack 1, LAP-6 in
    Rack 2, LAP-1 in Room A1."""
    with world.db.write() as s:
        building = s.execute(select(Location.id).where(Location.name == "Building A")).scalar_one()
        server = reference.create_location(
            s, name="Server room", kind="room", parent_id=building, code="ROOM-SRV"
        )
        racks = [
            reference.create_location(
                s, name=f"Rack {n}", kind="rack", parent_id=server.id, code=f"SRV-R{n}"
            ).id
            for n in (1, 2)
        ]
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-5", values={"location": racks[0]})
    world.receive(tag="LAP-6", values={"location": racks[1]})
