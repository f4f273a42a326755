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
from collections.abc import Iterable

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.domain.tags import TAG_MAX_LENGTH, format_tag, normalize_tag
from desktop.errors import Problem, ValidationError
from desktop.storage.kitfile import session_is_kit
from desktop.storage.models import Asset, KitCheckout, Person, TagSequence

#: What may stand between a prefix and its number in a tag read as numbered.
_SEPARATORS = ("", "-", "_", ".", "/")
#: Longest number read (a sequence's value is a 32-bit integer).
_MAX_DIGITS = 9
#: Widest padding the counter looks up at once (wider is rare: looked up when some is).
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


def numbers_spelt(prefix: str, tags: Iterable[str]) -> set[int]:
    """The numbers of ``prefix`` that ``tags`` spell (in any spelling)."""
    pattern = _pattern(prefix)
    return {int(found[1]) for tag in tags if (found := pattern.match(normalize_tag(tag)))}


def _pattern(prefix: str) -> re.Pattern[str]:
    separators = "".join(re.escape(s) for s in _SEPARATORS if s)
    return re.compile(
        rf"^{re.escape(normalize_tag(prefix))}[{separators}]?0*(\d{{1,{_MAX_DIGITS}}})$"
    )


def number_in_use(session: Session, prefix: str, number: int) -> bool:
    """Whether any spelling of ``prefix``'s ``number`` is an asset's tag: the rule of
    :class:`UsedNumbers` (any separator, any padding a tag's length allows). One lookup
    of the spellings up to 12 digits, and of whether any key is padded wider; only then
    (rare) a second one of all the spellings a tag's length allows."""
    key, digits = normalize_tag(prefix), str(number)

    def spellings(widest: int) -> list[str]:
        return [
            f"{key}{separator}{digits.zfill(width)}"
            for separator in _SEPARATORS
            for width in range(len(digits), min(widest, TAG_MAX_LENGTH - len(key + separator)) + 1)
        ]

    short, zeros = spellings(_MAX_WIDTH), _MAX_WIDTH + 1 - len(digits)
    padded_wider = [  # keys with the zeros of a wider spelling, and its length
        and_(
            Asset.tag_key >= f"{key}{separator}{'0' * zeros}",
            Asset.tag_key < f"{key}{separator}{'0' * (zeros - 1)}1",
            func.length(Asset.tag_key) > len(key + separator) + _MAX_WIDTH,
        )
        for separator in _SEPARATORS
    ]
    found = session.execute(
        select(Asset.tag_key).where(or_(Asset.tag_key.in_(short), *padded_wider)).limit(1)
    ).scalar()
    if found is None or found in short:
        return found is not None
    found = session.execute(
        select(Asset.tag_key).where(Asset.tag_key.in_(spellings(TAG_MAX_LENGTH))).limit(1)
    ).scalar()
    return found is not None


def numbers_in_use_from(session: Session | Connection, prefix: str, start: int) -> list[int]:
    """The numbers ``>= start`` of ``prefix`` that some asset's tag spells, in order."""
    return sorted(UsedNumbers(session, prefix).between(start, _NUMBER_STOP))


#: Past the longest number read: no tag spells it.
_NUMBER_STOP = 10**_MAX_DIGITS


class UsedNumbers:
    """The numbers of ``prefix`` spelt by tags in use, read window by window.

    A window ``[first, stop)`` is read as short ranges of the unique tag index: for each
    separator, each run of leading zeros a tag of the prefix has, and each digit count,
    the keys from ``lap-00`` + first to ``lap-00`` + last. A key spelling one of the
    window's numbers always lies in its range whatever the database's collation (the
    bounds differ from it only in digits) and has its length; what else a range holds
    (longer keys: ``lap-0012345`` lies between ``lap-00100`` and ``lap-00199``) the
    database skips by length, and another separator in a collation that ignores
    punctuation is filtered by the pattern. The cost follows the window, not the
    register: a window past the tags in use reads nothing; a run one spelling fills far
    past the window is counted, not read (:meth:`past_dense_runs`). How many leading
    zeros the prefix's tags have is probed once, for all separators at once (a key
    ``lap-0000000`` says seven at once).
    """

    def __init__(self, session: Session | Connection, prefix: str) -> None:
        self._session = session
        self._prefix = prefix
        self._key = normalize_tag(prefix)
        self._zeros: dict[str, int] = {}
        #: The spellings (separator, width) of the keys the last window read.
        self._spellings: set[tuple[str, int]] = set()

    def between(self, first: int, stop: int) -> set[int]:
        """The numbers in ``[first, stop)`` some tag in use spells."""
        first, stop = max(first, 0), min(stop, _NUMBER_STOP)
        if first >= stop:
            return set()
        digit_runs = []  # (lowest, highest) of the window's numbers of each digit count
        for digits in range(len(str(first)), len(str(stop - 1)) + 1):
            lowest = max(first, 10 ** (digits - 1) if digits > 1 else 0)
            digit_runs.append((str(lowest), str(min(stop - 1, 10**digits - 1))))
        ranges = [
            and_(
                Asset.tag_key.between(f"{start}{lowest}", f"{start}{highest}"),
                func.length(Asset.tag_key) == len(start) + len(lowest),
            )
            for separator in _SEPARATORS
            for zeros in range(self._most_zeros(separator) + 1)
            for start in [f"{self._key}{separator}{'0' * zeros}"]
            for lowest, highest in digit_runs
        ]
        pattern, found = _pattern(self._prefix), set()
        self._spellings.clear()
        for key in self._session.execute(select(Asset.tag_key).where(or_(*ranges))).scalars():
            if (spelt := pattern.match(key)) and first <= (number := int(spelt[1])) < stop:
                found.add(number)
                self._spellings.add(_spelling(key[len(self._key) :]))
        return found

    def first_free_run(self, start: int, size: int) -> int:
        """The first of ``size`` consecutive numbers from ``start`` on that no tag spells;
        windows double while they are dense."""
        first, window_start, span = start, start, size
        while True:
            stop = max(window_start + span, first + size)
            for number in sorted(self.between(window_start, stop)):
                if number >= first + size:
                    break
                first = max(first, number + 1)
            if first + size <= stop:
                return first
            window_start, span = stop, span * 2
            if (past := self.past_dense_runs(first, size)) > first:
                first = window_start = past  # the numbers before ``past`` hold no free run
                span = size

    def free_numbers(self, start: int, count: int, taken: set[int]) -> list[int]:
        """The first ``count`` numbers from ``start`` on that neither a tag in use nor
        ``taken`` holds; windows double while they are dense."""
        found: list[int] = []
        window_start, span = start, max(count, 64)
        while len(found) < count:
            stop = window_start + span
            used = self.between(window_start, stop) | taken
            free = [n for n in range(window_start, stop) if n not in used]
            found += free[: count - len(found)]
            window_start, span = stop, span * 2
            if not free:  # a spelling may fill far more than the window: count, jump
                window_start = self.past_dense_runs(stop, 1)
        return found

    def past_dense_runs(self, first: int, size: int) -> int:
        """The first number from ``first`` on where ``size`` free numbers in a row may
        start, as far as counting the keys of the spellings the last window read tells
        (a count and a max, no key read): if one spelling's keys spell all but
        ``gaps < size`` of the numbers from ``first`` to its highest ``top``, no run of
        ``size`` free numbers starts before ``top - gaps + 1`` (it would need more free
        numbers there than there are). A spelling is a separator and a width
        (``lap-0000001``: ``-`` and 7); its keys are distinct, so each counts one number."""
        past = first
        for top, count in self._spelling_counts(first):
            gaps = top - first + 1 - count
            if 0 <= gaps < size:
                past = max(past, top - gaps + 1)
        return past

    def _spelling_counts(self, first: int) -> list[tuple[int, int]]:
        """For each spelling the last window read: its highest number from ``first`` on
        and how many keys it has from ``first`` to there. One statement, a count and a max
        per range of :meth:`between`'s shape (a run of zeros, a digit count)."""
        queries = []
        for index, (separator, width) in enumerate(sorted(self._spellings)):
            for digits in range(len(str(first)), min(width, _MAX_DIGITS) + 1):
                start = f"{self._key}{separator}{'0' * (width - digits)}"
                lowest = max(first, 10 ** (digits - 1) if digits > 1 else 0)
                queries.append(
                    select(literal(index), func.count(), func.max(Asset.tag_key)).where(
                        Asset.tag_key.between(f"{start}{lowest}", f"{start}{10**digits - 1}"),
                        func.length(Asset.tag_key) == len(start) + digits,
                    )
                )
        spellings: dict[int, tuple[int, int]] = {}
        for index, count, top_key in self._session.execute(union_all(*queries)) if queries else []:
            top = tag_number(self._prefix, top_key) if count else None
            if top is not None:  # else no key, or one of other letters in a collation's order
                highest, counted = spellings.get(index, (top, 0))
                spellings[index] = (max(highest, top), counted + count)
        return list(spellings.values())

    def _most_zeros(self, separator: str) -> int:
        """The most leading zeros a key of the prefix with ``separator`` has."""
        if not self._zeros:
            self._zeros = self._probe_zeros()
        return self._zeros[separator]

    def _probe_zeros(self) -> dict[str, int]:
        """The most leading zeros of each separator's keys, probed for all separators at
        once: the first key from ``lap-000`` to ``lap-001`` holds all keys with three or
        more (``lap-0000000`` says seven), so two statements mostly do."""
        most, probing = dict.fromkeys(_SEPARATORS, 0), dict.fromkeys(_SEPARATORS, 1)
        while probing:
            queries = [
                select(literal(_SEPARATORS.index(separator)), func.min(Asset.tag_key)).where(
                    Asset.tag_key >= f"{self._key}{separator}{'0' * zeros}",
                    Asset.tag_key < f"{self._key}{separator}{'0' * (zeros - 1)}1",
                )
                for separator, zeros in probing.items()
            ]
            found_zeros = {}
            for index, found in self._session.execute(union_all(*queries)):
                if found is None:
                    continue
                separator = _SEPARATORS[index]
                start, zeros = f"{self._key}{separator}", probing[separator]
                if found.startswith(start + "0" * zeros):  # not another separator's key
                    zeros = len(found) - len(found[len(start) :].lstrip("0")) - len(start)
                most[separator] = zeros
                if zeros < TAG_MAX_LENGTH:
                    found_zeros[separator] = zeros + 1
            probing = found_zeros
        return most


def _spelling(numbered: str) -> tuple[str, int]:
    """The separator and width of what follows the prefix in a numbered key."""
    separator = numbered[:1] if not numbered[:1].isdigit() else ""
    return separator, len(numbered) - len(separator)


#: What a person does about a tag an open kit's block holds: in the form, in a file.
TYPE_ANOTHER = "type another tag, or leave it empty for the next free one"
GIVE_ANOTHER = "give the row another tag, or leave its tag empty for the next free one"


class OpenKitBlocks:
    """The tag blocks of the field kits checked out of this database and not yet
    returned, read once (an import checks every row's tag against them). In a kit
    itself there are none: its own block is where its receipts take their tags."""

    def __init__(self, session: Session) -> None:
        self._held: list[tuple[str, int, int, str, str]] = []
        if session_is_kit(session):
            return
        for blocks, scope, who in session.execute(
            select(KitCheckout.tag_blocks, KitCheckout.scope_text, Person.name)
            .join(Person, Person.id == KitCheckout.checked_out_by_id)
            .where(KitCheckout.returned_at.is_(None))
        ):
            for block in blocks:
                self._held.append(
                    (str(block["prefix"]), int(block["first"]), int(block["last"]), scope, who)
                )

    def holding(self, tag: str, advice: str = TYPE_ANOTHER) -> str | None:
        """Why ``tag`` may not be given: it spells a number of an open kit's block (the
        kit gives that number to what it receives, and the two would collide at its
        sync). None when no open kit's block holds it."""
        for prefix, first, last, scope, who in self._held:
            number = tag_number(prefix, tag)
            if number is not None and first <= number <= last:
                return (
                    f"the tag '{tag.strip()}' is number {number} of {prefix}, reserved for "
                    f"the field kit of {scope} that {who} has checked out (its {prefix} tags "
                    f"{first}-{last}): {advice}"
                )
        return None


def kit_block_holding(session: Session, tag: str) -> str | None:
    """On the server, why a person may not type ``tag`` (:meth:`OpenKitBlocks.holding`)."""
    return OpenKitBlocks(session).holding(tag)


def locked_sequence(session: Session, prefix: str) -> TagSequence:
    """``prefix``'s counter, locked until the transaction ends (``SELECT … FOR UPDATE``;
    SQLite serialises writers with ``BEGIN IMMEDIATE``)."""
    locked = (
        select(TagSequence)
        .where(TagSequence.prefix == prefix)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    sequence = session.execute(locked).scalar_one_or_none()
    if sequence is None:
        # The prefix's first tag. Two clients can both find no counter: each inserts it
        # unless it is there (the second waits for the first's transaction, then finds
        # it), and both lock the one row. A plain INSERT made the second fail with a
        # duplicate key — the first receive of a new category on two laptops at once.
        _insert_counter_if_absent(session, prefix)
        sequence = session.execute(locked).scalar_one()
    return sequence


def _insert_counter_if_absent(session: Session, prefix: str) -> None:
    from sqlalchemy import Table

    table = TagSequence.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(
            pg_insert(table).values(prefix=prefix, next_value=1).on_conflict_do_nothing()
        )
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(table).values(prefix=prefix, next_value=1).on_conflict_do_nothing()
        )
    else:  # MariaDB: the duplicate is a warning, not an error
        session.execute(table.insert().values(prefix=prefix, next_value=1).prefix_with("IGNORE"))


def allocate_tag(session: Session, prefix: str) -> str:
    """The next free tag for ``prefix`` (``LAP-000124``).

    The sequence row is locked until the transaction ends, so two clients never get the
    same number; numbers already spelt by a tag in use (imported or scanned, in any
    padding, as for blocks) are skipped, and kits' reserved blocks lie behind the counter. In a field
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
    first = UsedNumbers(session, prefix).first_free_run(sequence.next_value, size)
    sequence.next_value = first + size
    session.flush()
    return first
