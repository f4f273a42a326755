"""The migrations produce exactly the models' schema, on every backend."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, select

from desktop.domain.lifecycle import ProcedureKind
from desktop.services import procedures, template_admin
from desktop.services.queries import AssetFilter, list_assets
from desktop.services.templates import TemplateRef, current_template
from desktop.storage import migrate
from desktop.storage.database import Database
from desktop.storage.models import Base, ProcedureTemplate, Role
from tests.backends import BACKENDS, _admin_execute, _unique_name, server_for
from tests.factories import seed_world


def _compare_type(
    context: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    # MariaDB keeps JSON as LONGTEXT with a JSON_VALID check: that is the JSON type there.
    if isinstance(metadata_type, JSON) and context.dialect.name in ("mysql", "mariadb"):
        return inspected_type.__class__.__name__.upper() not in ("LONGTEXT", "JSON")
    return None


def _differences_from_models(db: Database) -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": _compare_type, "target_metadata": Base.metadata}
        )
        differences = compare_metadata(context, Base.metadata)
    # Tables that only migrations create (search indexes on some backends) are not models.
    return [
        d
        for d in differences
        if not (d[0] == "remove_table" and d[1].name.startswith("asset_search"))
        # Likewise migration 0003's search indexes (desktop/services/search.py).
        and not (d[0] == "remove_index" and d[1].name.startswith("asset_search_"))
    ]


def test_migrated_schema_matches_models(db: Database) -> None:
    assert _differences_from_models(db) == []


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database (no schema at all) on each backend; dropped afterwards."""
    backend = request.param
    if backend == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield database
        database.dispose()
        return
    server = server_for(backend)
    name = _unique_name()
    if backend == "postgresql":
        _admin_execute(server, f'CREATE DATABASE "{name}"')
    else:
        _admin_execute(
            server, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
    database = Database(server.database_url(name))
    try:
        yield database
    finally:
        database.dispose()
        if backend == "postgresql":
            _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            _admin_execute(server, f"DROP DATABASE IF EXISTS `{name}`")


def test_upgrading_an_empty_database_one_revision_at_a_time_gives_the_models(
    empty_db: Database,
) -> None:
    """Each revision in turn, each in its own transaction, as a database that lived through
    every release did; the result is the models' schema, with the roles and templates."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions[0] == "0001"
    assert revisions[-1] == migrate.head_revision()
    for revision in revisions:
        migrate.upgrade(empty_db.engine, revision)
        assert empty_db.schema_state().current == revision
    assert empty_db.schema_state().up_to_date
    assert _differences_from_models(empty_db) == []
    with empty_db.read() as session:
        roles = set(session.execute(select(Role.name)).scalars())
        kinds = set(session.execute(select(ProcedureTemplate.kind)).scalars())
    assert roles == {"technician", "approver", "auditor", "administrator"}
    assert kinds == {"receive", "install", "change", "decommission", "dispose", "audit_correction"}


def _migration_files() -> list[tuple[str, str]]:
    folder = resources.files("desktop.storage.migrations").joinpath("versions")
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".py") and not entry.name.startswith("__")
    )


def test_no_migration_imports_live_code() -> None:
    """Migrations are frozen (STYLE.md 23): they carry the DDL and data of their day and
    import nothing from the application but the column types of the storage layer."""
    files = _migration_files()
    assert len(files) >= 4
    for name, source in files:
        for node in ast.walk(ast.parse(source, name)):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                if module.split(".")[0] in ("desktop", "ui", "resources"):
                    assert module == "desktop.storage.types", f"{name} imports {module}"


def test_schema_is_at_head_with_roles_and_templates(db: Database) -> None:
    assert db.schema_state().current == migrate.head_revision()
    with db.read() as session:
        roles = set(session.execute(select(Role.name)).scalars())
        kinds = set(session.execute(select(ProcedureTemplate.kind)).scalars())
    assert roles == {"technician", "approver", "auditor", "administrator"}
    assert {"receive", "install", "change", "decommission", "dispose"} <= kinds


def test_0004_ranks_an_existing_search_index_in_tag_order_and_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local file made by revision 0003 keeps its search when upgraded (the index is
    re-keyed by tag rank) and when downgraded again (keyed by the assets' rowids)."""
    from alembic import command

    # Today's receive is run on a 0003 schema here: the field kits' tables (whose open
    # tag blocks a typed tag is checked against) came in a later revision.
    monkeypatch.setattr(procedures, "kit_block_holding", lambda _session, _tag: None)

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


def test_the_search_index_the_migrations_leave_is_the_one_the_code_rebuilds(
    tmp_path: Path,
) -> None:
    """Migrations carry copies of the search index's DDL (SQLite); the live code that
    pauses and rebuilds it (desktop/services/search.py) must install the same objects."""
    from desktop.services.search import (
        install_search_index,
        remove_search_index,
        search_index_paused,
    )

    db = Database(f"sqlite:///{tmp_path / 'search.sqlite3'}")
    migrate.upgrade(db.engine)

    def search_objects() -> list[tuple[str, str, str]]:
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'asset_search%' "
                "ORDER BY type, name"
            )
            return [(t, n, " ".join((s or "").split())) for t, n, s in rows]

    migrated = search_objects()
    assert ("trigger", "asset_search_ranking_insert") in [(t, n) for t, n, _s in migrated]
    with db.engine.begin() as connection, search_index_paused(connection):
        pass
    assert search_objects() == migrated
    with db.engine.begin() as connection:
        remove_search_index(connection)
        install_search_index(connection)
    assert search_objects() == migrated
    db.dispose()


def _search_state(db: Database) -> dict[str, list[Any]]:
    """What each backend's search index holds (and, on PostgreSQL, its pg_trgm indexes)."""
    with db.engine.connect() as connection:
        if db.backend == "sqlite":
            rows = connection.exec_driver_sql("SELECT * FROM asset_search_content ORDER BY id")
            return {"index": [tuple(r) for r in rows]}
        trigrams = connection.exec_driver_sql(
            "SELECT trigram, tag_key FROM asset_search_trigrams ORDER BY tag_key, trigram"
        )
        state: dict[str, list[Any]] = {"trigrams": [tuple(r) for r in trigrams]}
        if db.backend == "postgresql":
            indexes = connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE indexname LIKE 'asset_search%trgm' ORDER BY indexname"
            )
            state["indexes"] = [tuple(r) for r in indexes]
        return state


def test_0017_folds_an_existing_search_index_and_back(empty_db: Database) -> None:
    """A register made before 0017 (its index holding "Zürich" as it is) is found by
    "zurich" once upgraded, and downgraded again its index is as it was."""
    from alembic import command

    db = empty_db
    migrate.upgrade(db.engine, "0016")
    world = seed_world(db)
    world.receive(tag="ZRH-0001", name="Drucker Zürich", values={"serial_number": "ÄB-1"})
    world.receive(tag="LAP-0001", name="Plain laptop")
    before = _search_state(db)

    migrate.upgrade(db.engine)
    assert db.schema_state().up_to_date
    with db.read() as session:
        for typed in ("zurich", "ZÜRICH", "ab-1", "zu"):
            found = list_assets(session, AssetFilter(search=typed), limit=None)
            assert [r.tag for r in found] == ["ZRH-0001"], typed
    if db.backend != "mysql":  # MariaDB: nothing changes (its collation folds)
        assert _search_state(db) != before

    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
    assert _search_state(db) == before


def test_0018_gives_the_evidence_fields_scans_and_keeps_an_administrators_edits(
    empty_db: Database,
) -> None:
    db = empty_db
    migrate.upgrade(db.engine, "0017")
    world = seed_world(db)
    # An administrator's edits before the upgrade: the general decommission never waits,
    # the laptops' disposal has a template of its own.
    template_admin.set_approval(db, "admin", ProcedureKind.DECOMMISSION, approvers=0)
    template_admin.set_approval(db, "admin", ProcedureKind.DISPOSE, approvers=1, category="Laptop")

    migrate.upgrade(db.engine)
    assert db.schema_state().up_to_date
    with db.read() as session:
        decommission = current_template(session, ProcedureKind.DECOMMISSION)
        dispose = current_template(session, ProcedureKind.DISPOSE)
        laptop_dispose = current_template(session, ProcedureKind.DISPOSE, world.laptop_category)
        rows = session.execute(
            select(
                ProcedureTemplate.kind,
                ProcedureTemplate.scope_key,
                ProcedureTemplate.version_number,
                ProcedureTemplate.is_current,
            )
        ).all()

    def scanned(ref: TemplateRef, key: str) -> bool:
        return next(f for f in ref.definition.fields if f.key == key).accepts_scan

    assert (decommission.version, scanned(decommission, "evidence_reference")) == (3, True)
    assert decommission.definition.approval.mode == "never"  # the administrator's edit
    assert (dispose.version, scanned(dispose, "certificate_number")) == (2, True)
    assert (laptop_dispose.version, scanned(laptop_dispose, "certificate_number")) == (2, True)
    assert laptop_dispose.definition.approval.approvers == 1
    # Every earlier version is still there, no longer current; other kinds are untouched.
    versions = sorted((k, s != "", v, c) for k, s, v, c in rows if k in ("decommission", "dispose"))
    assert versions == [
        ("decommission", False, 1, False),
        ("decommission", False, 2, False),
        ("decommission", False, 3, True),
        ("dispose", False, 1, False),
        ("dispose", False, 2, True),
        ("dispose", True, 1, False),
        ("dispose", True, 2, True),
    ]
    assert all(v == 1 for k, _, v, _ in rows if k not in ("decommission", "dispose"))
