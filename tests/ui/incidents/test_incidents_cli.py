"""``assetdesk incidents log | move | list | show | report``."""

from __future__ import annotations

import json

import pytest

from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.storage.database import Database
from tests.factories import World, seed_world
from ui.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Database, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db.url.render_as_string(hide_password=False), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    return world


def log(capsys: pytest.CaptureFixture[str], world: World, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys,
        world.db,
        "incidents",
        "log",
        "--as",
        "tech",
        "--asset",
        "LAP-1",
        "--title",
        "Fan noise",
        "--description",
        "Loud fan under load",
        "--severity",
        "medium",
        "--group",
        "Infrastructure",
        *extra,
    )


def test_log_move_and_list(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = log(capsys, world, "--asset", "LAP-2", "--answer", "users_affected=One person")
    assert (code, out.strip()) == (0, "Logged incident #1: Fan noise [LAP-1, LAP-2]")
    code, out, _ = run(capsys, world.db, "incidents", "list", "--open", "--json")
    (row,) = json.loads(out)
    assert (row["number"], row["status"], row["routed_group"]) == (1, "new", "Infrastructure")
    assert row["reported_by"] == "Tess Tech"
    for status, extra in (
        ("assigned", ["--assignee", "infra"]),
        ("in_progress", []),
        ("resolved", ["--root-cause", "Dust", "--resolution", "Cleaned"]),
        ("closed", []),
    ):
        code, out, err = run(
            capsys, world.db, "incidents", "move", "1", status, "--as", "infra", *extra
        )
        assert code == 0, err
    code, out, _ = run(capsys, world.db, "incidents", "list", "--open", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, world.db, "incidents", "show", "1")
    assert "root cause: Dust" in out
    assert "resolved → closed" in out


def test_the_rules_hold_on_the_command_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        world.db,
        "incidents",
        "log",
        "--as",
        "tech",
        "--asset",
        "NOPE-1",
        "--title",
        " ",
        "--severity",
        "low",
        "--group",
        "Infrastructure",
    )
    assert code == 2
    assert "NOPE-1" in err
    assert "Title is required" in err
    log(capsys, world)
    code, _, err = run(capsys, world.db, "incidents", "move", "1", "resolved", "--as", "infra")
    assert code == 2
    assert "cannot become resolved" in err


def test_note_and_link_the_fixing_change(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    log(capsys, world)
    fix = record_procedure(
        world.db,
        ProcedureRequest(
            kind=ProcedureKind.CHANGE,
            performed_by="infra",
            asset_tag="LAP-1",
            values={"notes": "fan cleaned"},
            answers={"change_type": "Repair"},
        ),
    )
    code, _, err = run(
        capsys, world.db, "incidents", "note", "1", "called the user", "--as", "infra"
    )
    assert code == 0, err
    code, _, err = run(capsys, world.db, "incidents", "link", "1", "not-an-id", "--as", "infra")
    assert (code, "not a procedure id" in err) == (2, True)
    code, out, err = run(
        capsys, world.db, "incidents", "link", "1", str(fix.procedure_id), "--as", "infra"
    )
    assert code == 0, err
    code, out, _ = run(capsys, world.db, "incidents", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["row"]["fixed_by_procedure_id"] == str(fix.procedure_id)
    assert [e["note"] for e in shown["events"]][1] == "called the user"


def test_report_json(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    log(capsys, world)
    log(capsys, world, "--asset", "LAP-2")
    code, out, _ = run(capsys, world.db, "incidents", "report", "--json")
    assert code == 0
    report = json.loads(out)
    assert [(a["tag"], a["incidents"]) for a in report["assets_by_incident_count"]] == [
        ("LAP-1", 2),
        ("LAP-2", 1),
    ]
    assert report["open_incidents_by_group"] == [
        {"group": "Infrastructure", "new": 2, "assigned": 0, "in_progress": 0, "total": 2}
    ]
