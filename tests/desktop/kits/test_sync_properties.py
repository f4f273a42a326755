"""Random interleavings of server edits and two kits' offline edits on overlapping scopes
(issue 16 point 5, Hypothesis stateful).

Kit A holds the whole site, kit B one room of it: both hold the same assets. Between
syncs, the server and both kits change the same few assets (same and different
fields), receive new ones, and sync in any order. After every step:

- every offline record a sync handled is applied / merged / pending (on the server,
  once) or queued as a conflict — never both, never neither, never twice;
- the server's history is append-only: every procedure row seen before is still there,
  unchanged, and the count grows by exactly what was recorded.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from desktop import kits
from desktop.storage.database import Database, open_database
from desktop.storage.models import KitConflict, Procedure
from tests.backends import make_database
from tests.desktop.kits.helpers import change, receive_laptop
from tests.factories import seed_world

ASSETS = 2
FIELDS = ("serial_number", "name")
OUTCOMES = {kits.Outcome.APPLIED, kits.Outcome.MERGED, kits.Outcome.CONFLICT}
EXAMPLES = {"sqlite": 20, "postgresql": 15, "mariadb": 15}


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def template_dir(_sqlite_template_dir: Path) -> Path:
    return _sqlite_template_dir


def test_interleaved_server_and_kit_edits_lose_nothing_and_apply_nothing_twice(
    backend: str, template_dir: Path
) -> None:

    class Interleavings(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.folder = Path(tempfile.mkdtemp(prefix="kitprop"))
            self._server: Iterator[Database] = make_database(backend, self.folder, template_dir)
            self.server = next(self._server)
            self.world = seed_world(self.server)
            self.tags = [self.world.receive(tag=f"P-{n}").asset_tag for n in range(ASSETS)]
            self.kits: list[Database] = []
            for name, place in (("a", "Head office"), ("b", "ROOM-A1")):
                path = self.folder / f"kit-{name}.sqlite"
                scope = kits.resolve_scope(self.server, locations=[place])
                kits.checkout(self.server, scope, "tech", path)
                self.kits.append(open_database(f"sqlite:///{path}"))
            self.counter = 0
            #: procedure ids made in each kit, not yet synced
            self.offline: list[set[uuid.UUID]] = [set(), set()]
            #: procedure ids made on the server directly
            self.server_made: set[uuid.UUID] = set()
            #: offline procedure id -> its outcome at sync
            self.handled: dict[uuid.UUID, kits.Outcome] = {}
            self.history: dict[uuid.UUID, tuple[object, ...]] = self._history()

        def teardown(self) -> None:
            # The end of the day: both kits sync; nothing may be left out.
            try:
                for kit in (0, 1):
                    self.sync(kit, dry_run=False)
                    self.every_record_once_and_history_append_only()
                assert all(o in OUTCOMES for o in self.handled.values())
            finally:
                self._close()

        def _close(self) -> None:
            for kit in self.kits:
                kit.dispose()
            with contextlib.suppress(StopIteration):
                next(self._server)
            shutil.rmtree(self.folder, ignore_errors=True)

        def _value(self) -> str:
            self.counter += 1
            return f"V{self.counter}"

        def _history(self) -> dict[uuid.UUID, tuple[object, ...]]:
            with self.server.read() as s:
                rows = s.execute(
                    select(Procedure.id, Procedure.state, Procedure.changes, Procedure.note)
                ).all()
            return {r.id: (r.state, repr(r.changes), r.note) for r in rows}

        @rule(asset=st.integers(0, ASSETS - 1), field=st.sampled_from(FIELDS))
        def server_edit(self, asset: int, field: str) -> None:
            made = change(self.server, self.tags[asset], {field: self._value()})
            self.server_made.add(made.procedure_id)

        @rule(
            kit=st.integers(0, 1),
            asset=st.integers(0, ASSETS - 1),
            field=st.sampled_from(FIELDS),
        )
        def kit_edit(self, kit: int, asset: int, field: str) -> None:
            made = change(self.kits[kit], self.tags[asset], {field: self._value()})
            self.offline[kit].add(made.procedure_id)

        @rule(kit=st.integers(0, 1))
        def kit_receive(self, kit: int) -> None:
            made = receive_laptop(self.kits[kit], self.world, self._value())
            self.offline[kit].add(made.procedure_id)

        @rule(kit=st.integers(0, 1), dry_run=st.booleans())
        def sync(self, kit: int, dry_run: bool) -> None:
            report = kits.sync(self.kits[kit], self.server, "tech", dry_run=dry_run)
            procedures = [r for r in report.results if r.record == "procedure"]
            assert {r.record_id for r in procedures} == self.offline[kit]
            if dry_run:
                return
            for result in procedures:
                assert result.outcome is not kits.Outcome.ALREADY_APPLIED  # first time
                assert result.record_id not in self.handled
                self.handled[result.record_id] = result.outcome
                event(f"outcome: {result.outcome.value}")
            self.offline[kit] = set()

        @invariant()
        def every_record_once_and_history_append_only(self) -> None:
            now = self._history()
            for procedure_id, row in self.history.items():
                assert now.get(procedure_id) == row, "history changed"
            with self.server.read() as s:
                queued = set(s.execute(select(KitConflict.record_id)).scalars())
                total = s.execute(select(func.count()).select_from(Procedure)).scalar_one()
            for procedure_id, outcome in self.handled.items():
                if outcome is kits.Outcome.CONFLICT:
                    assert procedure_id in queued and procedure_id not in now
                else:
                    assert procedure_id in now and procedure_id not in queued
            applied = sum(o is not kits.Outcome.CONFLICT for o in self.handled.values())
            assert total == ASSETS + len(self.server_made) + applied
            assert len(queued) == sum(o is kits.Outcome.CONFLICT for o in self.handled.values())
            self.history = now

    run_state_machine_as_test(
        Interleavings,
        settings=settings(
            max_examples=EXAMPLES[backend],
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
