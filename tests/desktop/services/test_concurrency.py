"""Tags and versions under concurrent clients: no duplicate, no lost update."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import ConflictError, ValidationError
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.factories import RECEIVE_CHECKLIST, World

T = TypeVar("T")
CLIENTS = 20


def run_at_once(count: int, action: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``action(i)`` in ``count`` threads released together; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("did not run")] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except BaseException as exc:  # collected and asserted on below  # noqa: BLE001
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def own_client(db: Database) -> Database:
    """A separate client: its own engine and connection pool, as another laptop would have."""
    return Database(db.url)


def test_generated_tags_are_unique_with_twenty_clients(world: World) -> None:
    clients = [own_client(world.db) for _ in range(CLIENTS)]
    try:
        results = run_at_once(
            CLIENTS,
            lambda i: (
                record_procedure(
                    clients[i],
                    ProcedureRequest(
                        kind=ProcedureKind.RECEIVE,
                        performed_by="tech",
                        values={
                            "name": f"Laptop {i}",
                            "category": world.laptop_category,
                            "location": world.room_a,
                        },
                        checklist=RECEIVE_CHECKLIST,
                    ),
                ).asset_tag
            ),
        )
    finally:
        for client in clients:
            client.dispose()
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert sorted(results) == [f"LAP-{n:06d}" for n in range(1, CLIENTS + 1)]  # type: ignore[type-var]
    with world.db.read() as s:
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == CLIENTS


def test_generated_tags_skip_numbers_taken_by_hand(world: World) -> None:
    world.receive(tag="LAP-000001")
    world.receive(tag="lap-000002 ")
    assert world.receive().asset_tag == "LAP-000003"


@pytest.mark.parametrize("duplicate", ["LAP-7", "lap-7", "  Lap-7  "])
def test_tags_are_unique_case_insensitively_after_trimming(world: World, duplicate: str) -> None:
    world.receive(tag="LAP-7")
    with pytest.raises(ValidationError, match="already used") as caught:
        world.receive(tag=duplicate)
    assert caught.value.fields() == {"tag"}


def test_the_same_new_tag_from_two_clients_at_once_is_created_once(world: World) -> None:
    clients = [own_client(world.db) for _ in range(4)]
    try:
        results = run_at_once(
            4,
            lambda i: record_procedure(
                clients[i],
                ProcedureRequest(
                    kind=ProcedureKind.RECEIVE,
                    performed_by="tech",
                    values={
                        "tag": "DUP-1",
                        "name": "x",
                        "category": world.laptop_category,
                        "location": world.room_a,
                    },
                    checklist=RECEIVE_CHECKLIST,
                ),
            ),
        )
    finally:
        for client in clients:
            client.dispose()
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, ValidationError) for r in results if isinstance(r, BaseException))


def change_notes(db: Database, tag: str, notes: str, version: int) -> int:
    return record_procedure(
        db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="tech",
            asset_tag=tag,
            values={"notes": notes},
            answers={"change_type": "Record correction"},
            expected_version=version,
        ),
    ).asset_version


def test_a_stale_edit_is_a_conflict_showing_both_values(world: World) -> None:
    world.receive(tag="LAP-1")
    with world.db.read() as s:
        seen = asset_detail(s, tag="LAP-1").row.version  # both technicians open the form
    change_notes(world.db, "LAP-1", "screen replaced", seen)
    with pytest.raises(ConflictError) as caught:
        change_notes(world.db, "LAP-1", "keyboard replaced", seen)
    conflict = caught.value
    assert conflict.expected_version == seen
    assert conflict.current_version == seen + 1
    (field,) = conflict.conflicts
    assert (field.field, field.yours, field.theirs) == (
        "Notes",
        "keyboard replaced",
        "screen replaced",
    )
    assert "LAP-1" in conflict.message
    with world.db.read() as s:
        assert asset_detail(s, tag="LAP-1").row.notes == "screen replaced"
        procedures = s.execute(select(func.count()).select_from(Procedure)).scalar_one()
    assert procedures == 2  # receive + the one change that won


def test_concurrent_edits_of_one_asset_lose_no_update(world: World) -> None:
    world.receive(tag="LAP-2")
    clients = [own_client(world.db) for _ in range(8)]
    try:
        results = run_at_once(8, lambda i: change_notes(clients[i], "LAP-2", f"edit {i}", 1))
    finally:
        for client in clients:
            client.dispose()
    winners = [i for i, r in enumerate(results) if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(isinstance(r, ConflictError) for r in losers), losers
    with world.db.read() as s:
        detail = asset_detail(s, tag="LAP-2")
    assert detail.row.notes == f"edit {winners[0]}"
    assert detail.row.version == 2
    assert [h.kind for h in detail.history] == ["change", "receive"]
