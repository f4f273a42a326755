"""``assetdesk users …`` as a real process, and who acts on a shared server (issue 15).

Logins are named ``<test database>_<who>`` and dropped with the database
(tests/backends.drop_logins): the servers are shared.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from desktop.settings import CURRENT_USER, Settings
from desktop.storage.database import Database
from desktop.storage.logins import database_name
from tests.backends import _admin_execute, _unique_name, drop_logins, make_database, server_for
from tests.cli_run import run_cli
from tests.factories import seed_world

SECRET = "Sesame-open-1234"


def _assetdesk(
    url: str, *argv: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, database=url, input=stdin, env=env, timeout=120)


def _url(db: Database, login: str | None = None, password: str | None = None) -> str:
    url = db.url if login is None else db.url.set(username=login, password=password)
    return url.render_as_string(hide_password=False)


def _add_login(
    url: str, login: str, role: str, *, name: str | None = None, debug: bool = False
) -> subprocess.CompletedProcess[str]:
    """``assetdesk [--debug] users add LOGIN --role ROLE [--name NAME] --password-stdin`` as
    ``url``'s login, with ``SECRET`` typed on standard input; it must succeed."""
    argv = ["--debug"] if debug else []
    argv += ["users", "add", login, "--role", role]
    argv += ["--name", name] if name else []
    added = _assetdesk(url, *argv, "--password-stdin", stdin=SECRET + "\n")
    assert added.returncode == 0, added.stderr
    return added


@pytest.fixture(params=["postgresql", "mariadb"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template_dir: Path
) -> Iterator[tuple[Database, str]]:
    """A register set up as the README says: the owner runs ``db upgrade``."""
    for db in make_database(request.param, tmp_path, _sqlite_template_dir):
        upgraded = _assetdesk(_url(db), "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        with db.connect() as connection:
            prefix = database_name(connection)
        yield db, prefix


def _can_log_in(db: Database, login: str, password: str) -> bool:
    """Whether ``login`` may log in with ``password``. The test PostgreSQL trusts local
    connections, so there the server's own SCRAM verifier is checked against the password
    (as the server would check it) and the role's LOGIN flag; MariaDB is asked directly."""
    if db.backend == "postgresql":
        with db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = :n"),
                {"n": login},
            ).first()
        return (
            row is not None and bool(row.rolcanlogin) and _scram_matches(row.rolpassword, password)
        )
    engine = create_engine(db.url.set(username=login, password=password))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any refusal to connect is the answer
        return False
    finally:
        engine.dispose()


def _can_log_in_url(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text("SELECT 1")).scalar_one() == 1)
    finally:
        engine.dispose()


def _scram_matches(verifier: str | None, password: str) -> bool:
    if not verifier or not verifier.startswith("SCRAM-SHA-256$"):
        return False
    head, keys = verifier.removeprefix("SCRAM-SHA-256$").split("$")
    iterations, salt = head.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


def test_an_administrator_adds_lists_changes_and_disables_people(
    server: tuple[Database, str],
) -> None:
    db, prefix = server
    admin, tech = f"{prefix}_ada", f"{prefix}_tom"
    added = _add_login(_url(db), admin, "administrator", name="Ada Admin")
    assert SECRET not in added.stdout + added.stderr
    # Ada, with her own login, adds Tom; his password is generated and shown once.
    as_ada = _url(db, admin, SECRET)
    made = _assetdesk(as_ada, "users", "add", tech, "--role", "technician", "--name", "Tom Tech")
    assert made.returncode == 0, made.stderr
    shown = made.stdout.split("(shown once, give it to them in person): ")[1].strip()
    assert _can_log_in(db, tech, shown)
    listed = _assetdesk(as_ada, "users", "list")
    assert f"{tech}" in listed.stdout and "technician" in listed.stdout
    changed = _assetdesk(as_ada, "users", "set-role", tech, "technician", "approver")
    assert changed.returncode == 0, changed.stderr
    assert "now holds technician, approver" in changed.stdout
    # Tom may not administer.
    as_tom = _url(db, tech, shown)
    refused = _assetdesk(as_tom, "users", "add", f"{prefix}_eve", "--role", "administrator")
    assert refused.returncode == 2
    assert "Tom Tech" in refused.stderr and "needs the administrator role" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not _can_log_in(db, f"{prefix}_eve", "whatever-at-all")
    # Tom rotates his own password; then Ada disables him.
    rotated = _assetdesk(as_tom, "users", "set-password", "--password-stdin", stdin=SECRET + "\n")
    assert rotated.returncode == 0, rotated.stderr
    assert _can_log_in(db, tech, SECRET) and not _can_log_in(db, tech, shown)
    # An administrator resets it (logged; one's own rotation is not administration).
    reset = _assetdesk(
        as_ada, "users", "set-password", tech, "--password-stdin", stdin=SECRET + "-2\n"
    )
    assert reset.returncode == 0, reset.stderr
    assert _can_log_in(db, tech, SECRET + "-2") and not _can_log_in(db, tech, SECRET)
    disabled = _assetdesk(as_ada, "users", "disable", tech)
    assert disabled.returncode == 0, disabled.stderr
    assert not _can_log_in(db, tech, SECRET + "-2")
    # And enables him again (disabling had no way back).
    enabled = _assetdesk(as_ada, "users", "enable", tech)
    assert enabled.returncode == 0, enabled.stderr
    assert "is enabled: the login can connect again" in enabled.stdout
    assert _can_log_in(db, tech, SECRET + "-2")
    log = _assetdesk(as_ada, "users", "log")
    for action in ("add", "set-role", "set-password", "disable", "enable"):
        assert action in log.stdout
    assert SECRET not in log.stdout and shown not in log.stdout
    with db.engine.connect() as connection:
        dumped = " ".join(
            str(row) for row in connection.execute(text("SELECT * FROM admin_log")).all()
        )
    assert SECRET not in dumped and shown not in dumped


def test_on_a_shared_server_a_login_acts_only_as_its_own_person(
    server: tuple[Database, str],
) -> None:
    db, prefix = server
    seed_world(db)
    login = f"{prefix}_ann"
    _add_login(_url(db), login, "auditor", name="Ann Auditor")
    as_ann = _url(db, login, SECRET)
    refused = _assetdesk(as_ann, "audit", "start", "--scope", "Building A", "--as", "auditor")
    assert refused.returncode == 2
    assert f"connected to the shared database as the login '{login}'" in refused.stderr
    assert "cannot act as" in refused.stderr
    assert "Traceback" not in refused.stderr
    # Nor as a differing "person using this computer" in the settings (the settings file
    # of this test's home, which the process reads).
    settings = Settings()
    settings.set(CURRENT_USER, "auditor")
    settings.save()
    refused = _assetdesk(as_ann, "audit", "start", "--scope", "Building A")
    assert refused.returncode == 2
    assert "drop --as (or the user in the settings)" in refused.stderr
    settings.set(CURRENT_USER, login)
    settings.save()
    started = _assetdesk(as_ann, "audit", "start", "--scope", "Building A")
    assert started.returncode == 0, started.stderr
    with db.engine.connect() as connection:
        audits = connection.execute(text("SELECT COUNT(*) FROM audits")).scalar_one()
    assert audits == 1


def test_users_are_refused_on_a_local_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mine.sqlite3'}"
    refused = _assetdesk(url, "users", "add", "bob", "--role", "technician")
    assert refused.returncode == 2
    assert "a local file has no database logins" in refused.stderr
    assert "Data › People" in refused.stderr and "--as USER" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_users_list_on_a_local_file_does_not_send_the_user_to_users_add(tmp_path: Path) -> None:
    """A new user on a local file ran ``users list``, was told to ``users add``, and that
    refused: the list says where a local file's people are instead (found by a new user)."""
    url = f"sqlite:///{tmp_path / 'mine.sqlite3'}"
    assert _assetdesk(url, "db", "upgrade").returncode == 0
    listed = _assetdesk(url, "users", "list")
    assert listed.returncode == 0, listed.stderr
    assert "users add" not in listed.stdout.replace("users add is for a shared server", "")
    assert "Data › People" in listed.stdout and "--as" in listed.stdout


def test_a_new_local_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "assetdesk.sqlite3"
    made = _assetdesk(f"sqlite:///{path}", "db", "upgrade")
    assert made.returncode == 0, made.stderr
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) == 0o600


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_the_readme_setup_create_upgrade_as_owner_add_users(backend: str) -> None:
    """README, shared database: an owner that is not a superuser creates the schema and
    the first administrator, who adds a technician; nobody else may act as another."""
    server = server_for(backend)
    name = _unique_name()
    owner = f"{name}_owner"
    if backend == "postgresql":
        _admin_execute(
            server,
            f"CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD '{SECRET}'",
            f'CREATE DATABASE "{name}" OWNER "{owner}" ENCODING \'UTF8\' TEMPLATE template0',
            f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC',
        )
    else:
        _admin_execute(
            server,
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            f"CREATE USER '{owner}'@'%' IDENTIFIED BY '{SECRET}'",
            f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{owner}'@'%' WITH GRANT OPTION",
            f"GRANT CREATE USER ON *.* TO '{owner}'@'%' WITH GRANT OPTION",
        )
    database = server.database_url(name)
    as_owner = database.set(username=owner, password=SECRET).render_as_string(hide_password=False)
    try:
        upgraded = _assetdesk(as_owner, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        _add_login(as_owner, f"{name}_ada", "administrator")
        as_ada = database.set(username=f"{name}_ada", password=SECRET).render_as_string(
            hide_password=False
        )
        _add_login(as_ada, f"{name}_tom", "technician")
        as_tom = database.set(username=f"{name}_tom", password=SECRET).render_as_string(
            hide_password=False
        )
        listed = _assetdesk(as_tom, "users", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert f"{name}_tom" in listed.stdout
        refused = _assetdesk(as_tom, "approvals", "list", "--as", f"{name}_ada")
        assert refused.returncode == 2
        assert "cannot act as" in refused.stderr
        # A login the server has already (here the owner's) is never taken over.
        taken = _assetdesk(as_ada, "users", "add", owner, "--role", "viewer")
        assert taken.returncode == 2
        assert f"the server has a login '{owner}' already" in taken.stderr
        assert _can_log_in_url(as_owner)
    finally:
        if backend == "postgresql":
            _admin_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            _admin_execute(server, f"DROP DATABASE IF EXISTS `{name}`")
        drop_logins(server, name)


def test_a_password_is_never_written_to_logs_settings_or_output(
    server: tuple[Database, str],
) -> None:
    """Even with --debug (every SQL statement logged), the password appears nowhere."""
    db, prefix = server
    login = f"{prefix}_pat"
    added = _add_login(_url(db), login, "viewer", debug=True)
    assert "CREATE" in added.stderr  # the statements were logged…
    assert SECRET not in added.stdout + added.stderr  # …without the password
    rotated = _assetdesk(
        _url(db),
        "--debug",
        "users",
        "set-password",
        login,
        "--password-stdin",
        stdin=SECRET + "-new\n",
    )
    assert rotated.returncode == 0, rotated.stderr
    assert SECRET not in rotated.stdout + rotated.stderr
    written = []
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        for path in Path(os.environ[variable]).rglob("*"):
            if path.is_file():
                written.append(path)
                assert SECRET.encode() not in path.read_bytes(), path
    assert written, "the debug log was written somewhere"


def test_an_import_that_needs_new_reference_data_says_a_technician_may_not_create_it(
    server: tuple[Database, str], tmp_path: Path
) -> None:
    db, prefix = server
    seed_world(db)
    file = tmp_path / "delivery.csv"
    file.write_text(
        "Asset Tag,Asset Name,Category,Location\nDOC-1,Dock for Ann,Docking station,Room A1\n",
        encoding="utf-8",
    )
    for who, role in (("tim", "technician"), ("ada", "administrator")):
        _add_login(_url(db), f"{prefix}_{who}", role)
    as_tim = _url(db, f"{prefix}_tim", SECRET)
    dry = _assetdesk(as_tim, "import", str(file), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    # The dry run says so before anyone presses on (it only listed the new data).
    assert (
        "Import will be refused: the file needs new reference data (category 'Docking "
        "station')" in dry.stdout
    ), dry.stdout
    assert "or import with --no-create" in dry.stdout
    refused = _assetdesk(as_tim, "import", str(file))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "needs new reference data (category 'Docking station')" in refused.stderr
    assert "needs the administrator role" in refused.stderr
    assert "Traceback" not in refused.stderr
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM assets")).scalar_one() == 0
    done = _assetdesk(_url(db, f"{prefix}_ada", SECRET), "import", str(file))
    assert done.returncode == 0, done.stdout + done.stderr
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM assets")).scalar_one() == 1


def test_an_administrator_cannot_lock_themselves_out(server: tuple[Database, str]) -> None:
    """Ada, the register's only administrator, ran ``users set-role ada viewer``: the
    database refused it half-way ("permission denied for table person_roles … ask an
    administrator"); ``users disable ada`` then succeeded and nobody could administer the
    register any more, with no command to undo it (found by a new user). Both are refused
    in plain words, and nothing changes."""
    db, prefix = server
    admin = f"{prefix}_ada"
    _add_login(_url(db), admin, "administrator")
    as_ada = _url(db, admin, SECRET)
    for argv in (("set-role", admin, "viewer"), ("disable", admin)):
        refused = _assetdesk(as_ada, "users", *argv)
        assert refused.returncode == 2, refused.stdout
        assert (
            f"cannot {'disable' if argv[0] == 'disable' else 'take the administrator role from'} your own login '{admin}'"
            in refused.stderr
        )
        assert "permission denied" not in refused.stderr and "Traceback" not in refused.stderr
    assert _can_log_in(db, admin, SECRET)
    listed = _assetdesk(as_ada, "users", "list")
    assert "administrator" in listed.stdout
    # Adding a role to oneself, keeping administrator, is still allowed; and the owner
    # login may still take it away.
    kept = _assetdesk(as_ada, "users", "set-role", admin, "administrator", "approver")
    assert kept.returncode == 0, kept.stderr
    by_owner = _assetdesk(_url(db), "users", "disable", admin)
    assert by_owner.returncode == 0, by_owner.stderr
    assert not _can_log_in(db, admin, SECRET)


def test_an_approver_s_own_list_names_him_without_as(server: tuple[Database, str]) -> None:
    """Al, an approver connected with his own login, asked ``approvals list --mine``: it
    said "Nothing is waiting for approval." while Tom's change waited for him, and the
    plain list never said whose turn it was — on a shared server the login says who asks
    (found by a new user)."""
    db, prefix = server
    seed_world(db)
    tom, al = f"{prefix}_tom", f"{prefix}_al"
    for login, role in ((tom, "technician"), (al, "approver")):
        _add_login(_url(db), login, role)
    as_tom, as_al = _url(db, tom, SECRET), _url(db, al, SECRET)
    received = _assetdesk(
        as_tom, "procedure", "receive", "LAP-77", "--set", "category=Laptop",
        "--set", "location=Building A", "--check", "inspected", "--check", "contents_match",
    )  # fmt: skip
    assert received.returncode == 0, received.stderr
    changed = _assetdesk(
        as_tom, "procedure", "change", "LAP-77", "--set", "notes=new screen",
        "--answer", "change_type=Repair", "--impact", "high", "--likelihood", "high",
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    mine = _assetdesk(as_al, "approvals", "list", "--mine")
    assert mine.returncode == 0, mine.stderr
    assert "LAP-77" in mine.stdout and "you may decide" in mine.stdout
    as_json = _assetdesk(as_al, "approvals", "list", "--json")
    assert f'"for_user": "{al}"' in as_json.stdout
    # The login that read the list is named too: the owner's is held by nobody, and a
    # script could not tell that from a list made for nobody (a new user's finding).
    said = json.loads(as_json.stdout)
    assert (said["login"], said["owner_login"]) == (al, False)
    owners = json.loads(_assetdesk(_url(db), "approvals", "list", "--json").stdout)
    assert owners["owner_login"] is True
    assert owners["login"] == db.url.username
    theirs = _assetdesk(as_tom, "approvals", "list")
    assert "not yours: it is their own procedure" in theirs.stdout
