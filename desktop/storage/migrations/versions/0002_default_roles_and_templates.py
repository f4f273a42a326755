"""default roles and procedure templates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import desktop.storage.types
from desktop.services.templates import default_definitions

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("technician", "approver", "auditor", "administrator")


def upgrade() -> None:
    now = dt.datetime.now(dt.UTC)
    roles = sa.table(
        "roles",
        sa.column("id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("created_at", desktop.storage.types.UTCDateTime()),
        sa.column("updated_at", desktop.storage.types.UTCDateTime()),
    )
    op.bulk_insert(
        roles,
        [{"id": uuid.uuid4(), "name": name, "version": 1, "created_at": now, "updated_at": now} for name in ROLES],
    )
    templates = sa.table(
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
    op.bulk_insert(
        templates,
        [
            {
                "id": uuid.uuid4(),
                "kind": kind.value,
                "category_id": None,
                "scope_key": "",
                "version_number": 1,
                "name": data["name"],
                "definition": data,
                "is_current": True,
                "created_at": now,
            }
            for kind, data in sorted(default_definitions().items())
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM procedure_templates WHERE version_number = 1 AND scope_key = ''")
    op.execute("DELETE FROM roles")
