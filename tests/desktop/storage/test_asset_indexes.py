"""The assets table keeps no index that another index already serves (migration 0009)."""

from __future__ import annotations

from sqlalchemy import inspect

from desktop.storage.database import Database


def test_no_asset_index_is_a_left_prefix_of_another(db: Database) -> None:
    indexes = {
        index["name"]: tuple(index["column_names"])
        for index in inspect(db.engine).get_indexes("assets")
        if not str(index["name"]).startswith("asset_search_")  # pg_trgm: another kind
    }
    redundant = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if other != name and len(longer) > len(columns) and longer[: len(columns)] == columns
    ]
    assert redundant == []
    # Every lookup the dropped indexes served still has an index that starts with it:
    # filters, sorts and each foreign key's check.
    first_columns = {columns[0] for columns in indexes.values()}
    for column in (
        "category_id",
        "model_id",
        "status",
        "location_id",
        "assigned_to_id",
        "owning_group_id",
        "supplier_id",
        "warranty_end",
        "last_audited_at",
        "name",
        "serial_number",
    ):
        assert column in first_columns, column
