"""The signed-in person belongs to the database it was set for (new-user finding 2): a
person chosen for one database in File › Settings never follows the user into another
local file, where the operating-system user acts as before; on a shared server without
one, the refusal says to choose the person in File › Settings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.errors import NotFoundError
from desktop.services.people import person_by_username
from desktop.settings import CURRENT_USER, Settings, set_signed_in_person, signed_in_person
from desktop.storage.database import Database
from tests.cli_run import run_cli

CSV = "Asset tag,Name,Category,Location,Status\nSOLO-0001,Solo laptop,Laptop,Office,In stock\n"


def assetdesk(
    settings: Path, *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(*argv, env={**(env or {}), "ASSETDESK_SETTINGS": str(settings)})


def test_a_person_set_for_one_database_does_not_follow_into_another(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.ini"
    first, other = tmp_path / "first.sqlite3", tmp_path / "other.sqlite3"
    for path in (first, other):
        done = assetdesk(settings_file, "--database", str(path), "db", "upgrade")
        assert done.returncode == 0, done.stderr
    # As File › Settings saves it: the person of the first database only.
    set_signed_in_person(Settings(settings_file), f"sqlite:///{first}", "dkowalski")
    csv = tmp_path / "solo.csv"
    csv.write_text(CSV, encoding="utf-8")

    # The other file: the operating-system user acts, as on any local file.
    done = assetdesk(settings_file, "--database", str(other), "import", str(csv))
    assert done.returncode == 0, done.stderr
    assert "dkowalski" not in done.stdout + done.stderr
    shown = assetdesk(settings_file, "--database", str(other), "asset", "show", "SOLO-0001")
    assert shown.returncode == 0 and "Solo laptop" in shown.stdout, shown.stderr

    # The first file still has its own person (who does not exist there: said so).
    done = assetdesk(settings_file, "--database", str(first), "import", str(csv))
    assert done.returncode != 0
    assert "'dkowalski'" in done.stderr and "Traceback" not in done.stderr

    # The same database however its path is written.
    written_otherwise = f"sqlite:///{tmp_path}/../{tmp_path.name}/first.sqlite3"
    assert signed_in_person(Settings(settings_file), written_otherwise) == "dkowalski"
    assert signed_in_person(Settings(settings_file), f"sqlite:///{other}") == ""


def test_settings_from_before_keep_their_one_person_until_a_database_has_its_own(
    tmp_path: Path,
) -> None:
    settings = Settings(tmp_path / "settings.ini")
    settings.set(CURRENT_USER, "tech")
    assert signed_in_person(settings, "sqlite:////any/file.sqlite3") == "tech"
    set_signed_in_person(settings, "postgresql+psycopg://u:secret@db:5432/assets", "dk")
    assert signed_in_person(settings, "postgresql://u@db:5432/assets") == "dk"
    assert signed_in_person(settings, "sqlite:////any/file.sqlite3") == ""
    assert settings.get(CURRENT_USER) == ""
    assert "secret" not in settings.path.read_text(encoding="utf-8")


def test_nobody_signed_in_on_a_server_is_told_where_to_choose(sqlite_db: Database) -> None:
    with sqlite_db.read() as session, pytest.raises(NotFoundError) as refused:
        person_by_username(session, "")
    assert str(refused.value).startswith(
        "Nobody is signed in: choose the signed-in person in File › Settings"
    )


def test_in_a_field_kit_the_person_who_checked_it_out_acts_when_nobody_said(
    tmp_path: Path,
) -> None:
    """A kit's people are the server's and read-only: an operating-system user who is
    not one of them cannot be created there (every command failed with "the user name
    'root' exists already"); the kit's owner acts, and is who the server hears of."""
    settings_file = tmp_path / "settings.ini"
    server, kit = tmp_path / "server.sqlite3", tmp_path / "site.adkit"
    made = assetdesk(settings_file, "--database", str(server), "demo", "--assets", "40")
    assert made.returncode == 0, made.stderr
    with Database(f"sqlite:///{server}").read() as s:
        tag = s.execute(text("SELECT tag FROM assets WHERE status = 'in_service'")).scalar()
    out = assetdesk(
        settings_file, "--database", str(server), "kit", "checkout", "--search", str(tag),
        "-o", str(kit), "--as", "dkowalski",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr

    stranger = {"USER": "fieldlaptop", "LOGNAME": "fieldlaptop", "USERNAME": "fieldlaptop"}
    changed = assetdesk(
        settings_file, "--database", str(kit), "procedure", "change", str(tag),
        "--set", "notes=Cable replaced", "--answer", "change_type=Other", env=stranger,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    assert "Traceback" not in changed.stderr
    with Database(f"sqlite:///{kit}").read() as s:
        performer = s.execute(
            text(
                "SELECT p.username FROM procedures pr JOIN people p ON p.id = pr.performed_by_id"
                " WHERE pr.kind = 'change' ORDER BY pr.performed_at DESC"
            )
        ).scalar()
    assert performer == "dkowalski"
