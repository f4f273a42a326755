"""A refresh writes only what moved, and leaves exactly the rows a whole fill would
(issue 16 point 3; Hypothesis stateful).

Random server edits (asset edits, new assets in and out of scope, assets moved out of
and into the scope, a location moved below the scope and back, new template versions, procedures waiting for approval then approved or rejected, audits
started, scanned and closed, incidents logged and moved to closed, a location renamed, a
person added) and offline work in the kit (edits, receipts, audit scans, incidents) are
interleaved with syncs. After every sync
the kit (refreshed in place: the whole fill must not run) is compared with a copy of it
re-filled whole from the same server state: every table row for row (the kit's own
tables included: base values, journal, tag sequences, metadata but for the refresh
time), and the search index asset by asset, with its ranks in tag order.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import delete, select, text

from desktop import kits
from desktop.domain.incidents import IncidentStatus
from desktop.domain.lifecycle import ProcedureKind
from desktop.errors import DesktopError
from desktop.kits import schema
from desktop.kits.info import kit_info
from desktop.kits.kit_refresh import _refill
from desktop.kits.schema import attach_source, detach_source
from desktop.services import reference, search
from desktop.services.approvals import approve, reject
from desktop.services.audit_scans import record_scan
from desktop.services.audits import close_audit, start_audit
from desktop.services.incidents import IncidentRequest, log_incident, move_incident
from desktop.services.search import UNRANKED
from desktop.services.template_admin import set_approval
from desktop.storage.database import Database, open_database
from desktop.storage.models import (
    Asset,
    Audit,
    AuditScan,
    Incident,
    KitCheckout,
    KitCheckoutAsset,
    Location,
    Procedure,
)
from tests.backends import make_database
from tests.desktop.kits.helpers import change, receive_laptop
from tests.factories import World, seed_world

EXAMPLES = {"sqlite": 25, "postgresql": 8, "mariadb": 8}
#: Tables compared otherwise (the search index's own) or not at all (SQLite's).
_NOT_COMPARED = ("asset_search", "sqlite_")
#: The incident moves to closed, with what each needs.
_NEXT = {
    IncidentStatus.NEW: (IncidentStatus.ASSIGNED, {"assignee": "tech2"}),
    IncidentStatus.ASSIGNED: (IncidentStatus.IN_PROGRESS, {}),
    IncidentStatus.IN_PROGRESS: (
        IncidentStatus.RESOLVED,
        {"root_cause": "loose cable", "resolution": "cable fixed"},
    ),
    IncidentStatus.RESOLVED: (IncidentStatus.CLOSED, {}),
}


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def template_dir(_sqlite_template_dir: Path) -> Path:
    return _sqlite_template_dir


def kit_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the kit file, its rows sorted (the refresh time left out)."""
    connection = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith(_NOT_COMPARED)
        ]
        found = {}
        for name in names:
            cursor = connection.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            rows = [
                tuple(v for c, v in zip(columns, row, strict=True) if c != "refreshed_at")
                for row in cursor
            ]
            found[name] = sorted(rows, key=repr)
        return found
    finally:
        connection.close()


def search_index(path: Path) -> list[tuple[Any, ...]]:
    """The search index's row of each asset (by the asset's id); checks that it holds one
    row per asset and that its ranks follow the tags."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT a.id, s.tag, s.serial_number, s.name, s.model, s.assignee, s.location "
            "FROM asset_search s JOIN asset_search_rank r ON r.rank = s.rowid "
            "JOIN assets a ON a.rowid = r.asset_rowid"
        ).fetchall()
        assets = connection.execute("SELECT count(*) FROM assets").fetchone()[0]
        indexed = connection.execute("SELECT count(*) FROM asset_search").fetchone()[0]
        assert len(rows) == assets == indexed
        ranked = [
            r[0]
            for r in connection.execute(
                "SELECT a.tag_key FROM asset_search_rank r JOIN assets a "
                "ON a.rowid = r.asset_rowid WHERE r.rank < ? ORDER BY r.rank",
                (UNRANKED,),
            )
        ]
        assert ranked == sorted(ranked)
        hits = connection.execute(
            "SELECT count(*) FROM asset_search WHERE asset_search MATCH '\"Room\"'"
        ).fetchone()[0]
        return [*sorted(rows, key=repr), ("hits", hits)]
    finally:
        connection.close()


def refilled_whole(kit_path: Path, twin_path: Path, server: Database) -> None:
    """``twin_path``: a copy of the kit re-filled whole from ``server`` (its refresh's
    kit side, made to take the whole fill)."""
    with sqlite3.connect(kit_path) as src, sqlite3.connect(twin_path) as dst:
        src.backup(dst)
    twin = open_database(f"sqlite:///{twin_path}")
    try:
        info = kit_info(twin)
        assert info is not None
        with (
            mock.patch.object(schema, "_same_schema", return_value=False),
            server.read() as session,
            twin.engine.connect() as connection,
        ):
            attach_source(connection, server)
            try:
                with connection.begin():
                    _refill(session, connection, info, progress=None, cancel=None)
            finally:
                detach_source(connection)
    finally:
        twin.dispose()


def test_a_refresh_in_place_leaves_the_rows_of_a_whole_fill(
    backend: str, template_dir: Path
) -> None:
    class Refreshes(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.folder = Path(tempfile.mkdtemp(prefix="kitrefresh"))
            self._server: Iterator[Database] = make_database(backend, self.folder, template_dir)
            self.server = next(self._server)
            self.world: World = seed_world(self.server)
            for n in range(3):
                self.world.receive(tag=f"R-{n}")
            self.world.receive(tag="B-0", values={"location": self.world.other_site_room})
            self.tags = ["R-0", "R-1", "R-2", "B-0"]
            self.kit_path = self.folder / "kit.sqlite"
            scope = kits.resolve_scope(self.server, locations=["Head office"])
            kits.checkout(self.server, scope, "tech", self.kit_path)
            self.kit = open_database(f"sqlite:///{self.kit_path}")
            self.counter = 0
            self.syncs = 0
            self.branch: Any = None

        def teardown(self) -> None:
            try:
                self.sync()
            finally:
                self.kit.dispose()
                with contextlib.suppress(StopIteration):
                    next(self._server)
                shutil.rmtree(self.folder, ignore_errors=True)

        def _value(self) -> str:
            self.counter += 1
            return f"V{self.counter}"

        def _tag(self, n: int) -> str:
            return self.tags[n % len(self.tags)]

        def _try(self, what: str, work: Any, *args: Any, **kwargs: Any) -> Any:
            """Work the rules may refuse (the asset moved on meanwhile): refused, it
            changes nothing, which the comparison covers as well."""
            try:
                return work(*args, **kwargs)
            except DesktopError:
                event(f"{what} refused")
                return None

        # -- the server -------------------------------------------------------------

        @rule(n=st.integers(0, 50), field=st.sampled_from(["serial_number", "name", "notes"]))
        def server_edit(self, n: int, field: str) -> None:
            self._try("server edit", change, self.server, self._tag(n), {field: self._value()})

        @rule(in_scope=st.booleans())
        def server_receive(self, in_scope: bool) -> None:
            place = self.world.room_b if in_scope else self.world.other_site_room
            made = self.world.receive(values={"location": place}, name=self._value())
            self.tags.append(made.asset_tag)

        @rule(n=st.integers(0, 50), out=st.booleans())
        def server_move(self, n: int, out: bool) -> None:
            place = self.world.other_site_room if out else self.world.room_a
            self._try("move", change, self.server, self._tag(n), {"location": place})

        @rule(n=st.integers(0, 50))
        def server_decommission(self, n: int) -> None:
            self._try("decommission", self.world.decommission, self._tag(n))

        @rule(approved=st.booleans())
        def server_decide(self, approved: bool) -> None:
            with self.server.read() as s:
                pending = s.execute(
                    select(Procedure.id).where(Procedure.state == "pending_approval").limit(1)
                ).scalar()
            if pending is None:
                return
            if approved:
                for approver in ("approver", "approver2", "infra", "tech2"):
                    self._try(
                        "approval", approve, self.server, procedure_id=pending, approver=approver
                    )
            else:
                self._try(
                    "rejection",
                    reject,
                    self.server,
                    procedure_id=pending,
                    approver="approver",
                    comment="no",
                )

        @rule()
        def server_audit(self) -> None:
            with self.server.read() as s:
                open_audit = s.execute(select(Audit.id).where(Audit.status == "open")).scalar()
            if open_audit is None:
                start_audit(
                    self.server, scope_location_id=self.world.building, started_by="auditor"
                )
            else:
                self._try(
                    "close", close_audit, self.server, audit_id=open_audit, closed_by="auditor"
                )

        @rule(n=st.integers(0, 50))
        def server_scan(self, n: int) -> None:
            with self.server.read() as s:
                open_audit = s.execute(select(Audit.id).where(Audit.status == "open")).scalar()
            if open_audit is not None:
                self._try(
                    "scan",
                    record_scan,
                    self.server,
                    audit_id=open_audit,
                    raw=self._tag(n),
                    scanned_by="auditor",
                )

        @rule(n=st.integers(0, 50))
        def server_incident(self, n: int) -> None:
            request = IncidentRequest(
                logged_by="tech",
                asset_tags=[self._tag(n)],
                title=self._value(),
                description="It broke.",
                severity="high",
                routed_group="Infrastructure",
                reported_by="user",
            )
            self._try("incident", log_incident, self.server, request)

        @rule()
        def server_incident_moves(self) -> None:
            with self.server.read() as s:
                found = s.execute(
                    select(Incident.number, Incident.status)
                    .where(Incident.status != "closed")
                    .order_by(Incident.number)
                    .limit(1)
                ).first()
            if found is not None:
                to_status, extra = _NEXT[IncidentStatus(found.status)]
                self._try(
                    "incident move",
                    move_incident,
                    self.server,
                    number=found.number,
                    to_status=to_status,
                    by="tech2",
                    **extra,
                )

        @rule(which=st.booleans())
        def server_reference(self, which: bool) -> None:
            with self.server.write() as s:
                if which:
                    room = s.get(Location, self.world.room_a)
                    assert room is not None
                    reference.update_location(
                        s,
                        location_id=room.id,
                        expected_version=None,
                        name=f"Room {self._value()}",
                        kind=room.kind,
                        code=room.code or "",
                    )
                else:
                    name = self._value()
                    reference.create_person(s, name=f"Pat {name}", username=name.lower())

        @rule(inside=st.booleans())
        def server_reparent(self, inside: bool) -> None:
            """The branch's store moved below the scope's building (its assets enter the
            scope with no asset row changed) or back to its site (they leave)."""
            with self.server.write() as s:
                store = s.get(Location, self.world.other_site_room)
                assert store is not None
                branch = store.parent_id if store.parent_id != self.world.building else None
                if branch is not None:
                    self.branch = branch
                reference.move_location(
                    s,
                    location_id=store.id,
                    new_parent_id=self.world.building if inside else self.branch,
                )

        @rule(approvers=st.integers(0, 2), kind=st.sampled_from(["install", "change"]))
        def server_template(self, approvers: int, kind: str) -> None:
            """A new template version (the kit's procedures then follow it)."""
            set_approval(self.server, "admin", ProcedureKind(kind), approvers=approvers)

        # -- the kit ----------------------------------------------------------------

        @rule(n=st.integers(0, 50), field=st.sampled_from(["serial_number", "name"]))
        def kit_edit(self, n: int, field: str) -> None:
            self._try("kit edit", change, self.kit, self._tag(n), {field: self._value()})

        @rule()
        def kit_receive(self) -> None:
            made = receive_laptop(self.kit, self.world, self._value())
            self.tags.append(made.asset_tag)

        @rule(n=st.integers(0, 50))
        def kit_scan(self, n: int) -> None:
            """A scan made in the kit (the server's replay may number or classify it
            otherwise: the refresh must read it whole, whatever its key)."""
            with self.kit.read() as s:
                open_audit = s.execute(select(Audit.id).where(Audit.status == "open")).scalar()
            if open_audit is not None:
                self._try(
                    "kit scan",
                    record_scan,
                    self.kit,
                    audit_id=open_audit,
                    raw=self._tag(n),
                    scanned_by="auditor",
                )

        @rule(n=st.integers(0, 50))
        def kit_incident(self, n: int) -> None:
            """An incident logged in the kit: its number is provisional, and the server
            gives it its own at sync (another incident's in the kit, when the server
            logged one meanwhile)."""
            request = IncidentRequest(
                logged_by="tech",
                asset_tags=[self._tag(n)],
                title=self._value(),
                description="It broke offline.",
                severity="high",
                routed_group="Infrastructure",
                reported_by="user",
            )
            self._try("kit incident", log_incident, self.kit, request)

        @rule(bulk=st.booleans())
        def sync(self, bulk: bool = False) -> None:
            """(``bulk``: the search index rows of updated assets replaced together, on
            the server and in the kit, whatever their number; else row by row.)"""
            whole = mock.patch.object(schema, "fill", side_effect=AssertionError("whole fill"))
            least = 1 if bulk else 10**9
            with (
                whole,
                mock.patch.object(schema, "BULK_UPKEEP_MIN", least),
                mock.patch.object(search, "BULK_UPKEEP_MIN", least),
            ):
                report = kits.sync(self.kit, self.server, "tech")
            assert report.refreshed
            self.syncs += 1
            twin = self.folder / f"twin-{self.syncs}.sqlite"
            refilled_whole(self.kit_path, twin, self.server)
            ours, theirs = kit_rows(self.kit_path), kit_rows(twin)
            assert ours.keys() == theirs.keys()
            for name in ours:
                assert ours[name] == theirs[name], name
            assert search_index(self.kit_path) == search_index(twin)
            event(f"assets in the kit: {len(ours['assets'])}")

    run_state_machine_as_test(
        Refreshes,
        settings=settings(
            max_examples=EXAMPLES[backend],
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )


def test_a_kit_whose_server_moved_to_another_schema_is_refilled_whole(
    world: World, tmp_path: Path
) -> None:
    """The source's migration head differs from the kit's: the refresh cannot compare
    rows of two schemas, so it re-fills the kit whole."""
    world.receive(tag="LAP-1")
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")
    try:
        change(world.db, "LAP-1", {"serial_number": "SN-NEW"})
        with world.db.write() as s:
            s.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert len(calls) == 1
        with kit.read() as s:
            assert s.execute(select(Procedure.id)).all()
        connection = sqlite3.connect(path)
        try:
            assert connection.execute("SELECT serial_number FROM assets").fetchall() == [
                ("SN-NEW",)
            ]
        finally:
            connection.close()
    finally:
        kit.dispose()


@contextlib.contextmanager
def whole_fills() -> Iterator[list[object]]:
    """Count the refresh's whole fills (they still run)."""
    calls: list[object] = []
    real = schema.fill

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    with mock.patch.object(schema, "fill", side_effect=counted):
        yield calls


def _kit_tags(path: Path) -> list[tuple[str, str | None]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT tag, serial_number FROM assets ORDER BY tag").fetchall()
    finally:
        connection.close()


def test_two_assets_that_swapped_tags_on_the_server_are_refilled_whole(
    world: World, tmp_path: Path
) -> None:
    """Written in place, the first asset's new tag would collide with the second's old
    one: the refresh re-fills the kit whole instead, and the kit has both swapped."""
    world.receive(tag="LAP-1", values={"serial_number": "SN-1"})
    world.receive(tag="LAP-2", values={"serial_number": "SN-2"})
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")
    try:
        swap = text(
            "UPDATE assets SET tag = :new, tag_key = :key, version = version + 1 WHERE tag = :old"
        )
        with world.db.write() as s:
            for old, new in (("LAP-1", "SWAP"), ("LAP-2", "LAP-1"), ("SWAP", "LAP-2")):
                s.execute(swap, {"new": new, "key": new.lower(), "old": old})
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert len(calls) == 1
        assert _kit_tags(path) == [("LAP-1", "SN-2"), ("LAP-2", "SN-1")]
    finally:
        kit.dispose()


def test_an_offline_incident_numbered_otherwise_on_the_server_is_refreshed_in_place(
    world: World, tmp_path: Path
) -> None:
    """The kit numbers an incident logged offline after its own (provisional); the server
    logged one meanwhile, which holds that number, and gives the kit's the next. The
    refresh writes both numbers in place (it re-filled the kit whole: the server's
    incident collided with the kit's row before it was renumbered)."""
    world.receive(tag="LAP-1")
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")

    def request(title: str) -> IncidentRequest:
        return IncidentRequest(
            logged_by="tech",
            asset_tags=["LAP-1"],
            title=title,
            description="It broke.",
            severity="high",
            routed_group="Infrastructure",
            reported_by="user",
        )

    try:
        on_server = log_incident(world.db, request("on the server"))
        offline = log_incident(kit, request("offline"))
        assert offline.number == on_server.number and offline.provisional
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert calls == []
        with world.db.read() as s:
            server_numbers = {r[0]: r[1] for r in s.execute(select(Incident.id, Incident.number))}
        with kit.read() as s:
            kit_numbers = {r[0]: r[1] for r in s.execute(select(Incident.id, Incident.number))}
        assert kit_numbers == server_numbers
        assert server_numbers[offline.id] == on_server.number + 1
    finally:
        kit.dispose()


def test_an_offline_scan_sequenced_otherwise_on_the_server_is_refreshed_in_place(
    world: World, tmp_path: Path
) -> None:
    """A scan made in the kit gets the audit's next sequence (provisional); the server
    recorded a scan in the same audit meanwhile, which holds that sequence, and gives the
    kit's the next. The refresh writes both sequences in place (it re-filled the kit
    whole: the server's scan collided with the kit's row before it was resequenced)."""
    world.receive(tag="LAP-1")
    world.receive(tag="LAP-2")
    audit = start_audit(world.db, scope_location_id=world.building, started_by="auditor")
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")
    try:
        record_scan(world.db, audit_id=audit.id, raw="LAP-1", scanned_by="auditor")
        record_scan(kit, audit_id=audit.id, raw="LAP-2", scanned_by="auditor")
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert calls == []
        read = select(AuditScan.raw, AuditScan.sequence).order_by(AuditScan.sequence)
        with world.db.read() as s:
            on_server = s.execute(read).all()
        with kit.read() as s:
            assert s.execute(read).all() == on_server
        assert [tuple(r) for r in on_server] == [("LAP-1", 1), ("LAP-2", 2)]
    finally:
        kit.dispose()


def test_a_kit_most_of_whose_assets_moved_is_refilled_whole(world: World, tmp_path: Path) -> None:
    """More than :data:`WHOLE_REFILL_SHARE` of the assets moved (here the bounds are
    lowered to one asset): the whole fill, which builds the search index once."""
    for n in (1, 2, 3):
        world.receive(tag=f"LAP-{n}")
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")
    try:
        change(world.db, "LAP-1", {"serial_number": "SN-A"})
        with (
            mock.patch.object(schema, "WHOLE_REFILL_MIN", 1),
            mock.patch.object(schema, "WHOLE_REFILL_SHARE", 0.5),
        ):
            with whole_fills() as calls:  # one of three moved: in place
                assert kits.sync(kit, world.db, "tech").refreshed
            assert calls == []
            change(world.db, "LAP-2", {"serial_number": "SN-B"})
            change(world.db, "LAP-3", {"serial_number": "SN-C"})
            with whole_fills() as calls:  # two of three moved: whole
                assert kits.sync(kit, world.db, "tech").refreshed
            assert len(calls) == 1
        assert _kit_tags(path) == [("LAP-1", "SN-A"), ("LAP-2", "SN-B"), ("LAP-3", "SN-C")]
    finally:
        kit.dispose()


def test_a_refresh_rewrites_only_the_columns_the_server_changed(
    world: World, tmp_path: Path
) -> None:
    """The server renames one asset: the refresh writes its new name, and no other
    column of it (SQLite keeps up every index and fires every trigger on a column an
    update sets, even to the value it had: setting them all cost a 10,000-asset kit's
    refresh ~12 ms for 1,000 assets whose time stamp alone had changed). A trigger the
    test adds to the kit counts the columns written."""
    world.receive(tag="LAP-1", values={"serial_number": "SN-1"})
    world.receive(tag="LAP-2", values={"serial_number": "SN-2"})
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    watch = sqlite3.connect(path)
    try:
        watch.execute("CREATE TABLE test_written (tag TEXT, col TEXT)")
        for column in ("name", "serial_number", "location_id", "custom_fields"):
            watch.execute(
                f"CREATE TRIGGER test_written_{column} AFTER UPDATE OF {column} ON assets "
                f"BEGIN INSERT INTO test_written VALUES (new.tag, '{column}'); END"
            )
        watch.commit()
    finally:
        watch.close()
    kit = open_database(f"sqlite:///{path}")
    try:
        with world.db.write() as s:
            s.execute(
                text(
                    "UPDATE assets SET name = 'Renamed laptop', version = version + 1 "
                    "WHERE tag = 'LAP-1'"
                )
            )
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert calls == []
        watch = sqlite3.connect(path)
        try:
            written = watch.execute("SELECT tag, col FROM test_written").fetchall()
            names = watch.execute("SELECT tag, name FROM assets ORDER BY tag").fetchall()
        finally:
            watch.close()
        assert written == [("LAP-1", "name")]
        assert names[0] == ("LAP-1", "Renamed laptop") and names[1][0] == "LAP-2"
    finally:
        kit.dispose()


def test_a_refresh_brings_exactly_the_servers_state_even_after_a_failed_one(
    world: World, tmp_path: Path
) -> None:
    """Between two syncs the server changes an asset in the kit's scope (which the kit
    changed too, offline), moves one out of the scope and one in, and renames a room
    (reference data the search index shows). A refresh that fails half-way through its
    writes leaves the kit's rows as they were (one kit transaction); the next refresh
    leaves exactly the rows and search index a whole fill from the server gives."""
    for tag in ("LAP-1", "LAP-2"):
        world.receive(tag=tag)
    world.receive(tag="LAP-3", values={"location": world.other_site_room})
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")
    try:
        change(kit, "LAP-1", {"serial_number": "SN-KIT"})
        change(world.db, "LAP-1", {"name": "Renamed on the server"})
        change(world.db, "LAP-2", {"location": world.other_site_room})
        change(world.db, "LAP-3", {"location": world.room_b})
        with world.db.write() as s:
            room = s.get(Location, world.room_a)
            assert room is not None
            reference.update_location(
                s,
                location_id=world.room_a,
                expected_version=None,
                name="Room A1 east",
                kind=room.kind,
                code=room.code or "ROOM-A1",
            )
        before = kit_rows(path)["assets"]
        with (
            mock.patch.object(schema, "base_rows", side_effect=RuntimeError("killed")),
            pytest.raises(RuntimeError, match="killed"),
        ):
            kits.sync(kit, world.db, "tech")
        assert kit_rows(path)["assets"] == before  # the failed refresh wrote nothing
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert calls == []  # refreshed in place
        twin = tmp_path / "twin.sqlite"
        refilled_whole(path, twin, world.db)
        assert kit_rows(path) == kit_rows(twin)
        assert search_index(path) == search_index(twin)
        with kit.read() as s:
            held = {
                tag: (name, serial)
                for tag, name, serial in s.execute(
                    text("SELECT tag, name, serial_number FROM assets")
                ).all()
            }
            located = s.execute(
                text("SELECT location FROM asset_search WHERE tag = 'LAP-1'")
            ).scalar_one()
        assert held == {
            "LAP-1": ("Renamed on the server", "SN-KIT"),
            "LAP-3": ("ThinkPad T14", None),
        }
        assert "Room A1 east" in located
    finally:
        kit.dispose()


def _on_record(db: Database, kit_id: Any) -> set[str]:
    """The tags of the assets the server records kit ``kit_id`` as holding."""
    with db.read() as s:
        return set(
            s.execute(
                select(Asset.tag)
                .join(KitCheckoutAsset, KitCheckoutAsset.asset_id == Asset.id)
                .where(KitCheckoutAsset.kit_id == kit_id)
            ).scalars()
        )


def test_the_servers_record_of_the_kits_assets_follows_each_refresh(
    world: World, tmp_path: Path
) -> None:
    """The server records which assets a kit holds (the register shows them as out in
    it). A refresh after one asset moved out of the kit's scope and another into it
    leaves exactly the kit's assets on record (found by SQLite across the two files from
    a SQLite server, in Python from the others); and a record gone wrong — an asset's row
    lost, a row of an asset the kit never held, as a server write that failed after the
    kit's commit could leave it — is set right by the next refresh."""
    for tag in ("LAP-1", "LAP-2"):
        world.receive(tag=tag)
    for tag in ("LAP-3", "LAP-4"):
        world.receive(tag=tag, values={"location": world.other_site_room})
    path = tmp_path / "kit.sqlite"
    kits.checkout(world.db, kits.resolve_scope(world.db, locations=["Head office"]), "tech", path)
    kit = open_database(f"sqlite:///{path}")
    try:
        info = kit_info(kit)
        assert info is not None
        assert _on_record(world.db, info.kit_id) == {"LAP-1", "LAP-2"}
        change(world.db, "LAP-2", {"location": world.other_site_room})
        change(world.db, "LAP-3", {"location": world.room_b})
        with whole_fills() as calls:
            assert kits.sync(kit, world.db, "tech").refreshed
        assert calls == []
        assert {tag for tag, _serial in _kit_tags(path)} == {"LAP-1", "LAP-3"}
        assert _on_record(world.db, info.kit_id) == {"LAP-1", "LAP-3"}
        with world.db.write() as s:
            tags = dict(s.execute(select(Asset.tag, Asset.id)).all())
            s.execute(
                delete(KitCheckoutAsset).where(
                    KitCheckoutAsset.kit_id == info.kit_id,
                    KitCheckoutAsset.asset_id == tags["LAP-1"],
                )
            )
            s.add(KitCheckoutAsset(kit_id=info.kit_id, asset_id=tags["LAP-4"]))
        assert _on_record(world.db, info.kit_id) == {"LAP-3", "LAP-4"}
        assert kits.sync(kit, world.db, "tech").refreshed
        assert _on_record(world.db, info.kit_id) == {"LAP-1", "LAP-3"}
        with world.db.read() as s:
            checkout = s.get(KitCheckout, info.kit_id)
            assert checkout is not None and checkout.asset_count == 2
    finally:
        kit.dispose()
