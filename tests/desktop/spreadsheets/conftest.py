"""Helpers for spreadsheet tests: a register with a few assets, workbooks written in code."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.storage.database import Database
from desktop.storage.models import Asset, Procedure
from tests.factories import World


def write_workbook(path: Path, rows: Sequence[Sequence[object]], *, sheet: str = "Sheet1") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    workbook.save(path)
    return path


def counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        return (
            s.execute(select(func.count()).select_from(Asset)).scalar_one(),
            s.execute(select(func.count()).select_from(Procedure)).scalar_one(),
        )


@pytest.fixture
def register(world: World) -> World:
    """The world plus three laptops and a monitor, one of them installed."""
    world.receive(tag="LAP-1", name="ThinkPad T14", values={"serial_number": "SN-1"})
    world.receive(
        tag="LAP-2",
        name="ThinkPad X1",
        values={"serial_number": "SN-2", "purchase_cost": "1234.50"},
    )
    world.receive(tag="LAP-3", name='=HYPERLINK("http://evil")', values={"serial_number": "SN-3"})
    world.receive(tag="MON-1", name="Dell U2720", category=world.monitor_category)
    world.install("LAP-1")
    return world
