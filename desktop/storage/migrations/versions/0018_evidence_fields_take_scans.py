"""the decommission's evidence reference and the disposal's certificate number take scans

A wipe report or a recycler's certificate usually carries its number as a barcode. The
procedure form lets a scan fill a field only when the template's field declares
``"accepts_scan": true`` (every other field ignores a stray scan). The shipped templates
declare it from this day on, but a database holds its templates as rows, written by
0002 or by an administrator: this revision adds to each current decommission and
disposal template (the global one and every category's own) whose field lacks the flag a
new version that has it — the same definition otherwise, so an administrator's own edits
(approvals, choices, texts) stay as they are. Template rows are history and never
change but ``is_current`` moving to the newest version, as when an administrator edits
one.

Downgrade keeps the versions: they are history, procedures may already point at them,
and code of before this revision ignores the flag.

Frozen: it names the fields as they are on this day.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

import copy
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import desktop.storage.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: kind → the key of its field that takes a scan.
_SCANNED_FIELDS = {"decommission": "evidence_reference", "dispose": "certificate_number"}

_templates = sa.table(
    "procedure_templates",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("category_id", sa.Uuid()),
    sa.column("scope_key", sa.String()),
    sa.column("version_number", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("definition", sa.JSON()),
    sa.column("is_current", sa.Boolean()),
    sa.column("created_at", desktop.storage.types.UTCDateTime()),
)


def _with_flag(definition: Any, key: str) -> dict[str, Any] | None:
    """``definition`` with ``key``'s field declaring ``accepts_scan``; None when there is
    no such field or it declares it already."""
    if isinstance(definition, str):  # a JSON column read back as text by some driver
        definition = json.loads(definition)
    if not isinstance(definition, dict):
        return None
    changed = copy.deepcopy(definition)
    for field in changed.get("fields", []):
        if isinstance(field, dict) and field.get("key") == key:
            if field.get("accepts_scan") is True:
                return None
            field["accepts_scan"] = True
            return changed
    return None


def upgrade() -> None:
    bind = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    current = bind.execute(
        sa.select(
            _templates.c.id,
            _templates.c.kind,
            _templates.c.category_id,
            _templates.c.scope_key,
            _templates.c.version_number,
            _templates.c.name,
            _templates.c.definition,
        ).where(_templates.c.kind.in_(list(_SCANNED_FIELDS)), _templates.c.is_current.is_(True))
    ).all()
    for row in current:
        definition = _with_flag(row.definition, _SCANNED_FIELDS[row.kind])
        if definition is None:
            continue
        newest = bind.execute(
            sa.select(sa.func.max(_templates.c.version_number)).where(
                _templates.c.kind == row.kind, _templates.c.scope_key == row.scope_key
            )
        ).scalar_one()
        bind.execute(
            sa.update(_templates).where(_templates.c.id == row.id).values(is_current=False)
        )
        bind.execute(
            sa.insert(_templates).values(
                id=uuid.uuid4(),
                kind=row.kind,
                category_id=row.category_id,
                scope_key=row.scope_key,
                version_number=(newest or row.version_number) + 1,
                name=row.name,
                definition=definition,
                is_current=True,
                created_at=now,
            )
        )


def downgrade() -> None:
    """The new versions stay (see the module's text)."""
