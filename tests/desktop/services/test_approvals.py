"""Change approval and segregation of duties — every rule tried and held, on every backend."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop.domain.lifecycle import AssetStatus, ProcedureKind, ProcedureState
from desktop.errors import DesktopError, PermissionDeniedError, ValidationError
from desktop.services.approvals import (
    Decision,
    approve,
    decide_in_session,
    inbox_count,
    pending_approvals,
    reject,
    withdraw,
)
from desktop.services.procedures import ProcedureOutcome, ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail, asset_history
from desktop.storage.models import Approval, Asset, Group, Person, Procedure
from tests.factories import World

DECOMMISSION_ANSWERS = {
    "sanitisation_method": "Purge: cryptographic erase (NIST SP 800-88)",
    "evidence_reference": "WIPE-2026-0042",
}


def installed(world: World, tag: str) -> None:
    world.receive(tag=tag)
    world.install(tag)


def request_risky_change(
    world: World, tag: str, *, by: str = "tech", values: dict[str, Any] | None = None
) -> ProcedureOutcome:
    return record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by=by,
            asset_tag=tag,
            values=values or {"location": world.room_a, "status": "in_repair", "custom.ram_gb": 32},
            answers={"change_type": "Repair"},
            impact="high",
            likelihood="high",
            ticket_ref="CHG-7",
            reason="mainboard swap",
        ),
    )


def request_decommission(world: World, tag: str, *, by: str = "tech") -> ProcedureOutcome:
    return record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.DECOMMISSION,
            performed_by=by,
            asset_tag=tag,
            values={"location": world.other_site_room},
            answers=DECOMMISSION_ANSWERS,
            checklist={"accounts_removed": True},
            reason="end of life",
        ),
    )


def asset_state(world: World, tag: str) -> tuple[str, uuid.UUID | None, int, dict[str, Any]]:
    with world.db.read() as s:
        detail = asset_detail(s, tag=tag)
    return detail.row.status, detail.location_id, detail.row.version, detail.custom_fields


def procedure_state(world: World, procedure_id: uuid.UUID) -> str:
    with world.db.read() as s:
        return s.execute(select(Procedure.state).where(Procedure.id == procedure_id)).scalar_one()


def approval_count(world: World, procedure_id: uuid.UUID) -> int:
    with world.db.read() as s:
        return s.execute(
            select(func.count()).select_from(Approval).where(Approval.procedure_id == procedure_id)
        ).scalar_one()


# -- pending procedures ------------------------------------------------------------------


def test_high_risk_change_applies_exactly_its_changes_at_the_last_approval(world: World) -> None:
    installed(world, "LAP-1")
    before = asset_state(world, "LAP-1")
    pending = request_risky_change(world, "LAP-1")
    assert pending.state is ProcedureState.PENDING_APPROVAL
    assert (pending.risk_level, pending.approvals_required) == ("high", 2)
    assert asset_state(world, "LAP-1") == before

    first = approve(world.db, procedure_id=pending.procedure_id, approver="infra", comment="ok")
    assert (first.state, first.approvals_given) == (ProcedureState.PENDING_APPROVAL, 1)
    assert asset_state(world, "LAP-1") == before

    last = approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    assert last.state is ProcedureState.COMPLETED
    status, location, version, custom = asset_state(world, "LAP-1")
    assert status == AssetStatus.IN_REPAIR
    assert location == world.room_a
    assert custom == {"ram_gb": 32}
    assert version == before[2] + 1
    with world.db.read() as s:
        entry = asset_history(s, pending.asset_id)[0]
    assert entry.state == "completed"
    assert [(a["approver"], a["decision"], a["groups"]) for a in entry.approvals] == [
        ("Ivy Infra", "approve", ["Infrastructure"]),
        ("Abe Approver", "approve", ["Change board"]),
    ]


def test_pending_decommission_leaves_the_asset_unchanged_until_the_second_approval(
    world: World,
) -> None:
    installed(world, "LAP-2")
    pending = request_decommission(world, "LAP-2")
    assert pending.state is ProcedureState.PENDING_APPROVAL
    assert pending.approvals_required == 2
    approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    status, location, _, _ = asset_state(world, "LAP-2")
    assert (status, location) == (AssetStatus.IN_SERVICE, world.room_b)
    done = approve(world.db, procedure_id=pending.procedure_id, approver="approver2")
    assert done.state is ProcedureState.COMPLETED
    status, location, _, _ = asset_state(world, "LAP-2")
    assert (status, location) == (AssetStatus.DECOMMISSIONED, world.other_site_room)


def test_low_risk_change_needs_no_approval(world: World) -> None:
    installed(world, "LAP-3")
    outcome = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-3",
            values={"notes": "new dock"},
            answers={"change_type": "Other"},
            impact="low",
            likelihood="high",
        ),
    )
    assert outcome.state is ProcedureState.COMPLETED
    with pytest.raises(ValidationError, match="already completed"):
        approve(world.db, procedure_id=outcome.procedure_id, approver="approver")


# -- segregation of duties ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("auditor", "approver role"),  # Change board, but an auditor
        ("admin", "approver role"),  # an administrator is not an approver
        ("user", "approver role"),
        (
            "tech2",
            "same group as Tess Tech, who performs it \\(Service desk\\)",
        ),  # an approver in the performer's group
        ("tech", "their own procedure"),  # the performer
    ],
)
def test_who_may_not_approve_is_refused_and_nothing_is_recorded(
    world: World, who: str, reason: str
) -> None:
    installed(world, "LAP-4")
    before = asset_state(world, "LAP-4")
    pending = request_risky_change(world, "LAP-4")
    with pytest.raises(PermissionDeniedError, match=reason):
        approve(world.db, procedure_id=pending.procedure_id, approver=who)
    with pytest.raises(PermissionDeniedError, match=reason):
        reject(world.db, procedure_id=pending.procedure_id, approver=who, comment="no")
    assert approval_count(world, pending.procedure_id) == 0
    assert procedure_state(world, pending.procedure_id) == "pending_approval"
    assert asset_state(world, "LAP-4") == before


def test_an_approver_who_performs_a_change_cannot_approve_it(world: World) -> None:
    installed(world, "LAP-5")
    pending = request_risky_change(world, "LAP-5", by="infra")
    with pytest.raises(PermissionDeniedError, match="nobody approves their own"):
        approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    assert approval_count(world, pending.procedure_id) == 0


def test_joining_the_performers_group_later_takes_the_right_away(world: World) -> None:
    installed(world, "LAP-6")
    pending = request_risky_change(world, "LAP-6")
    with world.db.write() as s:
        infra = s.execute(select(Person).where(Person.username == "infra")).scalar_one()
        infra.groups = [*infra.groups, s.get_one(Group, world.service_desk)]
    with pytest.raises(PermissionDeniedError, match="Service desk"):
        approve(world.db, procedure_id=pending.procedure_id, approver="infra")


def test_the_same_person_cannot_count_twice(world: World) -> None:
    installed(world, "LAP-7")
    before = asset_state(world, "LAP-7")
    pending = request_risky_change(world, "LAP-7")
    approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    with pytest.raises(PermissionDeniedError, match="already decided"):
        approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    with pytest.raises(PermissionDeniedError, match="already decided"):
        reject(world.db, procedure_id=pending.procedure_id, approver="approver", comment="x")
    assert approval_count(world, pending.procedure_id) == 1
    assert procedure_state(world, pending.procedure_id) == "pending_approval"
    assert asset_state(world, "LAP-7") == before
    # Past the service, the database refuses a second decision by the same person too.
    with pytest.raises(IntegrityError), world.db.write() as s:
        s.add(
            Approval(
                procedure_id=pending.procedure_id,
                approver_id=world.people["approver"],
                decision="approve",
            )
        )
    assert approval_count(world, pending.procedure_id) == 1


def test_the_approvers_groups_at_decision_time_are_kept(world: World) -> None:
    installed(world, "LAP-8")
    pending = request_risky_change(world, "LAP-8")
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    with world.db.write() as s:
        infra = s.execute(select(Person).where(Person.username == "infra")).scalar_one()
        infra.groups = [s.get_one(Group, world.change_board)]
    with world.db.read() as s:
        stored = s.execute(
            select(Approval.approver_groups).where(Approval.procedure_id == pending.procedure_id)
        ).scalar_one()
    assert stored == [{"id": str(world.infrastructure), "name": "Infrastructure"}]


def test_an_inactive_approver_cannot_decide(world: World) -> None:
    installed(world, "LAP-9")
    pending = request_risky_change(world, "LAP-9")
    with world.db.write() as s:
        s.execute(select(Person).where(Person.username == "approver")).scalar_one().active = False
    with pytest.raises(PermissionDeniedError, match="no longer active"):
        approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    assert approval_count(world, pending.procedure_id) == 0


# -- rejection and withdrawal ------------------------------------------------------------


def test_a_rejection_needs_a_comment_and_ends_the_procedure(world: World) -> None:
    installed(world, "LAP-10")
    before = asset_state(world, "LAP-10")
    pending = request_risky_change(world, "LAP-10")
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            reject(world.db, procedure_id=pending.procedure_id, approver="approver", comment=empty)
        assert caught.value.fields() == {"comment"}
    assert approval_count(world, pending.procedure_id) == 0
    outcome = reject(
        world.db, procedure_id=pending.procedure_id, approver="approver", comment="no rollback plan"
    )
    assert outcome.state is ProcedureState.REJECTED
    with pytest.raises(ValidationError, match="already rejected"):
        approve(world.db, procedure_id=pending.procedure_id, approver="approver2")
    assert asset_state(world, "LAP-10") == before
    with world.db.read() as s:
        (decision,) = asset_history(s, pending.asset_id)[0].approvals
    assert (decision["decision"], decision["comment"]) == ("reject", "no rollback plan")


def test_the_requester_can_withdraw_and_nobody_else(world: World) -> None:
    installed(world, "LAP-11")
    before = asset_state(world, "LAP-11")
    pending = request_risky_change(world, "LAP-11")
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    for other in ("tech2", "approver", "admin"):
        with pytest.raises(PermissionDeniedError, match="only the person who requested it"):
            withdraw(world.db, procedure_id=pending.procedure_id, requester=other)
    outcome = withdraw(
        world.db, procedure_id=pending.procedure_id, requester="tech", reason="wrong asset"
    )
    assert outcome.state is ProcedureState.CANCELLED
    assert procedure_state(world, pending.procedure_id) == "cancelled"
    with pytest.raises(ValidationError, match="withdrawn"):
        approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    with pytest.raises(ValidationError, match="withdrawn"):
        withdraw(world.db, procedure_id=pending.procedure_id, requester="tech")
    assert asset_state(world, "LAP-11") == before


# -- re-validation against the asset's current version -----------------------------------


def test_an_asset_changed_meanwhile_makes_a_conflict_not_a_silent_apply(world: World) -> None:
    installed(world, "LAP-12")
    pending = request_risky_change(world, "LAP-12")
    # Someone moves the asset with a low-risk change while the request waits.
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech2",
            asset_tag="LAP-12",
            values={"location": world.other_site_room},
            answers={"change_type": "Move"},
            impact="low",
            likelihood="low",
        ),
    )
    moved = asset_state(world, "LAP-12")
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    outcome = approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    assert outcome.state is ProcedureState.CONFLICT
    assert "could not be applied" in outcome.message
    assert [(c.field, c.yours, c.theirs) for c in outcome.conflicts] == [
        ("Location", "Room A1", "Branch store")
    ]
    assert asset_state(world, "LAP-12") == moved
    with world.db.read() as s:
        note = s.execute(
            select(Procedure.note).where(Procedure.id == pending.procedure_id)
        ).scalar_one()
    assert "Location" in note
    assert "version" in note


def test_an_unrelated_change_meanwhile_is_also_a_conflict(world: World) -> None:
    installed(world, "LAP-13")
    pending = request_decommission(world, "LAP-13")
    record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag="LAP-13",
            values={"notes": "screen cracked"},
            answers={"change_type": "Other"},
        ),
    )
    approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    outcome = approve(world.db, procedure_id=pending.procedure_id, approver="approver2")
    assert outcome.state is ProcedureState.CONFLICT
    assert asset_state(world, "LAP-13")[0] == AssetStatus.IN_SERVICE


def test_concurrent_approvals_complete_the_procedure_once(world: World) -> None:
    installed(world, "LAP-14")
    version = asset_state(world, "LAP-14")[2]
    pending = request_risky_change(world, "LAP-14")
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    errors: list[BaseException] = []
    started = threading.Event()

    def second_approver() -> None:
        started.set()
        try:
            approve(world.db, procedure_id=pending.procedure_id, approver="approver2")
        except DesktopError as exc:
            errors.append(exc)

    with world.db.write() as first:
        outcome = decide_in_session(
            first,
            procedure_id=pending.procedure_id,
            approver="approver",
            decision=Decision.APPROVE,
        )
        assert outcome.state is ProcedureState.COMPLETED
        thread = threading.Thread(target=second_approver)
        thread.start()
        started.wait()
        time.sleep(0.5)  # the second session now waits on the first one's locks
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(errors) == 1
    assert "already completed" in str(errors[0])
    assert approval_count(world, pending.procedure_id) == 2
    assert procedure_state(world, pending.procedure_id) == "completed"
    assert asset_state(world, "LAP-14")[2] == version + 1


# -- the inbox ---------------------------------------------------------------------------


def test_the_inbox_says_who_may_decide_and_why_the_others_may_not(world: World) -> None:
    installed(world, "LAP-15")
    installed(world, "LAP-16")
    change = request_risky_change(world, "LAP-15")
    request_decommission(world, "LAP-16", by="infra")
    with world.db.read() as s:
        for_tech2 = {i.asset_tag: i for i in pending_approvals(s, for_user="tech2")}
        for_infra = {i.asset_tag: i for i in pending_approvals(s, for_user="infra")}
        counts = {u: inbox_count(s, u) for u in ("approver", "tech2", "infra", "auditor")}
    assert not for_tech2["LAP-15"].decidable
    assert "Service desk" in for_tech2["LAP-15"].why_not
    assert for_tech2["LAP-16"].decidable
    assert for_infra["LAP-15"].decidable
    assert "their own procedure" in for_infra["LAP-16"].why_not
    assert counts == {"approver": 2, "tech2": 1, "infra": 1, "auditor": 0}
    approve(world.db, procedure_id=change.procedure_id, approver="approver")
    with world.db.read() as s:
        item = next(i for i in pending_approvals(s, for_user="approver") if i.asset_tag == "LAP-15")
        assert inbox_count(s, "approver") == 1
    assert "already decided" in item.why_not
    assert (item.approvals_given, item.approvals_required) == (1, 2)


def test_a_unique_id_prefix_finds_a_pending_procedure(world: World) -> None:
    installed(world, "LAP-17")
    pending = request_risky_change(world, "LAP-17")
    outcome = approve(world.db, procedure_id=pending.procedure_id.hex[:8], approver="approver")
    assert outcome.approvals_given == 1
    with pytest.raises(DesktopError, match="at least 6"):
        approve(world.db, procedure_id="abc", approver="approver2")


def test_asset_row_is_untouched_by_a_refused_decision(world: World) -> None:
    installed(world, "LAP-18")
    pending = request_risky_change(world, "LAP-18")
    with world.db.read() as s:
        updated = s.execute(select(Asset.updated_at).where(Asset.tag == "LAP-18")).scalar_one()
    with pytest.raises(PermissionDeniedError):
        approve(world.db, procedure_id=pending.procedure_id, approver="tech2")
    with world.db.read() as s:
        assert (
            s.execute(select(Asset.updated_at).where(Asset.tag == "LAP-18")).scalar_one() == updated
        )


def test_a_tag_taken_meanwhile_is_a_conflict_even_when_the_asset_did_not_change(
    world: World,
) -> None:
    installed(world, "LAP-19")
    pending = request_risky_change(world, "LAP-19", values={"tag": "LAP-NEW"})
    world.receive(tag="lap-new ")  # another asset takes the tag while the request waits
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    outcome = approve(world.db, procedure_id=pending.procedure_id, approver="approver")
    assert outcome.state is ProcedureState.CONFLICT
    assert [p.field for p in outcome.problems] == ["tag"]
    with world.db.read() as s:
        assert asset_detail(s, asset_id=pending.asset_id).row.tag == "LAP-19"


def test_an_approved_tag_change_is_applied_with_its_key(world: World) -> None:
    installed(world, "LAP-20")
    pending = request_risky_change(world, "LAP-20", values={"tag": "LAP-20B"})
    approve(world.db, procedure_id=pending.procedure_id, approver="infra")
    approve(world.db, procedure_id=pending.procedure_id, approver="approver2")
    with world.db.read() as s:
        assert asset_detail(s, tag=" lap-20b").row.id == pending.asset_id
