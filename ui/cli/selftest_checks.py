"""The checks ``assetdesk selftest`` runs, in order, each against a scratch database.

Each check takes the shared :class:`SelftestState`, does one real thing through the same
services the app uses, verifies the outcome as a user would (the asset's status, the
workbook's cells, the PDF's pages), and returns a one-line description. A failed
verification raises :class:`SelftestFailure`.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from desktop.domain.lifecycle import AssetStatus, Origin, ProcedureKind, ProcedureState
from desktop.services import reference
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.queries import asset_detail
from desktop.storage import migrate
from desktop.storage.database import Database, open_database

USER = "selftest"


class SelftestFailure(Exception):
    """A check ran but its result is wrong."""


@dataclass
class SelftestState:
    """What the checks hand on to each other."""

    folder: Path
    debug: bool = False
    database: Database | None = None
    category_id: uuid.UUID | None = None
    room_ids: list[uuid.UUID] = field(default_factory=list)
    person_id: uuid.UUID | None = None
    tag: str = ""
    workbook: Path | None = None
    pdf: Path | None = None

    @property
    def db(self) -> Database:
        if self.database is None:
            raise SelftestFailure("no database")
        return self.database

    def close(self) -> None:
        if self.database is not None:
            self.database.dispose()


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[SelftestState], str]
    needs: tuple[str, ...] = ()


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SelftestFailure(message)


def check_resources(state: SelftestState) -> str:
    """The data files the app reads through importlib.resources are there."""
    found = []
    for package, pattern, what in (
        ("desktop.storage.migrations", "script.py.mako", "migration script template"),
        ("desktop.storage.migrations.versions", "0*.py", "migrations"),
        ("resources.templates", "*.json", "procedure templates"),
        ("resources.labels", "*.json", "label templates"),
        ("resources.icons", "*.png", "icons"),
    ):
        root = resources.files(package)
        names = [p.name for p in root.iterdir() if Path(p.name).match(pattern)]
        expect(bool(names), f"no {pattern} in the package {package}")
        found.append(f"{len(names)} {what}")
    return ", ".join(found)


def check_database(state: SelftestState) -> str:
    path = state.folder / "selftest.sqlite3"
    state.database = open_database(f"sqlite:///{path}", log_sql_timing=state.debug)
    schema = state.database.schema_state()
    expect(schema.up_to_date, f"schema is {schema.current}, expected {migrate.head_revision()}")
    expect(path.is_file(), f"{path} was not created")
    return f"created {path.name} and migrated it to {schema.current}"


def check_reference_data(state: SelftestState) -> str:
    with state.db.write() as session:
        category = reference.create_category(
            session, name="Laptop", tag_prefix="LAP", audit_interval_days=365
        )
        site = reference.create_location(session, name="Self-test site", kind="site")
        rooms = [
            reference.create_location(
                session, name=f"Room {n}", kind="room", parent_id=site.id, code=f"ROOM-{n}"
            )
            for n in (1, 2)
        ]
        desk = reference.create_group(session, name="Service desk")
        reference.create_person(
            session, name="Self Test", username=USER, groups=[desk], roles=["technician"]
        )
        user = reference.create_person(session, name="Una User", username="user")
        state.category_id = category.id
        state.room_ids = [room.id for room in rooms]
        state.person_id = user.id
    return "1 category, 3 locations, 1 group, 2 people"


def check_receive(state: SelftestState) -> str:
    outcome = record_procedure(
        state.db,
        ProcedureRequest(
            kind=ProcedureKind.RECEIVE,
            performed_by=USER,
            values={
                "name": "Self-test laptop",
                "category": state.category_id,
                "location": state.room_ids[0],
                "serial_number": "SELFTEST-0001",
            },
            checklist={"inspected": True, "contents_match": True},
            origin=Origin.COMMAND_LINE,
            reason="assetdesk selftest",
        ),
    )
    with state.db.read() as session:
        detail = asset_detail(session, tag=outcome.asset_tag)
    expect(outcome.state == ProcedureState.COMPLETED, f"receive is {outcome.state}")
    expect(detail.row.status == AssetStatus.IN_STOCK, f"status is {detail.row.status}")
    expect(len(detail.history) == 1, f"history has {len(detail.history)} entries, expected 1")
    state.tag = outcome.asset_tag
    return f"received {outcome.asset_tag}: in stock in {detail.row.location}"


def check_install(state: SelftestState) -> str:
    record_procedure(
        state.db,
        ProcedureRequest(
            kind=ProcedureKind.INSTALL,
            performed_by=USER,
            asset_tag=state.tag,
            values={"location": state.room_ids[1], "assigned_to": state.person_id},
            checklist={"powers_on": True, "handover": True},
            origin=Origin.COMMAND_LINE,
            ticket_ref="SELFTEST-1",
            reason="assetdesk selftest",
        ),
    )
    with state.db.read() as session:
        detail = asset_detail(session, tag=state.tag)
    row = detail.row
    expect(row.status == AssetStatus.IN_SERVICE, f"status is {row.status}, expected in_service")
    expect(row.location == "Room 2", f"location is {row.location!r}, expected 'Room 2'")
    expect(row.assigned_to == "Una User", f"assignee is {row.assigned_to!r}")
    kinds = [entry.kind for entry in detail.history]
    expect(kinds == ["install", "receive"], f"history is {kinds}, expected install, receive")
    return f"installed {state.tag} in {row.location} for {row.assigned_to}; history: 2 procedures"


def check_export(state: SelftestState) -> str:
    from openpyxl import load_workbook

    from ui.cli import selftest_outputs

    state.workbook = state.folder / "register.xlsx"
    result = selftest_outputs.export_workbook(state.db, state.workbook, exported_by=USER)
    expect(result.rows == 1, f"the export says {result.rows} rows, expected 1")
    workbook = load_workbook(state.workbook, read_only=True)
    try:
        sheets = workbook.sheetnames
        expect(bool(sheets), f"{state.workbook.name} has no sheets")
        cells = {
            str(value).strip()
            for row in workbook[sheets[0]].iter_rows(values_only=True)
            for value in row
            if value is not None
        }
    finally:
        workbook.close()
    name = state.workbook.name
    expect(state.tag in cells, f"{name} does not contain the tag {state.tag}")
    expect("Self-test laptop" in cells, f"{name} lacks the asset's name")
    expect("SELFTEST-0001" in cells, f"{name} lacks the asset's serial number")
    size = state.workbook.stat().st_size
    return f"{name} ({size} bytes, sheets {', '.join(sheets)}) re-opens with {state.tag}"


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
POINTS_PER_MM = 72 / 25.4


def check_label_pdf(state: SelftestState) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is first imported
    from ui.cli import selftest_outputs

    state.pdf = state.folder / "labels.pdf"
    pdf = selftest_outputs.render_label_pdf(state.db, [state.tag], state.room_ids, state.pdf)
    expected_labels = 1 + len(state.room_ids)
    expect(
        pdf.labels == expected_labels, f"{pdf.labels} labels laid out, expected {expected_labels}"
    )
    data = state.pdf.read_bytes()
    name = state.pdf.name
    expect(data.startswith(b"%PDF-"), f"{name} does not start with %PDF-")
    expect(data.rstrip().endswith(b"%%EOF"), f"{name} is truncated (no %%EOF)")
    pages = len(_PAGE.findall(data))
    expect(pages == pdf.pages >= 1, f"{name} has {pages} pages, the painter wrote {pdf.pages}")
    boxes = [(float(w), float(h)) for w, h in _MEDIA_BOX.findall(data)]
    width, height = pdf.page_width_mm * POINTS_PER_MM, pdf.page_height_mm * POINTS_PER_MM
    expect(
        bool(boxes) and all(abs(w - width) < 1 and abs(h - height) < 1 for w, h in boxes),
        f"{name} pages are {boxes} pt, expected {width:.1f} x {height:.1f} pt ({pdf.template})",
    )
    return (
        f"{name} ({len(data)} bytes, {pdf.pages} page(s) of {pdf.template}, "
        f"{pdf.labels} labels, {pdf.page_width_mm:.0f} x {pdf.page_height_mm:.0f} mm)"
    )


def check_backup(state: SelftestState) -> str:
    from desktop.storage.backup import backup_database

    target = state.folder / "backup.sqlite3"
    result = backup_database(state.db, target)
    copy = Database(f"sqlite:///{target}")
    try:
        with copy.read() as session:
            detail = asset_detail(session, tag=state.tag)
    finally:
        copy.dispose()
    expect(result.asset_count == 1, f"the backup holds {result.asset_count} assets, expected 1")
    expect(
        len(detail.history) == 2,
        f"the backup holds {len(detail.history)} procedures of {state.tag}",
    )
    return f"{target.name} ({result.size_bytes} bytes) holds {state.tag} and its history"


CHECKS: tuple[Check, ...] = (
    Check("resources", check_resources),
    Check("database", check_database),
    Check("reference data", check_reference_data, ("database",)),
    Check("receive", check_receive, ("reference data",)),
    Check("install", check_install, ("receive",)),
    Check("export", check_export, ("install",)),
    Check("label pdf", check_label_pdf, ("receive",)),
    Check("backup", check_backup, ("install",)),
)
