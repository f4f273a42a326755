"""The migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, select

from desktop.storage import migrate
from desktop.storage.database import Database
from desktop.storage.models import Base, ProcedureTemplate, Role
from tests.factories import seed_world


def _compare_type(
    context: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    # MariaDB keeps JSON as LONGTEXT with a JSON_VALID check: that is the JSON type there.
    if isinstance(metadata_type, JSON) and context.dialect.name in ("mysql", "mariadb"):
        return inspected_type.__class__.__name__.upper() not in ("LONGTEXT", "JSON")
    return None


def test_migrated_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": _compare_type, "target_metadata": Base.metadata}
        )
        differences = compare_metadata(context, Base.metadata)
    # Tables that only migrations create (search indexes on some backends) are not models.
    differences = [
        d
        for d in differences
        if not (d[0] == "remove_table" and d[1].name.startswith("asset_search"))
        # Likewise migration 0003's search indexes (desktop/services/search.py).
        and not (d[0] == "remove_index" and d[1].name.startswith("asset_search_"))
    ]
    assert differences == []


def test_schema_is_at_head_with_roles_and_templates(db: Database) -> None:
    assert db.schema_state().current == migrate.head_revision()
    with db.read() as session:
        roles = set(session.execute(select(Role.name)).scalars())
        kinds = set(session.execute(select(ProcedureTemplate.kind)).scalars())
    assert roles == {"technician", "approver", "auditor", "administrator"}
    assert {"receive", "install", "change", "decommission", "dispose"} <= kinds


def test_0004_ranks_an_existing_search_index_in_tag_order_and_back(tmp_path: Path) -> None:
    """A local file made by revision 0003 keeps its search when upgraded (the index is
    re-keyed by tag rank) and when downgraded again (keyed by the assets' rowids)."""
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'made-by-0003.sqlite3'}")
    migrate.upgrade(db.engine)
    config = migrate.alembic_config()

    def downgrade() -> None:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")

    downgrade()  # the index as 0003 made it (0003 itself now makes the newer one)
    world = seed_world(db)
    for tag in ("MON-0002", "LAP-0009", "LAP-0001", "AAA-0001"):
        world.receive(tag=tag, name="Found by search", values={"serial_number": f"SN{tag}"})

    def searched(sql: str) -> list[str]:
        with db.engine.connect() as connection:
            return list(connection.exec_driver_sql(sql).scalars())

    by_old_rowid = (
        "SELECT a.tag FROM asset_search s JOIN assets a ON a.rowid = s.rowid "
        "WHERE asset_search MATCH 'by search' ORDER BY a.tag"
    )
    assert searched(by_old_rowid) == ["AAA-0001", "LAP-0001", "LAP-0009", "MON-0002"]
    migrate.upgrade(db.engine)
    assert db.schema_state().up_to_date
    in_rank_order = (
        "SELECT a.tag FROM asset_search s JOIN asset_search_rank r ON r.rank = s.rowid "
        "JOIN assets a ON a.rowid = r.asset_rowid "
        "WHERE asset_search MATCH '\"-00\"' ORDER BY s.rowid"
    )
    assert searched(in_rank_order) == ["AAA-0001", "LAP-0001", "LAP-0009", "MON-0002"]
    world.receive(tag="LAP-0005", values={"serial_number": "SNLAP-0005"})
    assert searched(in_rank_order) == ["AAA-0001", "LAP-0001", "LAP-0005", "LAP-0009", "MON-0002"]

    downgrade()
    world.receive(tag="LAP-0006", values={"serial_number": "SNLAP-0006"})
    assert searched(by_old_rowid.replace("by search", "snlap")) == [
        "LAP-0001",
        "LAP-0005",
        "LAP-0006",
        "LAP-0009",
    ]
    db.dispose()
