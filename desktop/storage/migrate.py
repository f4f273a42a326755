"""Schema migrations (Alembic, shipped inside the package).

Alembic is imported inside the functions: it costs about 300 ms to import, and a window
that opens a database already at the newest schema should not pay for it before its
first paint (see :func:`head_revision_from_files`).
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "desktop.storage:migrations"
_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*['\"](\w+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:\s*:\s*[\w\[\] |]+)?\s*=\s*['\"]?(\w+)['\"]?", re.MULTILINE
)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision: from the files' text when that is clear, else from Alembic."""
    from_files = head_revision_from_files()
    if from_files is not None:
        return from_files
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def head_revision_from_files() -> str | None:
    """The head revision read from the migration files' text, without importing Alembic.

    None if the files do not name exactly one head (then ask Alembic).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = resources.files("desktop.storage.migrations").joinpath("versions")
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("__"):
            continue
        source = entry.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            return None
        revisions.add(revision.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None and down.group(1) != "None":
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """Every revision the version table names (one on a sound database, none on a new
    one), read without importing Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return ()
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return tuple(str(row) for row in rows)


#: Tables that only an Assetdesk schema has (checked when a database has no version).
ASSETDESK_TABLES = ("assets", "procedures", "procedure_templates")


def holds_foreign_data(connection: Connection) -> bool:
    """Whether a database without a version holds tables a migration must not build over.

    A local file with any table in it is somebody else's (or ours, damaged); on a shared
    server other applications' tables may live beside ours, so only our own names count.
    """
    names = set(inspect(connection).get_table_names())
    if connection.dialect.name == "sqlite":
        return bool(names)
    return any(name in names for name in ASSETDESK_TABLES)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
