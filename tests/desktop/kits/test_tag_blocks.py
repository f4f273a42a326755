"""Kit tag blocks and the server's counter under concurrent clients (issue 16, point 2).

A block never holds a number a tag in use spells; two checkouts at once get disjoint
blocks; receives on the server during checkouts never take a kit's tag; and a tag typed
by hand and committed while a checkout waits for the counter's lock is seen by it.
"""

from __future__ import annotations

import itertools
import threading
import time

from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.kits.checkout import reserve_tag_blocks
from desktop.kits.model import TAG_BLOCK_SIZE, TagBlock
from desktop.services.procedures import ProcedureRequest, record_in_session, record_procedure
from desktop.services.tags import (
    UsedNumbers,
    locked_sequence,
    numbers_in_use_from,
    reserve_block,
    tag_number,
)
from desktop.storage.models import Category, TagSequence
from tests.desktop.services.test_concurrency import own_client, run_at_once
from tests.factories import RECEIVE_CHECKLIST, World


def _receive(world: World, tag: str | None = None, name: str = "Laptop") -> ProcedureRequest:
    values: dict[str, object] = {
        "name": name,
        "category": world.laptop_category,
        "location": world.room_a,
    }
    if tag is not None:
        values["tag"] = tag
    return ProcedureRequest(
        kind=ProcedureKind.RECEIVE, performed_by="tech", values=values, checklist=RECEIVE_CHECKLIST
    )


def test_a_tag_number_is_read_in_any_spelling() -> None:
    spelt = ["LAP-000101", "lap101", "LAP_0101", "Lap.101", "LAP/00000000101"]
    assert {tag_number("LAP", t) for t in spelt} == {101}
    assert [tag_number("LAP", t) for t in ("LAPX1", "LAP-1a", "LAP--1", "MON-000101")] == [None] * 4


def test_numbers_in_use_past_six_digits_and_for_any_prefix(world: World) -> None:
    for tag in ("LAP-000005", "LAP-1000003", "lap00999999", "LAP9-000003", "lap9_7", "LAPZ-4"):
        world.receive(tag=tag)
    with world.db.read() as session:
        assert numbers_in_use_from(session, "LAP", 1) == [5, 999999, 1000003]
        assert numbers_in_use_from(session, "LAP", 1_000_000) == [1000003]
        assert numbers_in_use_from(session, "LAP9", 1) == [3, 7]  # no key range for "9"
        assert numbers_in_use_from(session, "LAPZ", 4) == [4]


def test_the_counter_skips_numbers_spelt_by_tags_in_use(world: World) -> None:
    for tag in ("LAP-1", "lap_00002", "LAP-000004"):
        world.receive(tag=tag)
    made = [record_procedure(world.db, _receive(world)).asset_tag for _ in range(2)]
    assert made == ["LAP-000003", "LAP-000005"]


def test_a_block_starts_past_the_tags_in_use_in_its_range(world: World) -> None:
    for tag in ("LAP-000002", "LAP-0300", "lap450", "LAP-000900"):
        world.receive(tag=tag)
    with world.db.write() as session:
        (first,) = reserve_tag_blocks(session, ["LAP"])
        (second,) = reserve_tag_blocks(session, ["LAP"])
    # 1-500 holds 2, 300 and 450; 451-950 holds 900; 901-1400 is free.
    assert (first.first, first.last) == (901, 901 + TAG_BLOCK_SIZE - 1)
    assert second.first == first.last + 1
    with world.db.read() as session:
        sequence = session.get(TagSequence, "LAP")
        assert sequence is not None and sequence.next_value == second.last + 1


#: Numbers 1-20 and 23 of LAP, each in another spelling: separators, zero padding from
#: none to 17 digits; LAP-0005X and LAP-00019-2 spell nothing.
DENSE = [
    f"{('LAP', 'lap', 'Lap')[n % 3]}{('-', '', '_', '.', '/')[n % 5]}{'0' * (n % 8)}{n}"
    for n in range(1, 21)
] + ["LAP-000000000000000023", "LAP-0005X", "LAP-00019-2"]


def test_a_block_skips_a_dense_run_longer_than_its_window(world: World) -> None:
    for tag in DENSE:
        world.receive(tag=tag)
    with world.db.write() as session:
        # Windows of 4, 8, 16 numbers are read before 21-22 (free), 23 (used), 24-27.
        assert reserve_block(session, "LAP", 4) == 24
        assert reserve_block(session, "LAP", 4) == 28
        sequence = session.get(TagSequence, "LAP")
        assert sequence is not None and sequence.next_value == 32
    with world.db.read() as session:
        used = UsedNumbers(session, "LAP")
        assert used.between(1, 40) == {*range(1, 21), 23}
        assert used.free_numbers(1, 4, taken={22, 25}) == [21, 24, 26, 27]
        assert numbers_in_use_from(session, "LAP", 19) == [19, 20, 23]


#: An old system's spelling numbering 1-60 but 50-52, then other spellings: 61, 62, 9000.
OLD_SYSTEM = [f"LAP-{n:07}" for n in range(1, 61) if not 50 <= n <= 52] + [
    "lap61",
    "Lap_062",
    "LAP.9000",
]


def _first_free_run(used: set[int], start: int, size: int) -> int:
    first = start
    while any(n in used for n in range(first, first + size)):
        first += 1
    return first


def test_a_block_behind_a_dense_run_of_another_spelling_jumps_it(world: World) -> None:
    """The counter at 1 behind an old system's tags: counting the spelling's keys (57 of
    the 60 numbers up to its highest, 3 gaps) tells no block of 4 starts before 58; the
    blocks are the first free runs all the same."""
    for tag in OLD_SYSTEM:
        world.receive(tag=tag)
    used_numbers = {*range(1, 61), 61, 62, 9000} - {50, 51, 52}
    with world.db.read() as session:
        used = UsedNumbers(session, "LAP")
        assert used.between(1, 5) == {1, 2, 3, 4}  # read: the spelling ("-", 7 digits)
        assert used.past_dense_runs(1, 4) == 58  # 60 - 3 gaps + 1
        assert used.past_dense_runs(1, 3) == 1  # 50-52 could hold a run of 3
        assert used.free_numbers(1, 5, taken=set()) == [50, 51, 52, 63, 64]
    with world.db.write() as session:
        assert reserve_block(session, "LAP", 4) == _first_free_run(used_numbers, 1, 4) == 63
        assert reserve_block(session, "LAP", 3) == 67
        assert reserve_block(session, "MON", 4) == 1  # no tag of its own
    with world.db.write() as session:
        session.get(TagSequence, "LAP").next_value = 1  # type: ignore[union-attr]
    with world.db.write() as session:
        assert reserve_block(session, "LAP", 3) == _first_free_run(used_numbers, 1, 3) == 50


def test_blocks_of_prefixes_ending_in_z_or_9(world: World) -> None:
    for tag in ("LAPZ-1", "lapz2", "LAPZ_0003", "LAPZZ-4", "LAP9-000001", "lap9_2", "LAP93"):
        world.receive(tag=tag)
    with world.db.write() as session:
        assert reserve_block(session, "LAPZ", 2) == 4  # LAPZZ-4 is not LAPZ's
        assert reserve_block(session, "LAP9", 2) == 4  # lap93 is LAP9's 3 (and LAP's 93)
        assert reserve_block(session, "LAP", 2) == 1
        assert reserve_block(session, "LAP", 100) == 94


def test_checkouts_and_receives_at_once_never_share_a_number(world: World) -> None:
    world.receive(tag="LAP-000007")
    checkouts, receives = 4, 8
    clients = [own_client(world.db) for _ in range(checkouts + receives)]

    def act(i: int) -> TagBlock | str:
        if i < checkouts:
            with clients[i].write() as session:
                (block,) = reserve_tag_blocks(session, ["LAP"])
                return block
        return record_procedure(clients[i], _receive(world, name=f"Laptop {i}")).asset_tag

    try:
        results = run_at_once(len(clients), act)
    finally:
        for client in clients:
            client.dispose()
    assert [r for r in results if isinstance(r, BaseException)] == []
    blocks = sorted((r for r in results if isinstance(r, TagBlock)), key=lambda b: b.first)
    tags = [r for r in results if isinstance(r, str)]
    numbers = [tag_number("LAP", t) for t in tags]
    assert len(blocks) == checkouts and len(set(tags)) == receives
    for earlier, later in itertools.pairwise(blocks):
        assert earlier.last < later.first
    for block in blocks:
        assert not block.first <= 7 <= block.last
        assert not any(n is not None and block.first <= n <= block.last for n in numbers)


def test_a_tag_committed_while_a_checkout_waits_is_seen_by_it(world: World) -> None:
    """The checkout read the categories first (a snapshot, were it repeatable read), then
    waits for the counter's lock held by a receive typing LAP-000003: once the receive
    commits, the block starts past it."""
    holder, waiter = own_client(world.db), own_client(world.db)
    locked, release = threading.Event(), threading.Event()
    got: list[TagBlock] = []

    def hold() -> None:
        with holder.write() as session:
            locked_sequence(session, "LAP")
            record_in_session(session, _receive(world, tag="LAP-000003"))
            locked.set()
            release.wait(30)

    def check_out() -> None:
        with waiter.write() as session:
            session.execute(select(Category.tag_prefix)).all()
            got.extend(reserve_tag_blocks(session, ["LAP"]))

    first = threading.Thread(target=hold)
    first.start()
    try:
        assert locked.wait(30)
        second = threading.Thread(target=check_out)
        second.start()
        time.sleep(1.0)
        assert got == []  # it waits for the lock
        release.set()
        first.join(30)
        second.join(30)
    finally:
        release.set()
        holder.dispose()
        waiter.dispose()
    (block,) = got
    assert block.first == 4, block
