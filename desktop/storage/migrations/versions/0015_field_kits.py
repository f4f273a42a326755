"""field kits: checkouts and the conflict queue

The server side of field kits (issue 16):

* ``kit_checkouts``: who took which scope out in a kit, since when (one row per kit; the
  kit's id is made at checkout), and ``kit_checkout_assets``, the assets it holds, so
  that others see "checked out by X since …" on them (they are not locked out);
* ``kit_conflicts``: the conflict queue. An offline record the server could not take as
  it was made is kept here with everything needed to show and re-apply it, once per
  record (``entry_id``, the kit journal entry's id, is unique), until a person settles it; the settling (who, when,
  which choice, the procedure it recorded) is written on the same row, once.

The kit file's own tables (journal, base versions, metadata) exist only in kits and are
made by the checkout, not here. Frozen: the DDL is written out as it is today.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=False).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "kit_checkouts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("checked_out_by_id", sa.Uuid(), nullable=False),
        sa.Column("checked_out_at", _when(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("scope_text", sa.String(length=500), nullable=False),
        sa.Column("asset_count", sa.Integer(), nullable=False),
        sa.Column("tag_blocks", sa.JSON(), nullable=False),
        sa.Column("last_sync_at", _when(), nullable=True),
        sa.Column("returned_at", _when(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_out_by_id"],
            ["people.id"],
            name="fk_kit_checkouts_checked_out_by_id_people",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kit_checkouts"),
    )
    op.create_table(
        "kit_checkout_assets",
        sa.Column("kit_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kit_id"],
            ["kit_checkouts.id"],
            name="fk_kit_checkout_assets_kit_id_kit_checkouts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name="fk_kit_checkout_assets_asset_id_assets"
        ),
        sa.PrimaryKeyConstraint("kit_id", "asset_id", name="pk_kit_checkout_assets"),
    )
    op.create_index("ix_kit_checkout_assets_asset_id", "kit_checkout_assets", ["asset_id"])
    op.create_table(
        "kit_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kit_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("record", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("procedure_kind", sa.String(length=30), nullable=True),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("asset_tag", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("performed_by_id", sa.Uuid(), nullable=True),
        sa.Column("performed_by", sa.String(length=100), nullable=False),
        sa.Column("performed_at", _when(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("detected_at", _when(), nullable=False),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.Column("resolved_by_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", _when(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("resolution_procedure_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["people.id"], name="fk_kit_conflicts_resolved_by_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kit_conflicts"),
        sa.UniqueConstraint("number", name="uq_kit_conflicts_number"),
        sa.UniqueConstraint("entry_id", name="uq_kit_conflicts_entry_id"),
    )
    op.create_index("ix_kit_conflicts_resolution", "kit_conflicts", ["resolution"])


def downgrade() -> None:
    op.drop_index("ix_kit_conflicts_resolution", table_name="kit_conflicts")
    op.drop_table("kit_conflicts")
    op.drop_index("ix_kit_checkout_assets_asset_id", table_name="kit_checkout_assets")
    op.drop_table("kit_checkout_assets")
    op.drop_table("kit_checkouts")
