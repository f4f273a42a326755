import copy
import datetime as dt
import pickle
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite

from desktop.kits.stored_values import hex_ids, sqlite_time, sqlite_time_text, uuid_from_hex
from desktop.storage.models import AuditScan


@pytest.mark.parametrize("version4", [False, True])
def test_uuid_from_hex_is_the_constructors_uuid(version4: bool) -> None:
    for text in [uuid.uuid4().hex, "0" * 32, "f" * 32, "0123456789ABCDEFabcdef0123456789"]:
        made = uuid_from_hex(text, version4=version4)
        expected = uuid.UUID(hex=text, version=4 if version4 else None)
        assert made == expected
        assert hash(made) == hash(expected)
        assert str(made) == str(expected)
        assert made.version == expected.version
        assert made.is_safe == expected.is_safe
        assert {made: 1}[expected] == 1
        # It keeps the text it was made from: as the constructor's formats it.
        assert made.hex == expected.hex
        assert repr(made) == repr(expected)
        for copied in (copy.copy(made), copy.deepcopy(made), pickle.loads(pickle.dumps(made))):
            assert copied == expected and copied.hex == expected.hex


@pytest.mark.parametrize("text", ["", "abc", "g" * 32, "0" * 33, "{" + "0" * 30 + "}"])
def test_uuid_from_hex_refuses_what_the_constructor_refuses(text: str) -> None:
    try:
        expected: object = uuid.UUID(hex=text)
    except ValueError as refused:
        with pytest.raises(ValueError, match=re.escape(str(refused))):
            uuid_from_hex(text)
    else:
        assert uuid_from_hex(text) == expected


def test_hex_ids_are_the_constructors_uuids() -> None:
    """A sync's record ids, made without their numbers (made when first asked for), are
    the constructor's UUIDs in every way: equal, hashed, written, copied, pickled,
    ordered."""
    texts = [uuid.uuid4().hex, "0" * 32, "f" * 32, "0123456789abcdef0123456789abcdef"]
    made: dict[Any, uuid.UUID] = {}
    assert hex_ids(texts, made)
    for text in texts:
        expected = uuid.UUID(hex=text)
        for ask in ("hash", "str", "copy", "pickle", "sort", "bytes", "is_safe", "equal"):
            fresh: dict[Any, uuid.UUID] = {}
            assert hex_ids([text], fresh)
            lazy = fresh[text]
            assert lazy.hex == text  # (written back as it was read, without its number)
            if ask == "hash":
                assert {lazy: 1}[expected] == 1 and hash(lazy) == hash(expected)
            elif ask == "str":
                assert str(lazy) == str(expected) and repr(lazy) == repr(expected)
            elif ask == "copy":
                assert copy.copy(lazy) == expected and copy.deepcopy(lazy) == expected
            elif ask == "pickle":
                assert pickle.loads(pickle.dumps(lazy)) == expected
            elif ask == "sort":
                one = uuid.UUID(int=1)
                assert sorted([lazy, one]) == sorted([expected, one])
            elif ask == "bytes":
                assert lazy.bytes == expected.bytes and lazy.version == expected.version
            elif ask == "is_safe":
                assert lazy.is_safe == expected.is_safe
            else:
                assert lazy == expected and expected == lazy
        assert made[text] == expected
    # Those it was given already made are kept.
    kept = {texts[0]: uuid.UUID(hex=texts[0])}
    assert hex_ids(texts, kept) and type(kept[texts[0]]) is uuid.UUID


@pytest.mark.parametrize("text", ["", "abc", "g" * 32, "0" * 33, "A" * 32])
def test_hex_ids_make_nothing_of_other_text(text: str) -> None:
    """Anything but 32 lower-case hex digits: nothing made (each is made the standard
    way, which says what is wrong)."""
    made: dict[Any, uuid.UUID] = {}
    assert not hex_ids(["0" * 32, text], made)
    assert made == {}


def _sqlite_datetime() -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    column = AuditScan.__table__.c.scanned_at
    dialect = sqlite.dialect()
    impl = column.type.dialect_impl(dialect)
    write, read = impl.bind_processor(dialect), impl.result_processor(dialect, None)
    assert write is not None and read is not None
    return write, read


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 5, 14, 25, 56, 511057, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(987, 6, 5, 4, 3, 2, 1, tzinfo=dt.UTC),
    ],
)
def test_sqlite_times_are_sqlalchemys(moment: dt.datetime) -> None:
    write, read = _sqlite_datetime()
    stored = write(moment)
    assert sqlite_time_text(moment) == stored
    made = sqlite_time(stored)
    assert made == read(stored) == moment
    assert made.tzinfo is dt.UTC


def test_sqlite_times_in_another_form_go_the_standard_way() -> None:
    write, _read = _sqlite_datetime()
    elsewhere = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert sqlite_time_text(elsewhere) is None
    assert write(elsewhere) == "2026-12-05 14:00:00.000000"
    assert sqlite_time("2026-12-05 14:00:00") == dt.datetime(2026, 12, 5, 14, tzinfo=dt.UTC)
