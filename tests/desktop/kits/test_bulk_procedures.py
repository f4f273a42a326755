"""Runs of procedures decided set-wise on a SQLite server end as one by one.

A day offline comes back as long runs of changes; on a SQLite server the plain ones
(a change of text fields on an asset the server left alone) are checked once per
distinct input of the rules and stored by one statement per table
(:mod:`desktop.kits.bulk_procedures`), the rest go one by one in their place. Here a
random-ish day mixes them with every other end — in conflict with the server's value,
rebased on the server's other change, the same edit as the server's, waiting for
approval (high risk), refused (a performer the server no longer lets make changes), the
monitors' template replaced on the server meanwhile, several changes of one asset, a
decommissioned asset's notes, an asset whose decommission waits for approval, moves and
reassignments (to a person who left the server meanwhile, of an asset the server moved
meanwhile) — and
every record must end as the per-record replay through the procedure service decides
it, with the same rows (the JSON texts included) and the same report; a second sync of
the same kit (a sync killed after the server committed) finds every record already
applied or already queued, as one by one.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from desktop import kits
from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import ValidationError
from desktop.kits import bulk_procedures, bulk_replay
from desktop.services.audit_scans import record_scan
from desktop.services.audits import start_audit
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.template_admin import set_approval
from desktop.storage.database import Database, open_database
from desktop.storage.models import Asset
from tests.desktop.kits.helpers import change, kit_of, set_person
from tests.desktop.kits.test_bulk_replay import _server_rows
from tests.factories import World, seed_world

Outcome = kits.Outcome
LAPTOPS = 24
_FIELDS = ("name", "serial_number", "notes", "order_number")
#: Moves and reassignments: fields whose value names a row.
_NAMING = ("location", "location", "assigned_to", "assigned_to", "owning_group")


def _change(
    db: Database, tag: str, values: dict[str, object], *, by: str, risk: str, kind: str
) -> None:
    with contextlib.suppress(ValidationError):  # (refused in the kit: never recorded)
        record_procedure(
            db,
            ProcedureRequest(
                kind=ProcedureKind.CHANGE,
                performed_by=by,
                asset_tag=tag,
                values=values,
                answers={"change_type": kind},
                impact=risk,
                likelihood=risk,
                reason=" field work ",
                ticket_ref="INC-7",
            ),
        )


def _day(world: World, kit_path: Path, seed: int) -> None:
    for n in range(1, LAPTOPS + 1):
        world.receive(tag=f"LAP-{n}")
    for n in range(1, 4):
        world.receive(tag=f"MON-{n}", category=world.monitor_category)
    change(world.db, "LAP-10", {"notes": "worn"})
    with world.db.write() as s:
        s.execute(update(Asset).where(Asset.tag == "LAP-10").values(status="decommissioned"))
    audit = start_audit(world.db, scope_location_id=world.site, started_by="auditor")
    rng = random.Random(seed)
    places = (world.room_a, world.room_b, world.building, world.other_site_room)
    assignees = ("user", "tech", "approver", "approver2")
    with kit_of(world, kit_path) as field:
        # The server meanwhile: the monitors' changes get a template of their own, infra
        # may no longer make changes, LAP-3's serial and LAP-4's and LAP-5's names set,
        # LAP-9's decommission waits for approval.
        set_approval(world.db, "admin", ProcedureKind.CHANGE, approvers=0, category="Monitor")
        set_person(world.db, "infra", active=True, roles=["approver"])
        # Approver 2 leaves (an assignment to them is refused), LAP-6 moves to A2.
        set_person(world.db, "approver2", active=False, roles=["approver"])
        change(world.db, "LAP-6", {"location": world.room_b})
        change(world.db, "LAP-3", {"serial_number": "SERVER"})
        change(world.db, "LAP-4", {"name": "Desk 4"})
        change(world.db, "LAP-5", {"name": "Desk 5"})
        world.decommission("LAP-9")

        _change(field.db, "LAP-3", {"serial_number": "KIT"}, by="tech", risk="low", kind="Repair")
        _change(field.db, "LAP-4", {"serial_number": "S4"}, by="tech", risk="low", kind="Repair")
        _change(field.db, "LAP-5", {"name": "Desk 5"}, by="tech", risk="low", kind="Repair")
        _change(field.db, "LAP-10", {"notes": "for parts"}, by="tech", risk="low", kind="Repair")
        _change(field.db, "LAP-10", {"name": "Husk"}, by="tech", risk="low", kind="Repair")
        _change(field.db, "LAP-9", {"notes": "boxed"}, by="tech2", risk="low", kind="Repair")
        # Text JSON escapes: quotes, a backslash, a tab, letters beyond ASCII.
        _change(
            field.db, "LAP-11", {"notes": 'B\u00fcro \u201c11\u201d\t"x"\\ \U0001f4bb'},
            by="tech", risk="low", kind="Repair",
        )  # fmt: skip
        for n in range(60):
            tag = f"MON-{rng.randint(1, 3)}" if rng.random() < 0.1 else f"LAP-{rng.randint(1, 24)}"
            fields = rng.sample(_FIELDS + _NAMING, rng.choice((1, 1, 2)))
            values: dict[str, object] = {
                key: (
                    None
                    if key != "name" and key != "location" and rng.random() < 0.1
                    else rng.choice(places)
                    if key == "location"
                    else world.people[rng.choice(assignees)]
                    if key == "assigned_to"
                    else rng.choice((world.service_desk, world.change_board))
                    if key == "owning_group"
                    else f"{key[:3]}-{n}"
                )
                for key in fields
            }
            by = rng.choice(("tech",) * 6 + ("tech2", "infra"))
            risk = "high" if rng.random() < 0.08 else "low"
            kind = rng.choice(("Repair", "Repair", "Upgrade"))
            _change(field.db, tag, values, by=by, risk=risk, kind=kind)
            if n % 17 == 16:
                record_scan(field.db, audit_id=audit.id, raw=tag, scanned_by="auditor")


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _texts(db: Database) -> list[tuple[Any, ...]]:
    """The procedures' JSON and text columns as stored."""
    with db.read() as s:
        return list(
            s.connection().exec_driver_sql(
                "SELECT id, answers, changes, note, origin_detail, ticket_ref, reason, "
                "performed_at FROM procedures ORDER BY id"
            )
        )


def _outcomes(report: kits.SyncReport) -> list[tuple[Any, ...]]:
    return [(r.seq, r.record_id, r.summary, r.outcome, r.reason) for r in report.results]


@pytest.mark.parametrize("seed", [15, 16])
def test_runs_of_procedures_decided_set_wise_end_as_one_by_one(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    world = seed_world(sqlite_db)
    _day(world, tmp_path / "kit.sqlite", seed)
    server_path = Path(str(sqlite_db.engine.url.database))
    sqlite_db.dispose()
    set_wise: list[int] = []
    real_store = bulk_procedures.ProcedureRun._store

    named: set[str] = set()

    def counted_store(run: Any, plain: list[Any], *args: Any) -> None:
        set_wise.append(len(plain))
        named.update(key for p in plain for key in p.new if key in _NAMING)
        real_store(run, plain, *args)

    monkeypatch.setattr(bulk_procedures.ProcedureRun, "_store", counted_store)
    # Runs as short as three procedures go set-wise here (a day's are thousands long).
    monkeypatch.setattr(bulk_replay, "MIN_RUN", 3)
    reports: dict[str, list[tuple[Any, ...]]] = {}
    again: dict[str, list[tuple[Any, ...]]] = {}
    rows: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    texts: dict[str, list[tuple[Any, ...]]] = {}
    for name in ("set-wise", "single"):
        if name == "single":
            monkeypatch.setattr(bulk_replay, "BULK_RECORDS", frozenset())
        _copy(server_path, tmp_path / f"server-{name}.sqlite")
        _copy(tmp_path / "kit.sqlite", tmp_path / f"kit-{name}.sqlite")
        _copy(tmp_path / "kit.sqlite", tmp_path / f"kit-{name}-again.sqlite")
        server = open_database(f"sqlite:///{tmp_path / f'server-{name}.sqlite'}")
        try:
            for path, into in (("", reports), ("-again", again)):
                kit = open_database(f"sqlite:///{tmp_path / f'kit-{name}{path}.sqlite'}")
                try:
                    into[name] = _outcomes(kits.sync(kit, server, "tech", refresh=False))
                finally:
                    kit.dispose()
                if not path:
                    rows[name] = _server_rows(server)
                    texts[name] = _texts(server)
        finally:
            server.dispose()
        if name == "set-wise":
            plain = sum(set_wise)
            # Most of the day is plain; the rest went one by one in its place.
            assert plain >= 15, set_wise
            # Moves and reassignments among them.
            assert {"location", "assigned_to"} <= named, named
            assert plain < sum(1 for r in reports[name] if r[3] is Outcome.APPLIED)
    assert reports["set-wise"] == reports["single"]
    outcomes = {r[3] for r in reports["set-wise"]}
    assert {Outcome.APPLIED, Outcome.MERGED, Outcome.CONFLICT} <= outcomes, outcomes
    for table in ("procedures", "assets", "scans", "conflicts"):
        assert rows["set-wise"][table] == rows["single"][table], table
    assert texts["set-wise"] == texts["single"]
    # A sync of the same kit again (killed before the kit heard): nothing twice.
    assert again["set-wise"] == again["single"]
    assert {r[3] for r in again["set-wise"]} <= {Outcome.ALREADY_APPLIED, Outcome.CONFLICT}


@pytest.mark.parametrize(
    "made",
    [
        [("serial_number", None, "SN-1", "", "SN-1")],
        [("name", "Desk", "", "Desk", "")],
        [("notes", 'a "b"\\', "B\u00fcro \u201c1\u201d\t\n\x01 \U0001f4bb", 'a "b"\\', "\u00fc")],
        [("name", "x", "y", "x", "y"), ("location", None, "0f0e", "", "Room A1")],
        [("assigned_to", "0f0e", None, "Tess", "")],
        # Not text: written by json.dumps as a whole.
        [("name", 5, "y", "5", "y"), ("notes", None, "z", "", "z")],
        [("notes", True, "y", "yes", "y")],
    ],
)
def test_plain_changes_are_the_text_json_dumps_writes(made: list[Any]) -> None:
    """A plain record's changes as the procedures' JSON column stores them (what the
    per-record replay's ``json.dumps`` writes), byte for byte."""
    import json

    expected = json.dumps(
        [
            {"field": k, "before": b, "after": a, "before_text": bt, "after_text": at}
            for k, b, a, bt, at in made
        ]
    )
    assert bulk_procedures._changes_json(made) == expected
