"""The bulk replay's request made straight from a kit's procedure row is the one the
per-record replay (and a conflict's re-apply) makes through the payload."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from desktop.domain.lifecycle import ProcedureKind
from desktop.kits.replay_rules import (
    procedure_payload,
    request_from_payload,
    request_from_procedure,
)

ROWS = [
    # A change of two fields with a checklist, a risk evaluation and a ticket.
    SimpleNamespace(
        kind="change",
        changes=[
            {"field": "serial_number", "before": "A", "after": "B"},
            {"field": "custom.ram_gb", "before": 8, "after": 16},
        ],
        answers={
            "change_type": "Repair",
            "checklist.backed_up": True,
            "impact": "low",
            "likelihood": "medium",
        },
        ticket_ref="INC-7",
        reason="fan noise",
        origin="gui",
    ),
    # A decommission: its status and the assignee its rules clear are not asked for.
    SimpleNamespace(
        kind="decommission",
        changes=[
            {"field": "status", "before": "in_service", "after": "decommissioned"},
            {"field": "assigned_to", "before": "x", "after": None},
            {"field": "location", "before": "a", "after": "b"},
        ],
        answers={"wipe_method": "NIST 800-88", "checklist.labels_removed": 1},
        ticket_ref=None,
        reason=None,
        origin="command_line",
    ),
    # A change that sets the status itself, with no answers at all.
    SimpleNamespace(
        kind="change",
        changes=[{"field": "status", "before": "in_stock", "after": "in_repair"}],
        answers=None,
        ticket_ref="",
        reason="",
        origin="gui",
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=["change", "decommission", "status"])
def test_request_from_the_row_is_the_payloads(row: SimpleNamespace) -> None:
    row.id, row.asset_id = uuid.uuid4(), uuid.uuid4()
    at = dt.datetime(2026, 12, 6, 9, 30, tzinfo=dt.UTC)
    common: dict[str, Any] = {
        "performed_by": "tech",
        "note": "Made offline in field kit 1234abcd by tech, synced by tech.",
        "origin_detail": "field kit x; recorded by gui",
        "performed_at": at,
    }
    through_payload = request_from_payload(
        procedure_payload(row, "tech"), procedure_id=row.id, asset_id=row.asset_id, **common
    )
    straight = request_from_procedure(row, **common)
    assert straight == through_payload
    assert straight.kind is ProcedureKind(row.kind)
    assert straight.procedure_id == row.id and straight.asset_id == row.asset_id
