"""Ids and times as a kit (and a SQLite server) stores them, made and written fast.

A sync makes thousands of them (journal entries, records, scan and procedure times). The
standard ways cost several times the work itself: ``uuid.UUID``'s checks, and
SQLAlchemy's SQLite ``DATETIME`` (a regular expression to read, a ``%`` format to write)
behind :class:`~desktop.storage.types.UTCDateTime` (``datetime.replace`` to add or drop
the zone). These give the same values; anything else goes the standard way, which says
what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import Any

_new = object.__new__
_set = object.__setattr__
_UUID = uuid.UUID
_UNKNOWN = uuid.SafeUUID.unknown
#: ``uuid.UUID(hex=..., version=4)``: the variant and version bits it sets.
_CLEAR_V4 = ~((0xC000 << 48) | (0xF000 << 64))
_SET_V4 = (0x8000 << 48) | (4 << 76)


class _HexId(uuid.UUID):
    """A UUID made from the hex text a kit (or a SQLite or MariaDB server) stores, which
    keeps that text: writing it back (SQLAlchemy's ``value.hex``, once per id and write
    of a sync: thousands) reads it instead of formatting the number again. Equal to, and
    hashed as, the plain UUID; copied or pickled as one."""

    __slots__ = ("hex",)

    def __repr__(self) -> str:
        return f"UUID('{self}')"

    def __getattr__(self, name: str) -> Any:
        # Only for an id of :func:`hex_ids`: its number (and the rest of what ``UUID``
        # holds) made when first asked for.
        if name == "int":
            number = int(self.hex, 16)
            _set(self, "int", number)
            return number
        if name == "is_safe":
            _set(self, "is_safe", _UNKNOWN)
            return _UNKNOWN
        raise AttributeError(name)

    def __reduce__(self) -> tuple[type[uuid.UUID], tuple[None, None, None, None, int]]:
        return (_UUID, (None, None, None, None, self.int))


def uuid_from_hex(text: str, *, version4: bool = False) -> uuid.UUID:
    """``uuid.UUID(hex=text)`` (with ``version4``: ``uuid.UUID(hex=text, version=4)``)."""
    try:
        if len(text) != 32:
            raise ValueError(text)
        number = int(text, 16)
    except ValueError:
        return uuid.UUID(hex=text, version=4 if version4 else None)  # (says what is wrong)
    if version4:
        number = (number & _CLEAR_V4) | _SET_V4
        made = _new(_UUID)
    else:
        made = _new(_HexId)
        _set(made, "hex", text if text.islower() or text.isdigit() else text.lower())
    _set(made, "int", number)
    _set(made, "is_safe", _UNKNOWN)
    return made


def hex_ids(texts: Iterable[str], made: dict[Any, uuid.UUID]) -> bool:
    """The UUIDs of ``texts`` into ``made`` (by their text; those it holds are kept),
    each made without its number, which it makes when first asked for (a sync's
    journal names thousands of records whose ids only its report holds); False, and
    nothing made, when any text is not 32 lower-case hex digits (:func:`uuid_from_hex`
    then makes each, and says what is wrong)."""
    texts = list(texts)
    if not all(map((32).__eq__, map(len, texts))) or not _LOWER_HEX.fullmatch("".join(texts)):
        return False
    for text in texts:
        if text not in made:
            made[text] = lazy = _new(_HexId)
            _set(lazy, "hex", text)
    return True


#: Lower-case hex digits only (what a kit and a SQLite server store of a UUID).
_LOWER_HEX = re.compile("[0-9a-f]*")

_UTC = dt.UTC
#: The length of ``YYYY-MM-DD HH:MM:SS.ffffff``: how SQLAlchemy's SQLite ``DATETIME``
#: stores a time.
STORED_TIME_LENGTH = 26


def sqlite_time(text: str) -> dt.datetime:
    """A time as SQLite stores it (naive UTC text), aware (as
    ``dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)``)."""
    if len(text) == STORED_TIME_LENGTH:  # no zone fits in it
        return dt.datetime.fromisoformat(text + "+00:00")
    return dt.datetime.fromisoformat(text).replace(tzinfo=_UTC)


def sqlite_time_text(value: dt.datetime) -> str | None:
    """What SQLAlchemy's SQLite ``DATETIME`` stores for an aware UTC time, behind
    :class:`~desktop.storage.types.UTCDateTime`; None for a time in another zone or none
    (the standard way takes it: it converts or refuses it)."""
    if value.tzinfo is _UTC:
        return value.isoformat(" ", "microseconds")[:-6]
    return None
