"""Lifecycle rules through the command line (a subprocess), as a user meets them.

Findings 5, 7 and 8 of the new-user walkthrough (2026-12-05): a decommissioned asset only
takes a change of its notes; one waiting procedure of a kind at a time; a model belongs to
its category.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.services import reference
from desktop.storage.database import Database
from desktop.storage.models import Asset, Category
from tests.cli_run import run_cli
from tests.factories import World, seed_world

ROOT = Path(__file__).parents[3]

RECEIVE_CHECKS = ("--check", "inspected", "--check", "contents_match")
DECOMMISSION = (
    "--answer",
    "sanitisation_method=No data-bearing media",
    "--answer",
    "evidence_reference=WIPE-1",
    "--check",
    "accounts_removed",
)
DISPOSE_METHOD = "disposal_method=Certified recycling (WEEE / R2 / e-Stewards)"


def cli(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=db, timeout=120)


def ok(db: Database, *argv: str) -> subprocess.CompletedProcess[str]:
    result = cli(db, *argv)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def pending_ids(db: Database, tag: str) -> list[str]:
    listing = ok(db, "approvals", "list", "--as", "approver").stdout
    return [line.split()[0] for line in listing.splitlines() if f" {tag} " in line]


def approve_all(db: Database, tag: str) -> None:
    for procedure in pending_ids(db, tag):
        for person in ("approver", "approver2"):
            ok(db, "approve", procedure, "--as", person)


def decommissioned_asset(db: Database, tag: str) -> None:
    ok(
        db,
        "procedure",
        "receive",
        tag,
        "--set",
        "category=Laptop",
        "--set",
        f"name={tag} laptop",
        "--set",
        "location=ROOM-A1",
        *RECEIVE_CHECKS,
        "--as",
        "tech",
    )
    ok(db, "procedure", "decommission", tag, *DECOMMISSION, "--as", "tech")
    approve_all(db, tag)
    with db.read() as s:
        status = s.execute(select(Asset.status).where(Asset.tag == tag)).scalar_one()
    assert str(status.value if hasattr(status, "value") else status) == "decommissioned"


def test_a_decommissioned_asset_cannot_be_assigned_by_a_change(sqlite_db: Database) -> None:
    seed_world(sqlite_db)
    decommissioned_asset(sqlite_db, "LAP-T1")
    result = cli(
        sqlite_db,
        "procedure",
        "change",
        "LAP-T1",
        "--set",
        "assigned_to=user",
        "--answer",
        "change_type=Other",
        "--as",
        "tech",
    )
    assert result.returncode == 2, result.stdout
    assert "only disposal or a change of its notes" in result.stderr, result.stderr
    renamed = cli(
        sqlite_db,
        "procedure",
        "change",
        "LAP-T1",
        "--set",
        "name=renamed",
        "--answer",
        "change_type=Other",
        "--as",
        "tech",
    )
    assert renamed.returncode == 2, renamed.stdout
    with sqlite_db.read() as s:
        asset = s.execute(select(Asset).where(Asset.tag == "LAP-T1")).scalar_one()
        assert asset.assigned_to_id is None
        assert asset.name == "LAP-T1 laptop"
    # Its notes may still change.
    ok(
        sqlite_db,
        "procedure",
        "change",
        "LAP-T1",
        "--set",
        "notes=waiting for the recycler",
        "--answer",
        "change_type=Other",
        "--as",
        "tech",
    )
    with sqlite_db.read() as s:
        notes = s.execute(select(Asset.notes).where(Asset.tag == "LAP-T1")).scalar_one()
    assert notes == "waiting for the recycler"


def test_a_second_disposal_is_refused_while_one_waits(sqlite_db: Database) -> None:
    seed_world(sqlite_db)
    decommissioned_asset(sqlite_db, "LAP-T2")
    results = []
    for certificate in ("CERT-1", "CERT-2"):
        results.append(
            cli(
                sqlite_db,
                "procedure",
                "dispose",
                "LAP-T2",
                "--answer",
                DISPOSE_METHOD,
                "--answer",
                f"certificate_number={certificate}",
                "--as",
                "tech",
            )
        )
    assert results[0].returncode == 0, results[0].stderr
    assert results[1].returncode == 2, results[1].stdout
    waiting = pending_ids(sqlite_db, "LAP-T2")
    assert len(waiting) == 1
    assert "a disposal of LAP-T2 already waits for approval (procedure " in results[1].stderr
    assert waiting[0][:8] in results[1].stderr, results[1].stderr


def test_a_second_decommission_is_refused_while_one_waits(sqlite_db: Database) -> None:
    seed_world(sqlite_db)
    ok(
        sqlite_db,
        "procedure",
        "receive",
        "LAP-T4",
        "--set",
        "category=Laptop",
        "--set",
        "name=Four",
        "--set",
        "location=ROOM-A1",
        *RECEIVE_CHECKS,
        "--as",
        "tech",
    )
    ok(sqlite_db, "procedure", "decommission", "LAP-T4", *DECOMMISSION, "--as", "tech")
    again = cli(sqlite_db, "procedure", "decommission", "LAP-T4", *DECOMMISSION, "--as", "tech")
    assert again.returncode == 2, again.stdout
    assert "a decommission of LAP-T4 already waits for approval" in again.stderr
    assert len(pending_ids(sqlite_db, "LAP-T4")) == 1


def test_a_model_of_another_category_is_refused(sqlite_db: Database, world: World) -> None:
    with sqlite_db.write() as s:
        desktop = reference.create_category(s, name="Desktop", tag_prefix="DSK")
        maker = reference.create_manufacturer(s, name="HP")
        reference.create_model(s, manufacturer=maker, name="Elite Mini 800 G9", category=desktop)
        assert s.get(Category, world.laptop_category) is not None
    result = cli(
        sqlite_db,
        "procedure",
        "receive",
        "LAP-T3",
        "--set",
        "category=Laptop",
        "--set",
        "name=Mixed",
        "--set",
        "model=Elite Mini 800 G9",
        "--set",
        "location=ROOM-A1",
        *RECEIVE_CHECKS,
        "--as",
        "tech",
    )
    assert result.returncode == 2, result.stdout
    assert "HP Elite Mini 800 G9 is a Desktop model; this asset is a Laptop" in result.stderr
    with sqlite_db.read() as s:
        assert s.execute(select(Asset).where(Asset.tag == "LAP-T3")).first() is None


@pytest.fixture
def world(sqlite_db: Database) -> World:
    return seed_world(sqlite_db)


def test_an_import_row_cannot_rename_a_decommissioned_asset(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    decommissioned_asset(sqlite_db, "LAP-T5")
    sheet = tmp_path / "rename.csv"
    sheet.write_text("Asset tag,Name\nLAP-T5,Renamed by the file\n", encoding="utf-8")
    result = cli(sqlite_db, "import", str(sheet), "--as", "admin")
    assert result.returncode == 1, result.stdout
    out = result.stdout + result.stderr
    assert "row 2" in out and "Name" in out, out
    assert "only disposal or a change of its notes" in out, out
    with sqlite_db.read() as s:
        name = s.execute(select(Asset.name).where(Asset.tag == "LAP-T5")).scalar_one()
    assert name == "LAP-T5 laptop"
    notes = tmp_path / "notes.csv"
    notes.write_text("Asset tag,Notes\nLAP-T5,collected on Friday\n", encoding="utf-8")
    ok(sqlite_db, "import", str(notes), "--as", "admin")


def test_an_import_row_with_a_model_of_another_category_is_rejected(
    sqlite_db: Database, world: World, tmp_path: Path
) -> None:
    with sqlite_db.write() as s:
        desktop = reference.create_category(s, name="Desktop", tag_prefix="DSK")
        maker = reference.create_manufacturer(s, name="HP")
        reference.create_model(s, manufacturer=maker, name="Elite Mini 800 G9", category=desktop)
    sheet = tmp_path / "mixed.csv"
    sheet.write_text(
        "Asset tag,Name,Category,Manufacturer,Model,Location\n"
        "LAP-T6,Mixed,Laptop,HP,Elite Mini 800 G9,ROOM-A1\n",
        encoding="utf-8",
    )
    result = cli(sqlite_db, "import", str(sheet), "--as", "admin")
    assert result.returncode == 1, result.stdout
    out = result.stdout + result.stderr
    assert "row 2" in out and "Model" in out, out
    assert "HP Elite Mini 800 G9 is a Desktop model; this asset is a Laptop" in out, out
    with sqlite_db.read() as s:
        assert s.execute(select(Asset).where(Asset.tag == "LAP-T6")).first() is None


def test_the_readme_allocate_example_runs_as_written(sqlite_db: Database) -> None:
    """New-user finding 20: the README's receive --allocate example failed "Name is required"."""
    seed_world(sqlite_db)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("assetdesk procedure receive --allocate 3")
    command = readme[start : readme.index("\n", readme.index("\\\n", start) + 2)]
    argv = shlex.split(command.split("#")[0].replace("\\\n", " "))
    assert argv[:4] == ["assetdesk", "procedure", "receive", "--allocate"], argv
    result = ok(sqlite_db, *argv[1:], "--as", "tech", "--json")
    with sqlite_db.read() as s:
        names = s.execute(select(Asset.name).where(Asset.tag.like("LAP-%"))).scalars().all()
    assert names == ["Laptop"] * 3, (names, result.stdout)


def test_an_import_row_cannot_retire_an_asset_whose_decommission_waits(
    sqlite_db: Database, tmp_path: Path
) -> None:
    seed_world(sqlite_db)
    ok(
        sqlite_db,
        "procedure",
        "receive",
        "LAP-T7",
        "--set",
        "category=Laptop",
        "--set",
        "location=ROOM-A1",
        *RECEIVE_CHECKS,
        "--as",
        "tech",
    )
    ok(sqlite_db, "procedure", "decommission", "LAP-T7", *DECOMMISSION, "--as", "tech")
    sheet = tmp_path / "retire.csv"
    # Disposing it would record a second decommission: refused.
    sheet.write_text("Asset tag,Status\nLAP-T7,Disposed\n", encoding="utf-8")
    result = cli(sqlite_db, "import", str(sheet), "--as", "admin")
    assert result.returncode == 1, result.stdout
    out = result.stdout + result.stderr
    assert "row 2" in out and "a decommission of LAP-T7 already waits for approval" in out, out
    assert len(pending_ids(sqlite_db, "LAP-T7")) == 1
    # Asking for the decommission that waits (the same file again): unchanged, said.
    sheet.write_text("Asset tag,Status\nLAP-T7,Archived\n", encoding="utf-8")
    result = cli(sqlite_db, "import", str(sheet), "--as", "admin")
    assert result.returncode == 0, result.stdout
    assert "as this row asks: left as it is (the approvers decide it)" in result.stdout
    assert len(pending_ids(sqlite_db, "LAP-T7")) == 1
