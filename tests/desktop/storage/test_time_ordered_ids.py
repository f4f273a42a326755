"""Time-ordered ids: RFC 9562 version 7 UUIDs, increasing within a process."""

from __future__ import annotations

import time
import uuid

import pytest

from desktop.storage import time_ordered_ids as module
from desktop.storage.time_ordered_ids import time_ordered_hex, time_ordered_id, time_ordered_ids


def test_ids_are_version_7_with_the_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    made = time_ordered_ids(3)
    after = time.time_ns() // 1_000_000
    for value in made:
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert before <= value.int >> 80 <= after
    assert time_ordered_id().version == 7


def test_ids_increase_within_a_batch_across_batches_and_milliseconds() -> None:
    made = [text for _ in range(2000) for text in time_ordered_hex(7)]
    made += time_ordered_hex(5000)
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(len(text) == 32 and text == text.lower() for text in made)
    assert [uuid.UUID(hex=text).hex for text in made[:5]] == made[:5]


def test_a_clock_that_stands_still_or_goes_back_keeps_them_increasing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = time_ordered_hex(3)
    monkeypatch.setattr(module, "_clock", lambda: 1_000_000_000)  # 1970
    later = time_ordered_hex(3) + time_ordered_hex(2)
    assert first + later == sorted(first + later)
    assert {uuid.UUID(hex=text).int >> 80 for text in later} == {uuid.UUID(hex=first[0]).int >> 80}


def test_a_full_counter_moves_on_to_the_next_millisecond(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "_clock", lambda: 5_000_000_000_000 * 1_000_000)
    start = time_ordered_hex(1)
    millisecond = uuid.UUID(hex=start[0]).int >> 80
    # The counter near its end in the same millisecond: the next ids take the next one.
    monkeypatch.setattr(module, "_last", [millisecond, (1 << 42) - 3])
    made = time_ordered_hex(4)
    assert {uuid.UUID(hex=text).int >> 80 for text in made} == {millisecond + 1}
    assert start + made == sorted(start + made)


@pytest.mark.parametrize("start", [5, (3 << 30) - 4])  # within the low 30 bits; across them
def test_the_counter_counts_up_by_one_id_to_the_next(
    monkeypatch: pytest.MonkeyPatch, start: int
) -> None:
    """Each id's 42-bit counter (12 bits of rand_a, then 30 of rand_b after the variant)
    is the one before's plus one, also where its low 30 bits overflow into the high 12."""
    monkeypatch.setattr(module, "_clock", lambda: 6_000_000_000_000 * 1_000_000)
    millisecond = 6_000_000_000_000
    monkeypatch.setattr(module, "_last", [millisecond, start - 1])
    made = [uuid.UUID(hex=text) for text in time_ordered_hex(8)]
    counters = [(u.int >> 64 & 0xFFF) << 30 | (u.int >> 32 & (1 << 30) - 1) for u in made]
    assert counters == list(range(start, start + 8))
    assert all(u.int >> 80 == millisecond and u.version == 7 for u in made)
    assert all(u.variant == uuid.RFC_4122 for u in made)
    assert [u.hex for u in made] == sorted(u.hex for u in made)
