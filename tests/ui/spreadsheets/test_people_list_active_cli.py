"""A people list's Active column: someone the old tool had deactivated stays so.

Seen under Xvfb (newuser26): GLPI's users export (Login, Last name, First name, Emails,
…, Active Yes/No) imported through Data › People › Import list… made Alain Durand,
"Active: No" in GLPI, an active person of the register — one who "may sign in, perform
and approve procedures". Now a No (false, 0, inactive, non, nein…) creates the person
deactivated, and the list says so before anything is written. Its "Emails" column was
not read either (the people came without their addresses): it is, the first address of
the several GLPI joins with "<br>". Run as a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Person
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, fresh, open_db  # noqa: F401

GLPI_USERS = (
    "\ufeffLogin;Last name;First name;Emails;Phone;Entity;Profiles;Active\r\n"
    "jdupont;Dupont;Jean;jean.dupont@example.fr;0102030405;Root entity > Paris;Self-Service;Yes\r\n"
    "mmartin;Martin;Marie;marie.martin@example.fr<br>mm@example.fr;;Root entity > Paris;Technician;Yes\r\n"
    "adurand;Durand;Alain;;;Root entity > Paris;Self-Service;No\r\n"
)


def test_a_person_the_list_says_is_not_active_is_created_deactivated(
    fresh: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    listing = tmp_path / "glpi_users.csv"
    listing.write_bytes(GLPI_USERS.encode("utf-8"))

    dry = assetdesk(fresh, "import", "--people", "--dry-run", str(listing))
    assert dry.returncode == 0, dry.stderr
    assert "  new  Alain Durand, adurand (inactive)\n" in dry.stdout
    assert "  new  Jean Dupont, jdupont, jean.dupont@example.fr\n" in dry.stdout
    assert "  new  Marie Martin, mmartin, marie.martin@example.fr\n" in dry.stdout
    shown = json.loads(
        assetdesk(fresh, "import", "--people", "--dry-run", "--json", str(listing)).stdout
    )
    assert [(p["username"], p["active"]) for p in shown["new"]] == [
        ("jdupont", True),
        ("mmartin", True),
        ("adurand", False),
    ]

    done = assetdesk(fresh, "import", "--people", str(listing))
    assert done.returncode == 0, done.stderr
    db = open_db(fresh)
    try:
        with db.read() as session:
            rows = session.execute(
                select(Person.username, Person.active).where(
                    Person.username.in_(["jdupont", "mmartin", "adurand"])
                )
            ).all()
            active = {username: is_active for username, is_active in rows}
    finally:
        db.dispose()
    assert active == {"jdupont": True, "mmartin": True, "adurand": False}
