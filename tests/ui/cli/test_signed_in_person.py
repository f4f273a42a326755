"""The signed-in person belongs to the database it was set for (new-user finding 2): a
person chosen for one database in File › Settings never follows the user into another
local file, where the operating-system user acts as before; on a shared server without
one, the refusal says to choose the person in File › Settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.errors import NotFoundError
from desktop.services.people import person_by_username
from desktop.settings import CURRENT_USER, Settings, set_signed_in_person, signed_in_person
from desktop.storage.database import Database

CSV = "Asset tag,Name,Category,Location,Status\nSOLO-0001,Solo laptop,Laptop,Office,In stock\n"


def assetdesk(settings: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSETDESK_SETTINGS": str(settings)}
    env.pop("ASSETDESK_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=180,
    )


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
