"""The commit's changes JSON is exactly what json.dumps writes for the same list."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.change_json import ChangeFragments, any_change, as_json_list
from desktop.spreadsheets.references import PendingReference


def _dumped(field: str, after: object, after_text: str) -> dict[str, object]:
    return {
        "field": field,
        "before": None,
        "after": after,
        "before_text": "",
        "after_text": after_text,
    }


def test_fragments_write_what_json_dumps_writes() -> None:
    laptop, pending = uuid.uuid4(), PendingReference("supplier", 'Büro "Nord"')
    new_id = uuid.uuid4()
    fragments = ChangeFragments({laptop: "Laptop ✓"}, lambda ref: (str(new_id), ref.text))
    values: list[tuple[str, object]] = [
        ("name", 'ThinkPad "X1" \\ naïve\n€'),
        ("category", laptop),
        ("supplier", pending),
        ("purchase_date", dt.date(2024, 2, 29)),
        ("purchase_cost", Decimal("1234.50")),
        ("notes", ""),
    ]
    expected = [
        _dumped("name", 'ThinkPad "X1" \\ naïve\n€', 'ThinkPad "X1" \\ naïve\n€'),
        _dumped("category", str(laptop), "Laptop ✓"),
        _dumped("supplier", str(new_id), 'Büro "Nord"'),
        _dumped("purchase_date", "2024-02-29", "2024-02-29"),
        _dumped("purchase_cost", "1234.50", "1234.50"),
        _dumped("notes", "", ""),
        _dumped("custom.ram_gb", 16, "16"),
        {
            "field": "status",
            "before": "in_stock",
            "after": "in_service",
            "before_text": "In stock",
            "after_text": "In service",
        },
    ]
    for _ in range(2):  # the second time from what was remembered
        texts = [fragments.created(k, v) for k, v in values]
        texts.append(any_change("custom.ram_gb", None, 16, "", "16"))
        texts.append(fragments.status(AssetStatus.IN_STOCK, AssetStatus.IN_SERVICE))
        assert as_json_list(texts) == json.dumps(expected)
    assert as_json_list([]) == json.dumps([])
