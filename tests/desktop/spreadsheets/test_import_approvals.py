"""An import decides each procedure it records by the templates' approval rule.

The first step of a row that needs approval is recorded pending and leaves the asset as
that step found it; the steps after it are not recorded; approving it applies it — on
every backend.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.approvals import approve, pending_approvals
from desktop.spreadsheets.commit import commit_import
from desktop.spreadsheets.model import ImportOptions
from desktop.spreadsheets.plan import dry_run
from desktop.storage.models import Asset, Procedure
from tests.approval_templates import set_approval_rule
from tests.desktop.spreadsheets.conftest import write_workbook
from tests.factories import World


def stored(world: World, tag: str) -> Asset:
    with world.db.read() as s:
        asset = s.execute(select(Asset).where(Asset.tag == tag)).scalar_one()
        s.expunge(asset)
        return asset


def kinds(world: World, tag: str) -> list[tuple[str, str]]:
    with world.db.read() as s:
        rows = s.execute(
            select(Procedure.kind, Procedure.state)
            .join(Asset, Asset.id == Procedure.asset_id)
            .where(Asset.tag == tag)
            .order_by(Procedure.performed_at)
        )
        return [(r.kind, r.state) for r in rows]


def approve_all(world: World) -> None:
    with world.db.read() as s:
        waiting = pending_approvals(s)
    for item in waiting:
        for approver in ("approver", "infra")[: item.approvals_required]:
            approve(world.db, procedure_id=item.procedure_id, approver=approver)


def test_a_new_asset_waits_at_its_install_with_the_assignee_not_yet_set(
    world: World, tmp_path: Path
) -> None:
    set_approval_rule(world.db, ProcedureKind.INSTALL, mode="always", approvers=1)
    path = write_workbook(
        tmp_path / "new.xlsx",
        [
            ["Asset tag", "Name", "Category", "Location", "Assigned to", "Status"],
            ["LAP-7", "Dev", "Laptop", "Room A1", "user", "In service"],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    (row,) = plan.rows
    assert row.approval is not None
    assert row.approval.text() == (
        "pending: the install waits for 1 approval; the asset stays as it is"
    )
    result = commit_import(world.db, plan, performed_by="tech")
    assert (result.created_tags, result.pending) == (("LAP-7",), 1)
    asset = stored(world, "LAP-7")
    assert (asset.status, asset.assigned_to_id, asset.version) == ("in_stock", None, 1)
    assert kinds(world, "LAP-7") == [("receive", "completed"), ("install", "pending_approval")]
    approve_all(world)
    asset = stored(world, "LAP-7")
    assert (asset.status, asset.assigned_to_id) == ("in_service", world.people["user"])
    assert kinds(world, "LAP-7")[-1] == ("install", "completed")


def test_an_update_applies_its_change_and_waits_at_the_decommission(
    register: World, tmp_path: Path
) -> None:
    world = register
    path = write_workbook(
        tmp_path / "retire.xlsx",
        [["Asset tag", "Name", "Status"], ["LAP-1", "Old one", "Disposed"]],
    )
    # (The disposal is not recorded: its own answers are not asked.)
    evidence = {"sanitisation_method": "No data-bearing media", "evidence_reference": "W-1"}
    plan = dry_run(world.db, path, ImportOptions(answers=evidence))
    (row,) = plan.rows
    assert row.approval is not None
    assert row.approval.text() == (
        "pending: the decommission waits for 2 approvals; the asset stays as it is "
        "(dispose not recorded: record it once approved)"
    )
    version = stored(world, "LAP-1").version
    result = commit_import(world.db, plan, performed_by="tech")
    assert result.pending == 1
    asset = stored(world, "LAP-1")
    # The change (the name; no approval needed) is applied, the status is not.
    assert (asset.name, asset.status, asset.version) == ("Old one", "in_service", version + 1)
    assert kinds(world, "LAP-1")[-2:] == [
        ("change", "completed"),
        ("decommission", "pending_approval"),
    ]
    approve_all(world)
    asset = stored(world, "LAP-1")
    assert (asset.name, asset.status) == ("Old one", "decommissioned")
    assert kinds(world, "LAP-1")[-1] == ("decommission", "completed")


def test_a_change_that_waits_leaves_the_whole_row_unwritten(
    register: World, tmp_path: Path
) -> None:
    world = register
    set_approval_rule(world.db, ProcedureKind.CHANGE, mode="always", approvers=1)
    path = write_workbook(
        tmp_path / "edit.xlsx",
        [
            ["Asset tag", "Name", "Status", "RAM (GB)"],
            ["LAP-2", "Renamed", "In repair", 32],
            ["LAP-1", "Also renamed", "Archived", None],
        ],
    )
    plan = dry_run(world.db, path, ImportOptions())
    texts = [r.approval.text() if r.approval else "" for r in plan.rows]
    assert texts == [
        "pending: the change waits for 1 approval; the asset stays as it is",
        "pending: the change waits for 1 approval; the asset stays as it is "
        "(decommission not recorded: record it once approved)",
    ]
    before = {tag: stored(world, tag) for tag in ("LAP-1", "LAP-2")}
    result = commit_import(world.db, plan, performed_by="tech")
    assert (result.updated, result.pending) == (2, 2)
    for tag, asset in before.items():
        now = stored(world, tag)
        assert (now.name, now.status, now.version, now.custom_fields) == (
            asset.name,
            asset.status,
            asset.version,
            asset.custom_fields,
        )
    approve_all(world)
    lap2 = stored(world, "LAP-2")
    assert (lap2.name, lap2.status, lap2.custom_fields) == (
        "Renamed",
        "in_repair",
        {"ram_gb": 32},
    )
    assert stored(world, "LAP-1").name == "Also renamed"
