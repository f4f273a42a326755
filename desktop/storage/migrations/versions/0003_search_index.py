"""search index for the register's search box, indexes for sorting

SQLite: an FTS5 trigram table kept in step by triggers; PostgreSQL: pg_trgm GIN
indexes; MariaDB: none (LIKE). See desktop/services/search.py.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

from desktop.services.search import (
    install_search_index,
    install_sort_indexes,
    remove_search_index,
    remove_sort_indexes,
)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    install_sort_indexes(op.get_bind())
    install_search_index(op.get_bind())


def downgrade() -> None:
    remove_search_index(op.get_bind())
    remove_sort_indexes(op.get_bind())
