"""What a dry run produces: every row classified, with its changes and problems."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from desktop.domain.lifecycle import AssetStatus
from desktop.errors import DesktopError
from desktop.services.procedures import FieldChange
from desktop.spreadsheets.cells import DateOrder
from desktop.spreadsheets.columns import ColumnMapping
from desktop.spreadsheets.readers import Table
from desktop.spreadsheets.references import PendingReference, ReferenceIndex
from desktop.spreadsheets.report import ImportReport

if TYPE_CHECKING:
    from desktop.spreadsheets.import_runs import EarlierImport
    from desktop.spreadsheets.row_approvals import RowApproval

Progress = Callable[[int, int], None]


class MatchKey(StrEnum):
    """How a row finds the asset it describes."""

    TAG = "tag"
    SERIAL = "serial"
    KEY = "key"


class RowAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    ERROR = "error"


REJECTED = frozenset({RowAction.CONFLICT, RowAction.ERROR})
_CONFLICT, _ERROR = RowAction.CONFLICT, RowAction.ERROR


class ImportCancelledError(DesktopError):
    """The user cancelled; nothing was written."""


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ImportCancelledError("Cancelled: nothing was written.")


@dataclass(frozen=True)
class ImportOptions:
    """Choices the user makes before the dry run.

    Attributes:
        sheet: the sheet to read (None: the first visible one).
        match: how rows find existing assets.
        date_order: how ambiguous text dates are read.
        mapping: header → target given by hand; None maps automatically.
        profile_name: the saved mapping profile used, if any (for messages).
        status_words: the user's own status words → status value (``--status-map``).
        defaults: target → text for every row whose file gives none (``--set``).
        create_missing: create missing reference data (False: ``--no-create``).
        blank_clears: a blank cell in an update clears the stored value.
        answers: question key → text for the forms every row records (``--answer``):
            a decommission's sanitisation method and evidence, a disposal's method and
            certificate (see :mod:`desktop.spreadsheets.row_answers`).
    """

    sheet: str | None = None
    match: MatchKey = MatchKey.TAG
    date_order: DateOrder = DateOrder.DMY
    mapping: dict[str, str] | None = None
    profile_name: str = ""
    #: What unrecognised columns become: "notes" (default), "custom-fields" or "skip".
    unknown_columns: str = "notes"
    status_words: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    create_missing: bool = True
    blank_clears: bool = False
    answers: dict[str, str] = field(default_factory=dict)
    #: The command line asks: a message names ``--set`` where the wizard's would name its
    #: "Value for all rows" box.
    command_line: bool = False
    #: Who imports (a user name; "" not known yet): on a local file, which has no
    #: database logins, the dry run checks their roles for the reference data the file
    #: would create, as the commit does (desktop.spreadsheets.reference_grants).
    importer: str = ""


@dataclass(frozen=True)
class RowProblem:
    """Why a row is rejected: the sheet row number, the column header, the message."""

    row: int
    column: str
    message: str


@dataclass(slots=True)
class RowPlan:
    """One data row of the file and what the import will do with it.

    Attributes:
        index: the row's position in the table (0-based).
        row: the row number the user sees.
        values: the asset's new column values by field key (ids, or a PendingReference);
            for a create every given field, for an update only what changes.
        custom: custom field values by key, the same way.
        follow_up: for a create, the status a second procedure moves it to (an install
            for "in service", a change for "in repair" or "missing").
        approval: for a create or update, what the dry run found the approval rule makes
            of its procedures (one may wait for approval: the row is then pending).
    """

    index: int
    row: int
    action: RowAction
    tag: str = ""
    asset_id: uuid.UUID | None = None
    version: int | None = None
    category_id: uuid.UUID | None = None
    values: dict[str, object] = field(default_factory=dict)
    custom: dict[str, object] = field(default_factory=dict)
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    follow_up: AssetStatus | None = None
    approval: RowApproval | None = None

    @property
    def pending_approval(self) -> bool:
        return self.approval is not None and self.approval.approvals > 0


@dataclass(frozen=True)
class NewReference:
    """Reference data the commit will create, and the rows that need it."""

    reference: PendingReference
    rows: tuple[int, ...]
    #: An existing name this one is close to ("Laptpo" → "Laptop"): probably a typo.
    looks_like: str = ""

    @property
    def description(self) -> str:
        """ "category Docking station (new, tag prefix DOC; looks like 'Docking')"."""
        ref = self.reference
        notes = ["new"]
        if ref.kind == "category":
            notes.append(f"tag prefix {ref.tag_prefix}")
        if ref.kind == "location" and ref.last_kind:
            notes.append(f"{ref.path[-1]} is a {ref.last_kind}")
        if ref.kind == "person":
            notes += [f"user name {ref.username}"] if ref.username else []
            notes += [ref.email] if ref.email else []
        if self.looks_like:
            notes.append(f"'{ref.text}' looks like '{self.looks_like}'")
        return f"{ref.kind} {ref.text} ({'; '.join(notes)})"


@dataclass
class ImportPlan:
    table: Table
    header_index: int
    mapping: ColumnMapping
    options: ImportOptions
    rows: list[RowPlan]
    new_references: list[NewReference]
    #: The reference data the plan was made against (names for previews and history).
    names: ReferenceIndex | None = None
    #: The file-wide decisions: sheet, column fates, date orders, per-row warnings.
    report: ImportReport = field(default_factory=ImportReport)
    #: Said by the dry run when this login may not create ``new_references`` (the import
    #: would be refused): "Import will be refused: …" (reference_grants).
    references_refused: str = ""
    #: The SHA-256 of the file's bytes ("" for a table not read from a file).
    file_sha256: str = ""
    #: The newest import of the same bytes, if any (desktop.spreadsheets.import_runs).
    earlier: EarlierImport | None = None

    @property
    def where(self) -> str:
        return self.table.where

    def counts(self) -> dict[str, int]:
        result = {a.value: 0 for a in RowAction}
        for row in self.rows:
            result[row.action.value] += 1
        return result

    @property
    def rejected(self) -> list[RowPlan]:
        # (REJECTED in place: an enum member's hash is Python code, and this runs per row)
        return [r for r in self.rows if r.action is _CONFLICT or r.action is _ERROR]

    @property
    def pending(self) -> list[RowPlan]:
        """Rows one of whose procedures will wait for approval."""
        return [r for r in self.rows if r.pending_approval]

    def problems(self) -> list[RowProblem]:
        """Every row's problems, each once (a purchase order's line of 3 items is planned
        as 3 assets of the same row: see desktop.spreadsheets.quantities)."""
        return list(dict.fromkeys(p for r in self.rows for p in r.problems))
