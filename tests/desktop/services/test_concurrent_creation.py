"""Two clients create the same thing at the same moment, on every backend.

On a shared server each client checks that a name is free, then writes; neither sees the
other's uncommitted row, so the second's write waits for the first's transaction and then
meets its duplicate key. That surfaced as a driver error (an "internal error" for the
person); the first tag of a new prefix, received on two laptops at once, failed the same
way. Now: the second category is refused as the check refuses it, and the second tag is the
next number.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from desktop.errors import ValidationError
from desktop.services import reference
from desktop.services.tags import allocate_tag
from desktop.storage.database import Database

#: How long the first client keeps its transaction open after writing.
HOLD_S = 0.6


def _race(db: Database, first: Callable[[Session], object], second: Callable[[Session], object]):
    """``first`` writes and holds its transaction open while ``second`` runs in another
    thread; returns (what first returned, what second returned or raised)."""
    written = threading.Event()
    outcome: list[object] = []

    def other() -> None:
        written.wait(10)
        try:
            with db.write() as session:
                outcome.append(second(session))
        except Exception as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    with db.write() as session:
        result = first(session)
        written.set()
        time.sleep(HOLD_S)  # the other client checks and writes meanwhile
    thread.join(30)
    assert not thread.is_alive()
    return result, outcome[0]


def test_the_first_tag_of_a_new_prefix_on_two_clients_at_once(db: Database) -> None:
    first, second = _race(
        db,
        lambda s: allocate_tag(s, "CAM"),
        lambda s: allocate_tag(s, "CAM"),
    )
    assert first == "CAM-000001"
    assert second == "CAM-000002", second


@pytest.mark.parametrize(
    ("create", "words"),
    [
        (
            lambda s: reference.create_category(s, name="Camera", tag_prefix="CAM"),
            "exists already",  # the category's name, or its tag prefix in the race
        ),
        (
            lambda s: reference.create_manufacturer(s, name="Axis"),
            "the manufacturer 'Axis' exists already",
        ),
        (
            lambda s: reference.create_supplier(s, name="Ingram"),
            "the supplier 'Ingram' exists already",
        ),
        (
            lambda s: reference.create_group(s, name="Field team"),
            "the group 'Field team' exists already",
        ),
        (
            lambda s: reference.create_location(s, name="Store", code="ST-1"),
            "the location code 'ST-1' is already used",
        ),
    ],
    ids=["category", "manufacturer", "supplier", "group", "location"],
)
def test_the_same_name_created_on_two_clients_at_once_is_refused_clearly(
    db: Database, create: Callable[[Session], object], words: str
) -> None:
    _, second = _race(db, create, create)
    assert isinstance(second, ValidationError), repr(second)
    assert words in str(second), second
