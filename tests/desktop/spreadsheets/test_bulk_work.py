"""The collector paused during an import: the plan's objects are not walked again and again,
nor all at once when it resumes, and no cycle made meanwhile is kept for good."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from desktop.collector import collector_paused
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.model import ImportOptions
from desktop.spreadsheets.plan import dry_run
from tests.desktop.spreadsheets.conftest import counts, write_workbook
from tests.factories import World


def _in_oldest_generation(thing: object) -> bool:
    return any(found is thing for found in gc.get_objects(generation=2))


def test_a_dry_run_and_its_commit_leave_the_plan_with_the_long_lived_objects(
    world: World, tmp_path: Path
) -> None:
    path = write_workbook(
        tmp_path / "in.xlsx",
        [["Asset tag", "Name", "Category", "Location"]]
        + [[f"LAP-{n}", f"Laptop {n}", "Laptop", "Room A1"] for n in range(1, 41)],
    )
    before = counts(world.db)
    plan = dry_run(world.db, path, ImportOptions())

    assert gc.isenabled()
    # Promoted at once when the collector resumed, not left for a young collection to walk.
    assert _in_oldest_generation(plan.rows[0]) and _in_oldest_generation(plan.rows[-1])
    result = commit_import(world.db, plan, performed_by="tech")

    assert gc.isenabled()
    assert len(result.created_tags) == 40
    assert counts(world.db)[0] == before[0] + 40


class _Node:
    link: object = None


def test_a_cycle_made_while_the_collector_is_paused_is_collected_afterwards() -> None:
    with collector_paused():
        assert not gc.isenabled()
        node = _Node()
        node.link = node  # a cycle: only the collector frees it
        gone = weakref.ref(node)
        del node
    assert gc.isenabled()
    assert gone() is not None  # nothing was collected meanwhile
    gc.collect()
    assert gone() is None  # the next full collection frees it: it is not kept for good


def test_the_collector_stays_paused_when_it_was_paused_before() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
