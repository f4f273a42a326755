"""Time-ordered ids (UUID version 7, RFC 9562) for rows made in bulk.

A random (version 4) id lands at a random place in every B-tree keyed by it — the
primary key's index, and each index of a column that refers to it — so once a table
outgrows the page cache nearly every insert reads and dirties a page of its own (at
1,000,000 imported rows, most of an import's insert time). A version 7 id starts with
the time in milliseconds, and these are made in increasing order within a process, so
rows made one after the other append at the right edge of those B-trees instead.

Ids stay opaque: nothing reads the time back, and a version 7 id is an RFC 9562 UUID
like a version 4 one (same variant bits), unique across laptops by its 74 random and
counter bits. Layout (RFC 9562 §5.7, with §6.2 method 1's counter):

* 48 bits: Unix time in milliseconds;
* 4 bits: the version, 7;
* 42 bits: a counter (the 12 bits of ``rand_a`` and the first 30 of ``rand_b``), started at
  a random value below 2^41 in each new millisecond and counted up within one, so ids
  made in the same millisecond still increase (a rollover moves on to the next
  millisecond);
* 2 bits: the variant, ``10``;
* 32 bits: random, fresh for each id.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_COUNTER_BITS = 42
_COUNTER_LIMIT = 1 << _COUNTER_BITS
#: The low 30 bits of the counter go into rand_b, after the variant bits.
_LOW_BITS = 30
_LOW_MASK = (1 << _LOW_BITS) - 1
_VERSION = 7 << 76
_VARIANT = 0b10 << 62

#: The clock read (nanoseconds since 1970; a test sets another).
_clock = time.time_ns
_lock = threading.Lock()
#: The last id's millisecond and counter (this process's ids increase).
_last = [0, 0]


def time_ordered_hex(count: int) -> list[str]:
    """``count`` new version 7 UUIDs as 32 lowercase hex digits (what SQLite stores for
    ``uuid.UUID(...).hex``), each greater than any made before it in this process."""
    tail = os.urandom(4 * count).hex()  # each id's random 32 bits: 8 hex digits
    with _lock:
        millisecond, counter = _next_start(count)
        _last[0], _last[1] = millisecond, counter + count - 1
    last = counter + count - 1
    if counter >> _LOW_BITS == last >> _LOW_BITS:
        # (Most batches: the counter's high 12 bits stay.) The first 16 digits are the
        # batch's (time, version, the counter's high bits), the next 8 the variant and
        # the counter's low 30 bits, counting up: no 128-bit number made per id.
        head = f"{(millisecond << 16) | _VERSION >> 64 | counter >> _LOW_BITS:016x}"
        low = _VARIANT >> 32 | (counter & _LOW_MASK)
        return [
            f"{head}{n:08x}{tail[k : k + 8]}"
            for k, n in zip(range(0, 8 * count, 8), range(low, low + count), strict=True)
        ]
    high = (millisecond << 80) | _VERSION | _VARIANT
    numbers = (
        high | (c >> _LOW_BITS) << 64 | (c & _LOW_MASK) << 32 | int(tail[k : k + 8], 16)
        for k, c in zip(range(0, 8 * count, 8), range(counter, counter + count), strict=True)
    )
    return [f"{n:032x}" for n in numbers]


def time_ordered_id() -> uuid.UUID:
    """A new version 7 UUID (see :func:`time_ordered_hex`)."""
    return uuid.UUID(hex=time_ordered_hex(1)[0])


def time_ordered_ids(count: int) -> list[uuid.UUID]:
    """``count`` new version 7 UUIDs, in increasing order."""
    return [uuid.UUID(hex=text) for text in time_ordered_hex(count)]


def _next_start(count: int) -> tuple[int, int]:
    """The millisecond and first counter value of the next ``count`` ids (under _lock)."""
    now = _clock() // 1_000_000
    last_millisecond, last_counter = _last
    if now > last_millisecond:
        return now, _fresh_counter()
    # The same millisecond (or the clock went back): count on from the last id.
    if last_counter + count < _COUNTER_LIMIT:
        return last_millisecond, last_counter + 1
    return last_millisecond + 1, _fresh_counter()


def _fresh_counter() -> int:
    """A random start below 2^41: at least 2^41 ids fit in its millisecond after it."""
    return int.from_bytes(os.urandom(6)) >> (48 - _COUNTER_BITS + 1)
