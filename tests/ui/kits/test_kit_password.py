"""A kit's server that wants a password neither the keyring nor ``~/.pgpass`` holds
(issue 16, point 6): ``assetdesk kit sync`` asks for it on a terminal and takes it from
standard input with ``--password-stdin``; without either it says so in one line. The
password is never echoed, stored in the kit or printed.

The server is MariaDB, which checks every login's password (the test PostgreSQL trusts
local logins); the kit is checked out by a person's own login with a password.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from desktop import kits
from desktop.domain.lifecycle import ProcedureKind
from desktop.services.procedures import ProcedureRequest, record_procedure
from desktop.services.users import add_user
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.cli_run import run_on_terminal
from tests.factories import World, seed_world

PASSWORD = "field-login-secret-9"


@dataclasses.dataclass
class Guarded:
    owner: Database
    world: World
    login: str
    kit: Path


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Guarded]:
    """A MariaDB register, a technician's login with a password, and a kit of Room A2
    checked out through that login with one offline move waiting."""
    made = make_database("mariadb", tmp_path, tmp_path)
    owner = next(made)
    try:
        owner.upgrade()
        world = seed_world(owner)
        world.receive(tag="LAP-1001", values={"location": world.room_b})
        with owner.connect() as connection:
            login = f"{database_name(connection)}_tess"
        add_user(owner, login=login, roles=["technician"], password=PASSWORD, name="Tess Field")
        as_login = Database(owner.url.set(username=login, password=PASSWORD))
        kit = tmp_path / "visit.adkit"
        try:
            kits.checkout(as_login, kits.resolve_scope(as_login, locations=["ROOM-A2"]), login, kit)
        finally:
            as_login.dispose()
        kit_db = Database(f"sqlite:///{kit}")
        try:
            record_procedure(
                kit_db,
                ProcedureRequest(
                    kind=ProcedureKind.CHANGE,
                    performed_by=login,
                    asset_tag="LAP-1001",
                    values={"location": world.room_a},
                    answers={"change_type": "Move"},
                ),
            )
        finally:
            kit_db.dispose()
        yield Guarded(owner, world, login, kit)
    finally:
        for _ in made:
            pass


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ASSETDESK_DATABASE", None)
    env["HOME"] = str(tmp_path)  # no ~/.pgpass of the machine's user
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # an empty keyring
    return env


def _sync(guarded: Guarded, *extra: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "kit", "sync", str(guarded.kit), *extra],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(guarded.kit.parent),
        check=False,
        timeout=180,
    )


def _moved(guarded: Guarded) -> bool:
    from desktop.storage.models import Asset

    with guarded.owner.read() as session:
        location = session.execute(
            sql_select(Asset.location_id).where(Asset.tag == "LAP-1001")
        ).scalar_one()
    return bool(location == guarded.world.room_a)


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assetdesk: "), done.stderr
    return lines[0]


def test_without_a_password_or_a_terminal_it_says_how_to_give_one(guarded: Guarded) -> None:
    line = _one_line(_sync(guarded))
    assert "needs a password" in line and guarded.login in line
    assert "--password-stdin" in line
    assert not _moved(guarded)


def test_password_stdin_syncs_and_the_password_goes_nowhere(guarded: Guarded) -> None:
    wrong = _one_line(_sync(guarded, "--password-stdin", stdin="not-the-password\n"))
    assert "refused the password given" in wrong
    assert "not-the-password" not in wrong
    assert not _moved(guarded)
    done = _sync(guarded, "--password-stdin", "--json", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert '"outcome": "applied"' in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert PASSWORD.encode() not in guarded.kit.read_bytes()
    assert _moved(guarded)


def test_on_a_terminal_the_password_is_asked_for_and_not_echoed(guarded: Guarded) -> None:
    status, text = run_on_terminal(
        "kit", "sync", str(guarded.kit),
        env=_env(guarded.kit.parent),
        answer=(b"Password for", PASSWORD.encode() + b"\n"),
    )  # fmt: skip
    assert f"Password for {guarded.login}@" in text
    assert status == 0, text
    assert "applied" in text
    assert PASSWORD not in text  # not echoed, not printed
    assert _moved(guarded)
