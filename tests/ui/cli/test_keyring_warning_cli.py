"""No "no stored password" warning on a server that needs no password.

With no usable keyring, every command on a trust-authentication server (PostgreSQL's
local logins here) logged "no stored password for …: This computer has no password
store …" twice, and ``--debug`` printed both: the keyring was asked twice per command,
and the warning was given before anyone knew whether a password was needed. Now the
keyring is asked once and its problem is said only when the server refuses the login
that was tried without a password (MariaDB checks every login's password), as part of
the one line that says so. Run as a person runs it, without a keyring.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from desktop.services.users import add_user
from desktop.storage.logins import database_name
from tests.backends import make_database
from tests.cli_run import run_cli
from tests.factories import seed_world

NO_KEYRING = "keyring.backends.fail.Keyring"
STORE_WORDS = "no password store"


def _assetdesk(*argv: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, env={"PYTHON_KEYRING_BACKEND": NO_KEYRING})


def _log_text() -> str:
    logs = Path(os.environ["XDG_STATE_HOME"])
    return "".join(p.read_text() for p in logs.rglob("*.log*"))


def test_a_trust_server_gets_no_password_warning(tmp_path: Path) -> None:
    made = make_database("postgresql", tmp_path, tmp_path)
    database = next(made)
    try:
        world = seed_world(database)
        world.receive(tag="LAP-1")
        url = database.url.render_as_string(hide_password=False)
        assert database.url.username and not database.url.password
        done = _assetdesk("--debug", "--database", url, "asset", "show", "LAP-1")
        assert done.returncode == 0, done.stderr[-2000:]
        assert "LAP-1" in done.stdout
        assert "WARNING" not in done.stderr, done.stderr[-2000:]
        assert done.stderr.count(STORE_WORDS) <= 1, done.stderr[-2000:]
        done = _assetdesk("--database", url, "asset", "show", "LAP-1")
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stderr == ""
        warned = [line for line in _log_text().splitlines() if "WARNING" in line]
        assert not [line for line in warned if "password" in line], warned
    finally:
        for _ in made:
            pass


def test_a_login_refused_without_a_password_says_why_none_was_sent(tmp_path: Path) -> None:
    made = make_database("mariadb", tmp_path, tmp_path)
    owner = next(made)
    try:
        owner.upgrade()  # the server's roles and grants
        seed_world(owner)
        with owner.connect() as connection:
            login = f"{database_name(connection)}_kw"
        add_user(owner, login=login, roles=["technician"], password="kw-secret-1", name="Kay W")
        url = owner.url.set(username=login, password=None).render_as_string(hide_password=False)
        done = _assetdesk("--database", url, "asset", "show", "LAP-1")
        assert done.returncode == 2, done.stdout
        assert "Traceback" not in done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert "Access denied" in line and "No password was sent" in line, line
        assert line.count(STORE_WORDS) == 1, line
        assert _log_text().count("no stored password") == 1
    finally:
        for _ in made:
            pass
