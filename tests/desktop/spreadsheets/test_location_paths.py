"""Kinds of the locations an import creates one below the other."""

from __future__ import annotations

import pytest

from desktop.spreadsheets.location_paths import chain_kinds


@pytest.mark.parametrize(
    ("parent", "count", "last", "kinds"),
    [
        (None, 2, "", ["building", "room"]),
        (None, 3, "rack", ["building", "room", "rack"]),  # Ralph: data center › room › rack
        (None, 1, "rack", ["rack"]),
        ("room", 1, "rack", ["rack"]),
        ("building", 2, "rack", ["room", "rack"]),  # the level above a rack is its room
        ("site", 3, "rack", ["building", "room", "rack"]),
    ],
)
def test_chain_kinds(parent: str | None, count: int, last: str, kinds: list[str]) -> None:
    assert chain_kinds(parent, count, last) == kinds
