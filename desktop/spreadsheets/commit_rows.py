"""What an import's commit writes, in shapes made once: the batch sizes, the columns a new
asset shares with every other and those of its own, the fields its receive records, what
every new asset of one kind records (:class:`Creation`), the change entries of a new
value and of a status, and the result (:class:`ImportResult`). The writing itself is
:mod:`desktop.spreadsheets.commit`'s."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table

from desktop.domain.lifecycle import AssetStatus
from desktop.spreadsheets.model import RowPlan
from desktop.spreadsheets.references import PendingReference
from desktop.spreadsheets.row_approvals import Step
from desktop.storage.bulk import InsertStatement, RowConverter, RowTemplate, sqlite_processors
from desktop.storage.models import Asset, Procedure

BATCH = 2000
#: Procedure rows gathered before one ``executemany`` (~30 MB of text at ~1.5 KB a row).
#: Each call's first rows find SQLite's pages and hash tables out
#: of the processor's caches after the Python that built them (measured at 1,000,000
#: rows, one run each at load 7-8: the inserts 22.2 s CPU in batches of 2,000, 16.3 in
#: batches of 20,000, the floor's one call 13.2; 100,000 → 1,000,000 rows k = 1.32 → 1.19).
#: Progress and a cancel are still looked at every :data:`BATCH` rows.
PROCEDURE_BATCH = 20_000
#: Procedure rows made while the assets' indexes are built (in a second thread: see
#: IndexUpkeep.assets_written), at most: held until then (measured at 100,000 rows: peak
#: RSS 937 → 1,095 MB).
PROCEDURES_AHEAD = 100_000
ASSETS = cast(Table, Asset.__table__)
PROCEDURES = cast(Table, Procedure.__table__)
READY_ASSET = (
    "id",
    "created_at",
    "updated_at",
    "custom_fields",
    "category_id",
    "model_id",
    "location_id",
    "assigned_to_id",
    "owning_group_id",
    "supplier_id",
    "purchase_date",
    "purchase_cost",
    "warranty_end",
)
#: The asset's reference columns: one type, so one conversion serves them all.
REFERENCE_TYPES = {
    type(ASSETS.c[key].type)
    for key in (
        "category_id",
        "model_id",
        "location_id",
        "assigned_to_id",
        "owning_group_id",
        "supplier_id",
    )
}
assert len(REFERENCE_TYPES) == 1
#: The ids of assets and procedures: one type, so one conversion serves both.
assert type(ASSETS.c.id.type) is type(PROCEDURES.c.id.type)
#: A new asset's own values, in the order _new_asset gives them (the rest all share).
ASSET_OWN = (
    "id",
    "tag",
    "tag_key",
    "name",
    "category_id",
    "model_id",
    "serial_number",
    "status",
    "location_id",
    "assigned_to_id",
    "owning_group_id",
    "purchase_date",
    "purchase_cost",
    "order_number",
    "supplier_id",
    "warranty_end",
    "custom_fields",
    "notes",
)
#: A new asset's references that files often leave out (the column, in ASSET_OWN): when
#: no new row gives one, it is written as NULL (see _Writer._asset_template).
OFTEN_ABSENT = (("owning_group", "owning_group_id"), ("assigned_to", "assigned_to_id"))
#: Fields a receive procedure records; the rest of a new row goes to its follow-up.
RECEIVE_KEYS = frozenset(
    {
        "tag",
        "name",
        "category",
        "model",
        "serial_number",
        "location",
        "supplier",
        "order_number",
        "purchase_date",
        "purchase_cost",
        "warranty_end",
        "owning_group",
        "notes",
    }
)
#: Values whose change fragments and stored forms are remembered by identity: the plan
#: gives rows that share one the same object (see change_json.CreationChanges, _stored_id).
SHARED_KINDS = frozenset({uuid.UUID, dt.date, PendingReference})
SHARED_LIMIT = 100_000


@dataclass(frozen=True)
class ImportResult:
    """What a commit wrote.

    Attributes:
        created_tags: tags of the new assets, in file order (for labels).
        rejected: rows left out (valid-only mode), with their problems.
    """

    created_tags: tuple[str, ...]
    updated: int
    unchanged: int
    procedures: int
    created_references: tuple[str, ...]
    rejected: tuple[RowPlan, ...] = field(default_factory=tuple)
    #: Rows one of whose procedures waits for approval (see desktop.spreadsheets.row_approvals).
    pending: int = 0


@dataclass(frozen=True)
class Creation:
    """What every new asset of one kind records (see _Writer._creation).

    Attributes:
        status: the asset's status, as stored (the last completed step's).
        assigns: whether the assignee is applied (with the first step, if completed).
        waits: whether the last step waits for approval.
        receive: the receive procedure's shared values.
        receive_tail: what follows a receive's own values in its row, when the commit
            joins them itself (see RowTemplate.tail), else None.
        steps: each later step's shared values, its status change (a JSON fragment)
            as the start of its list's text and as the whole list, and its tail (as
            ``receive_tail``).
        statement: the one statement that writes them all (None: theirs differ).
    """

    status: str
    assigns: bool
    waits: bool
    receive: RowTemplate
    receive_tail: tuple[Any, ...] | None
    steps: tuple[tuple[RowTemplate, str, str, tuple[Any, ...] | None], ...]
    statement: RowConverter | InsertStatement | None


def faster(table: Table, sqlite: bool) -> dict[str, Any] | None:
    """SQLite: the column types' processors in one call each (see sqlite_processors)."""
    return sqlite_processors(table) if sqlite else None


def status_after(steps: Sequence[Step], start: AssetStatus) -> AssetStatus:
    return next((after for _, after in reversed(steps) if after is not None), start)


def created(key: str, after: object, text: str) -> dict[str, Any]:
    return {"field": key, "before": None, "after": after, "before_text": "", "after_text": text}


def status_change(before: AssetStatus | None, after: AssetStatus) -> dict[str, Any]:
    return {
        "field": "status",
        "before": before.value if before else None,
        "after": after.value,
        "before_text": before.label if before else "",
        "after_text": after.label,
    }
