"""The audit report workbook: a summary sheet, then one sheet per reconciliation list.

Sheets: Summary, Found, Missing, Misplaced, Unknown, Retired, Scans (every scan in order,
undone ones marked). Dates are real dates, the header is frozen and filterable, and text
from scans is never written as a formula.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.errors import DesktopError
from desktop.local_time import local_zones
from desktop.output_files import check_output_file
from desktop.services.audit_scan_types import KIND_LABELS, ScanClass, ScanKind
from desktop.services.audit_tally import Reconciliation, ReconciliationItem, reconcile
from desktop.services.audits import location_names
from desktop.storage.database import Database
from desktop.storage.models import AuditScan, Person

_ITEM_COLUMNS = (
    "Asset tag",
    "Name",
    "Category",
    "Status",
    "Expected in",
    "Scanned in",
    "Recorded location now",
    "Scanned at (local time)",
    "Scanned by",
    "Note",
)
_FORMULA_START = ("=", "+", "-", "@")


def write_audit_report(db: Database, *, audit_id: uuid.UUID, path: Path) -> Reconciliation:
    """Write the report of ``audit_id`` to ``path`` (.xlsx) and return what it contains."""
    path = path.expanduser()
    if path.suffix.lower() != ".xlsx":
        raise DesktopError(f"{path}: the audit report is an .xlsx workbook; name it *.xlsx")
    check_output_file(path, "the audit report")
    with db.read() as session:
        result = reconcile(session, audit_id)
        scan_rows = _scan_rows(session, audit_id)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    now = dt.datetime.now(dt.UTC)
    times = [
        result.audit.started_at,
        result.audit.closed_at,
        now,
        *(i.scanned_at for i in _all_items(result)),
        *(row[1] for row in scan_rows if isinstance(row[1], dt.datetime)),
    ]
    _write_summary(summary, result, db.display_url, now, local_zones(times))
    for title, items in (
        ("Found", result.found),
        ("Missing", result.missing),
        ("Misplaced", result.misplaced),
        ("Unknown", result.unknown),
        ("Retired", result.retired),
    ):
        _write_items(book.create_sheet(title), items)
    _write_table(
        book.create_sheet("Scans"),
        (
            "#",
            "Scanned at (local time)",
            "Scanned by",
            "Scanned text",
            "Kind",
            "Result",
            "Room",
            "Reason",
            "Undone",
        ),
        scan_rows,
    )
    try:
        book.save(path)
    except OSError as exc:
        raise DesktopError(f"cannot write the audit report {path}: {exc.strerror}") from exc
    return result


def _all_items(result: Reconciliation) -> list[ReconciliationItem]:
    return [
        *result.found,
        *result.missing,
        *result.misplaced,
        *result.unknown,
        *result.retired,
    ]


def _write_summary(
    sheet: Worksheet, result: Reconciliation, database: str, now: dt.datetime, zones: str
) -> None:
    audit = result.audit
    rows: list[tuple[str, object]] = [
        ("Audit", audit.name),
        # No id: the report is read by people (finance, the site's manager), and the
        # audit's name and times say which audit it is.
        ("Status", audit.status.capitalize()),
        ("Scope", audit.scope),
        ("Categories", ", ".join(audit.categories) or "all"),
        ("Started by", audit.started_by),
        ("Started at", _local(audit.started_at)),
        ("Closed by", audit.closed_by),
        ("Closed at", _local(audit.closed_at)),
        ("Database", database),
        ("Report written", _local(now)),
        ("Times", f"local time of the computer that wrote the report: {zones}"),
        ("", ""),
    ]
    labels = {
        "expected": "Expected",
        "found": "Found",
        "missing": "Missing",
        "misplaced": "Misplaced",
        "unknown": "Unknown tags",
        "retired": "Retired but present",
        "duplicates": "Duplicate scans",
        "scans": "Scans (without undone)",
    }
    rows += [(labels[k], v) for k, v in result.counts().items()]
    for label, value in rows:
        sheet.append([label, value])
        _as_text(sheet)
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        if isinstance(value, dt.datetime):
            sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd hh:mm"
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 48


def _write_items(sheet: Worksheet, items: Sequence[ReconciliationItem]) -> None:
    _write_table(
        sheet,
        _ITEM_COLUMNS,
        [
            (
                i.tag,
                i.name,
                i.category,
                i.status,
                i.expected_location,
                i.room,
                i.current_location,
                _local(i.scanned_at),
                i.scanned_by,
                i.note,
            )
            for i in items
        ],
    )


def _write_table(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) + 2 for h in header]
    for given in rows:
        # Excel has no time zones: each time as the local wall-clock (the summary names it).
        row = [_local(v) if isinstance(v, dt.datetime) else v for v in given]
        sheet.append(row)
        _as_text(sheet)
        for index, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.cell(sheet.max_row, index + 1).number_format = "yyyy-mm-dd hh:mm:ss"
                widths[index] = max(widths[index], 20)
            else:
                widths[index] = min(max(widths[index], len(str(value)) + 2), 60)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"


def _scan_rows(session: Session, audit_id: uuid.UUID) -> list[tuple[object, ...]]:
    names = location_names(session)
    scans = (
        session.execute(
            select(AuditScan).where(AuditScan.audit_id == audit_id).order_by(AuditScan.sequence)
        )
        .scalars()
        .all()
    )
    people = dict(session.execute(select(Person.id, Person.name)).all())
    undone = {s.undoes_scan_id for s in scans if s.undoes_scan_id}
    return [
        (
            s.sequence,
            s.scanned_at,
            people.get(s.scanned_by_id, ""),
            s.raw,
            _kind_label(s.kind),
            ScanClass(s.classification).label if s.classification else "",
            names.get(s.location_id, "") if s.location_id else "",
            s.reason,
            "undone" if s.id in undone else "",
        )
        for s in scans
    ]


def _kind_label(kind: str) -> str:
    """The scan's kind in words ("Room label", not "location"); an unknown kind as stored."""
    try:
        return KIND_LABELS[ScanKind(kind)]
    except ValueError:
        return kind


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write local wall-clock time without a zone (the summary's
    "Times" row names the zone, :func:`local_zones`)."""
    return value.astimezone().replace(tzinfo=None) if value is not None else None


def _as_text(sheet: Worksheet) -> None:
    """Keep scanned text that looks like a formula ("=...") as text in the last row."""
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"
