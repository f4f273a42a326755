"""Generated asset tags: unique under concurrent clients, and never a field kit's.

A prefix's tags are numbered; ``LAP-000124``, ``LAP124``, ``lap_00124`` all spell number
124 of ``LAP``. The counter (:class:`TagSequence`) hands out numbers no spelling of which
is in use, and a field kit's block of reserved numbers (:func:`reserve_block`) holds none
in use either: the counter is moved past the block, so the server never hands out a kit's
tag, and the block starts past the tags in use in its range (scanned or imported tags
numbered ahead of the counter).
"""

from __future__ import annotations

import json
import re

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session

from desktop.domain.tags import format_tag, normalize_tag
from desktop.errors import Problem, ValidationError
from desktop.storage.kitfile import session_is_kit
from desktop.storage.models import Asset, TagSequence

#: What may stand between a prefix and its number in a tag read as numbered.
_SEPARATORS = ("", "-", "_", ".", "/")
#: Longest number read (a sequence's value is a 32-bit integer).
_MAX_DIGITS = 9
#: Widest zero-padded spelling looked for when the counter checks a number.
_MAX_WIDTH = 12


def tag_in_use(session: Session, tag: str) -> bool:
    return (
        session.execute(select(Asset.id).where(Asset.tag_key == normalize_tag(tag))).first()
        is not None
    )


def tag_number(prefix: str, tag: str) -> int | None:
    """The number ``tag`` spells for ``prefix`` (``LAP-000101``, ``lap101``, ``LAP_0101``
    → 101), or None when it is not one of the prefix's numbered tags."""
    found = _pattern(prefix).match(normalize_tag(tag))
    return int(found[1]) if found else None


def _pattern(prefix: str) -> re.Pattern[str]:
    separators = "".join(re.escape(s) for s in _SEPARATORS if s)
    return re.compile(
        rf"^{re.escape(normalize_tag(prefix))}[{separators}]?0*(\d{{1,{_MAX_DIGITS}}})$"
    )


def number_in_use(session: Session, prefix: str, number: int) -> bool:
    """Whether any spelling of ``prefix``'s ``number`` is an asset's tag."""
    key = normalize_tag(prefix)
    digits = str(number)
    spellings = [
        f"{key}{separator}{digits.zfill(width)}"
        for separator in _SEPARATORS
        for width in range(len(digits), _MAX_WIDTH + 1)
    ]
    return session.execute(select(Asset.id).where(Asset.tag_key.in_(spellings))).first() is not None


def numbers_in_use_from(session: Session, prefix: str, start: int) -> list[int]:
    """The numbers ``>= start`` of ``prefix`` that some asset's tag spells, in order.

    One query on the tag index (a range of the prefix's keys where its collation order is
    sure: a prefix of letters and digits); the counter's own tags below ``start``
    (``lap-000001`` … of six digits, the bulk of a large register) stay on the server.
    """
    key = normalize_tag(prefix)
    counter_key = normalize_tag(format_tag(prefix, 0))  # lap-000000
    counter_style = and_(
        Asset.tag_key.startswith(f"{key}-", autoescape=True),
        func.length(Asset.tag_key) == len(counter_key),
    )
    if start <= 10 ** (len(counter_key) - len(key) - 1) - 1:
        counter_style = and_(
            counter_style, Asset.tag_key < normalize_tag(format_tag(prefix, start))
        )
    wanted = [Asset.tag_key.startswith(key, autoescape=True), not_(counter_style)]
    if re.fullmatch(r"[a-z0-9]*[a-y0-8]", key):
        wanted += [Asset.tag_key >= key, Asset.tag_key < key[:-1] + chr(ord(key[-1]) + 1)]
    keys = session.execute(select(Asset.tag_key).where(*wanted)).scalars()
    pattern = _pattern(prefix)
    numbers = {int(found[1]) for k in keys if (found := pattern.match(k))}
    return sorted(n for n in numbers if n >= start)


def locked_sequence(session: Session, prefix: str) -> TagSequence:
    """``prefix``'s counter, locked until the transaction ends (``SELECT … FOR UPDATE``;
    SQLite serialises writers with ``BEGIN IMMEDIATE``)."""
    sequence = session.execute(
        select(TagSequence)
        .where(TagSequence.prefix == prefix)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if sequence is None:
        sequence = TagSequence(prefix=prefix, next_value=1)
        session.add(sequence)
    return sequence


def allocate_tag(session: Session, prefix: str) -> str:
    """The next free tag for ``prefix`` (``LAP-000124``).

    The sequence row is locked until the transaction ends, so two clients never get the
    same number; numbers already spelt by a tag in use (imported or scanned, in any
    padding) are skipped, and kits' reserved blocks lie behind the counter. In a field
    kit the numbers come from the kit's blocks only: past the last one the receive is
    refused (a tag past it is the server's to give, and would collide at sync).
    """
    sequence = locked_sequence(session, prefix)
    blocks = _kit_blocks(session, prefix)
    while True:
        number = sequence.next_value
        if blocks is not None:
            number = _in_a_block(prefix, number, blocks)
        sequence.next_value = number + 1
        if not number_in_use(session, prefix, number):
            session.flush()
            return format_tag(prefix, number)


def _kit_blocks(session: Session, prefix: str) -> list[tuple[int, int]] | None:
    """In a field kit, ``prefix``'s reserved blocks (first, last) in order; else None."""
    if not session_is_kit(session):
        return None
    found = session.connection().exec_driver_sql("SELECT tag_blocks FROM kit_meta").scalar()
    blocks = json.loads(found) if found else []
    return sorted((int(b["first"]), int(b["last"])) for b in blocks if b["prefix"] == prefix)


def _in_a_block(prefix: str, number: int, blocks: list[tuple[int, int]]) -> int:
    for first, last in blocks:
        if number <= last:
            return max(number, first)
    held = ", ".join(f"{first}-{last}" for first, last in blocks) or "none"
    raise ValidationError(
        Problem(
            "tag",
            f"the field kit's {prefix} tags are used up (its blocks: {held}): type the new "
            "asset's tag, or sync the kit to get a new block",
        )
    )


def reserve_block(session: Session, prefix: str, size: int) -> int:
    """Reserve ``size`` consecutive numbers of ``prefix`` no tag in use spells, from the
    counter on, and move the counter past them; the first is returned.

    The counter is locked first, so two reservations (or a reservation and an allocation)
    queue; tags in use are read after the lock, each statement seeing what is committed
    (READ COMMITTED on the servers; SQLite's writers are serialised).
    """
    sequence = locked_sequence(session, prefix)
    first = sequence.next_value
    for number in numbers_in_use_from(session, prefix, first):
        if number >= first + size:
            break
        first = number + 1
    sequence.next_value = first + size
    session.flush()
    return first
