"""A small, realistic world for tests: sites, rooms, groups, people with roles, categories."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop.domain.lifecycle import Origin, ProcedureKind
from desktop.services import reference
from desktop.services.procedures import ProcedureOutcome, ProcedureRequest, record_procedure
from desktop.storage.database import Database

RECEIVE_CHECKLIST = {"inspected": True, "contents_match": True}
INSTALL_CHECKLIST = {"powers_on": True, "handover": True}


@dataclass
class World:
    db: Database
    laptop_category: uuid.UUID
    monitor_category: uuid.UUID
    site: uuid.UUID
    building: uuid.UUID
    room_a: uuid.UUID
    room_b: uuid.UUID
    other_site_room: uuid.UUID
    service_desk: uuid.UUID
    infrastructure: uuid.UUID
    change_board: uuid.UUID
    people: dict[str, uuid.UUID] = field(default_factory=dict)

    def receive(
        self,
        *,
        tag: str | None = None,
        name: str = "ThinkPad T14",
        performed_by: str = "tech",
        values: Mapping[str, object] | None = None,
        category: uuid.UUID | None = None,
    ) -> ProcedureOutcome:
        merged: dict[str, object] = {
            "name": name,
            "category": category or self.laptop_category,
            "location": self.room_a,
        }
        if tag is not None:
            merged["tag"] = tag
        merged.update(values or {})
        return record_procedure(
            self.db,
            ProcedureRequest(
                kind=ProcedureKind.RECEIVE,
                performed_by=performed_by,
                values=merged,
                checklist=RECEIVE_CHECKLIST,
                origin=Origin.COMMAND_LINE,
                reason="delivery",
            ),
        )

    def install(
        self,
        tag: str,
        *,
        performed_by: str = "tech",
        location: uuid.UUID | None = None,
        assigned_to: str = "user",
    ) -> ProcedureOutcome:
        return record_procedure(
            self.db,
            ProcedureRequest(
                kind=ProcedureKind.INSTALL,
                performed_by=performed_by,
                asset_tag=tag,
                values={
                    "location": location or self.room_b,
                    "assigned_to": self.people[assigned_to],
                },
                checklist=INSTALL_CHECKLIST,
                ticket_ref="INC-1",
                reason="new starter",
            ),
        )

    def decommission(
        self, tag: str, *, performed_by: str = "tech", evidence: str = "WIPE-1"
    ) -> ProcedureOutcome:
        """Record a decommission of ``tag`` (to the branch store): it waits for approvers."""
        return record_procedure(
            self.db,
            ProcedureRequest(
                kind=ProcedureKind.DECOMMISSION,
                performed_by=performed_by,
                asset_tag=tag,
                values={"location": self.other_site_room},
                answers={
                    "sanitisation_method": "Purge: cryptographic erase (NIST SP 800-88)",
                    "evidence_reference": evidence,
                },
                checklist={"accounts_removed": True},
                reason="end of life",
            ),
        )


def seed_world(db: Database) -> World:
    with db.write() as s:
        laptop = reference.create_category(
            s,
            name="Laptop",
            tag_prefix="LAP",
            audit_interval_days=365,
            custom_fields=[
                {"key": "ram_gb", "label": "RAM (GB)", "type": "number"},
                {"key": "encrypted", "label": "Disk encrypted", "type": "yesno"},
            ],
        )
        monitor = reference.create_category(
            s, name="Monitor", tag_prefix="MON", audit_interval_days=730
        )
        site = reference.create_location(s, name="Head office", kind="site", code="SITE-HQ")
        building = reference.create_location(
            s, name="Building A", kind="building", parent_id=site.id
        )
        room_a = reference.create_location(
            s, name="Room A1", kind="room", parent_id=building.id, code="ROOM-A1"
        )
        room_b = reference.create_location(
            s, name="Room A2", kind="room", parent_id=building.id, code="ROOM-A2"
        )
        other = reference.create_location(s, name="Branch", kind="site")
        other_room = reference.create_location(
            s, name="Branch store", kind="room", parent_id=other.id
        )
        desk = reference.create_group(s, name="Service desk")
        infra = reference.create_group(s, name="Infrastructure")
        board = reference.create_group(s, name="Change board")
        people = {
            "tech": reference.create_person(
                s, name="Tess Tech", username="tech", groups=[desk], roles=["technician"]
            ),
            "tech2": reference.create_person(
                s,
                name="Tom Tech",
                username="tech2",
                groups=[desk],
                roles=["technician", "approver"],
            ),
            "infra": reference.create_person(
                s,
                name="Ivy Infra",
                username="infra",
                groups=[infra],
                roles=["technician", "approver"],
            ),
            "approver": reference.create_person(
                s, name="Abe Approver", username="approver", groups=[board], roles=["approver"]
            ),
            "approver2": reference.create_person(
                s, name="Ada Approver", username="approver2", groups=[board], roles=["approver"]
            ),
            "auditor": reference.create_person(
                s, name="Aud Itor", username="auditor", groups=[board], roles=["auditor"]
            ),
            "admin": reference.create_person(
                s, name="Adm In", username="admin", groups=[infra], roles=["administrator"]
            ),
            "user": reference.create_person(
                s, name="Una User", username="user", email="una@example.org"
            ),
        }
        return World(
            db=db,
            laptop_category=laptop.id,
            monitor_category=monitor.id,
            site=site.id,
            building=building.id,
            room_a=room_a.id,
            room_b=room_b.id,
            other_site_room=other_room.id,
            service_desk=desk.id,
            infrastructure=infra.id,
            change_board=board.id,
            people={k: p.id for k, p in people.items()},
        )
