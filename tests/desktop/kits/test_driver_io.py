"""Values converted for the driver (``desktop.kits.driver_io``)."""

from __future__ import annotations

import json
from typing import Any

from desktop.kits.driver_io import _Fresh, _rows


def test_a_json_value_shared_by_consecutive_rows_is_serialized_once_per_statement() -> None:
    """A sync's procedures of one group share their answers (one dict): serialized once
    for the run, not once per procedure; never kept for the next statement (the dict
    may change meanwhile)."""
    made: list[Any] = []

    def serialize(value: Any) -> str:
        made.append(value)
        return json.dumps(value)

    shared, other = {"change_type": "Repair"}, {"change_type": "Move"}
    column = _Fresh(serialize)
    rows = _rows([column, None], [[shared, shared, other, shared], [1, 2, 3, 4]])
    assert rows == [
        ('{"change_type": "Repair"}', 1),
        ('{"change_type": "Repair"}', 2),
        ('{"change_type": "Move"}', 3),
        ('{"change_type": "Repair"}', 4),
    ]
    assert made == [shared, other, shared]
    shared["change_type"] = "Install"  # changed between two statements
    assert _rows([column], [[shared]]) == [('{"change_type": "Install"}',)]
