"""``assetdesk kit sync`` says where it syncs and as whom, and refuses a ``--database``
that names another server or login (a new user's finding).

Tom checked out ``tom.adkit``; Tina ran ``assetdesk kit sync tom.adkit`` (also with
``--database postgresql://tina@…``, silently ignored) and read "1 applied": nothing said
that it went to Tom's server as Tom's login. Run here as subprocesses against a real
PostgreSQL register set up as the README says (the owner's ``db upgrade``, a login per
person made with ``users add``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.storage.database import Database
from desktop.storage.logins import database_name
from desktop.storage.models import Person, Procedure
from tests.backends import make_database
from tests.ui.kits.test_kit_cli import _fill, assetdesk, ok, ok_json, one_line_failure

SECRET = "Sesame-open-1234"


@dataclass
class Register:
    db: Database
    owner: str  # the owner's URL, as typed
    tom: str  # Tom's login and URL, as typed (no password)
    tina: str
    tom_login: str
    tina_login: str


def _login(owner: str, login: str) -> str:
    scheme, _, rest = owner.partition("://")
    return f"{scheme}://{login}@{rest.partition('@')[2]}"


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    for db in make_database("postgresql", tmp_path, tmp_path):
        owner = db.url.render_as_string(hide_password=False).replace("+psycopg", "")
        ok("--database", owner, "db", "upgrade")
        _fill(db)
        with db.connect() as connection:
            prefix = database_name(connection)
        for who, name in (("tom", "Tom Tech"), ("tina", "Tina Tech")):
            add = ("users", "add", f"{prefix}_{who}", "--role", "technician", "--name", name)
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ui.cli.main",
                    "--database",
                    owner,
                    *add,
                    "--password-stdin",
                ],
                input=SECRET + "\n",
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
        yield Register(
            db,
            owner,
            _login(owner, f"{prefix}_tom"),
            _login(owner, f"{prefix}_tina"),
            f"{prefix}_tom",
            f"{prefix}_tina",
        )


def _tom_kit_with_one_move(register: Register, tmp_path: Path) -> Path:
    """Tom checks out Room A2 with his own login and moves a laptop offline."""
    kit = tmp_path / "tom.adkit"
    ok("--database", register.tom, "kit", "checkout", "--scope", "Room A2", "-o", kit)
    ok("--database", kit, "procedure", "change", "LAP-1003",
       "--set", "location=Room A1", "--answer", "change_type=Move")  # fmt: skip
    return kit


def _procedures(db: Database, by: str = "") -> int:
    """The server's procedures (those performed by the person named ``by``)."""
    query = select(func.count()).select_from(Procedure)
    if by:
        query = query.join(Person, Person.id == Procedure.performed_by_id).where(Person.name == by)
    with db.read() as session:
        return int(session.execute(query).scalar_one())


def test_the_sync_says_to_which_server_and_as_whom_before_anything_else(
    register: Register, tmp_path: Path
) -> None:
    kit = _tom_kit_with_one_move(register, tmp_path)
    said = f"Syncing {kit} to {register.tom} as {register.tom_login} (Tom Tech)"

    preview = ok("kit", "sync", kit, "--dry-run")
    assert preview.splitlines()[0] == f"{said} (dry run)", preview
    assert SECRET not in preview

    report = ok_json("kit", "sync", kit, "--dry-run")
    assert report["target"] == {
        "kit": str(kit),
        "server": register.tom,
        "login": register.tom_login,
        "username": register.tom_login,
        "person": "Tom Tech",
    }
    assert report["dry_run"] is True

    toms = _procedures(register.db, "Tom Tech")
    synced = ok("kit", "sync", kit)
    lines = synced.splitlines()
    assert lines[0] == said, synced
    assert "1 record became: 1 applied." in lines
    assert _procedures(register.db, "Tom Tech") == toms + 1  # Tom's, as the line said


def test_a_database_naming_another_login_or_server_is_refused_and_nothing_syncs(
    register: Register, tmp_path: Path
) -> None:
    kit = _tom_kit_with_one_move(register, tmp_path)
    before = _procedures(register.db)
    others = (
        register.tina,  # Tina's login on the same server
        register.tom.rsplit("/", 1)[0] + "/other",  # Tom's login on another database
        register.owner,  # the owner: also another login
    )
    for other in others:
        line = one_line_failure(
            assetdesk("--database", other, "kit", "sync", kit),
            f"--database names {other}",
            f"syncs only with {register.tom} as {register.tom_login} (Tom Tech)",
            "nothing was synced",
            "Drop --database",
        )
        assert "Syncing" not in line
    assert _procedures(register.db) == before
    assert ok_json("--database", kit, "kit", "status")["waiting"] == 1  # still waits

    # The kit's own server and login (its password given in the URL) is used as given;
    # so is the kit file itself, as for the other kit commands.
    with_password = register.tom.replace("_tom@", f"_tom:{SECRET}@")
    preview = ok("--database", with_password, "kit", "sync", kit, "--dry-run")
    assert preview.startswith(f"Syncing {kit} to {register.tom} as ") and SECRET not in preview
    synced = ok("--database", kit, "kit", "sync", kit)
    assert "1 record became: 1 applied." in synced
    assert _procedures(register.db) == before + 1
