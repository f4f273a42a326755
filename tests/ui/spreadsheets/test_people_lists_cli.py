"""``assetdesk import --people FILE``: a list of people into the register.

A Snipe-IT administrator exports Users (First Name, Last Name, Username, Email,
Department, …), a directory extract has display names and mail only. New people are
added with their user names and addresses (a user name made from the address when the
list has none), in the group their Department names; someone the register has is left
as they are; nobody gets a role from a file. A refused row refuses the list, nothing is
written. Run as a subprocess.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Person
from tests.ui.spreadsheets.test_first_import_cli import (  # noqa: F401
    OS_USER,
    assetdesk,
    fresh,
    open_db,
)

SNIPE_IT_USERS = (
    "First Name,Last Name,Username,Email,Employee Number,Department,Location,Manager\r\n"
    "Anna,Smith,asmith,anna.smith@example.org,E-100,Finance,Leeds HQ,\r\n"
    "Bob,Jones,bjones,bob.jones@example.org,E-101,Service desk,,Anna Smith\r\n"
    "Anna,Smith,asmith,anna.smith@example.org,E-100,Finance,Leeds HQ,\r\n"  # twice
)


def people(path: Path) -> dict[str, tuple[str, str | None, list[str], list[str]]]:
    """Each person by user name: (name, e-mail, groups, roles)."""
    db = open_db(path)
    try:
        with db.read() as session:
            return {
                p.username: (
                    p.name,
                    p.email,
                    sorted(g.name for g in p.groups),
                    sorted(r.name for r in p.roles),
                )
                for p in session.execute(select(Person)).scalars()
            }
    finally:
        db.dispose()


def test_snipe_it_s_users_export_adds_people_once(fresh: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = tmp_path / "users.csv"
    listing.write_bytes(("\ufeff" + SNIPE_IT_USERS).encode())
    before = people(fresh)

    dry = assetdesk(fresh, "import", "--people", "--dry-run", str(listing))
    assert dry.returncode == 0, dry.stderr
    assert "users.csv: 2 new people (dry run: nothing was written)" in dry.stdout
    assert "new  Anna Smith, asmith, anna.smith@example.org (group Finance)" in dry.stdout
    assert people(fresh) == before

    done = assetdesk(fresh, "import", "--people", str(listing))
    assert done.returncode == 0, done.stderr
    now = people(fresh)
    assert now["asmith"] == ("Anna Smith", "anna.smith@example.org", ["Finance"], [])
    assert now["bjones"] == ("Bob Jones", "bob.jones@example.org", ["Service desk"], [])
    # (and the importing administrator, this computer's user, on first use)
    assert sorted(set(now) - set(before) - {OS_USER}) == ["asmith", "bjones"]

    again = assetdesk(fresh, "import", "--people", str(listing))
    assert again.returncode == 0, again.stderr
    assert "users.csv: nothing new, 2 already in the register: imported" in again.stdout
    assert people(fresh) == now


def test_a_directory_extract_without_user_names(fresh: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = tmp_path / "directory.csv"
    listing.write_text(
        "Display name;Mail;Team\nChloé Dubois;chloe.dubois@example.org;\n", encoding="utf-8"
    )
    done = assetdesk(fresh, "import", "--people", str(listing))
    assert done.returncode == 0, done.stderr
    assert people(fresh)["chloe.dubois"] == ("Chloé Dubois", "chloe.dubois@example.org", [], [])


def test_a_bad_row_refuses_the_list(fresh: Path, tmp_path: Path) -> None:  # noqa: F811
    listing = tmp_path / "users.csv"
    listing.write_text(
        "Name,Username,Email\nDana Lee,dlee,dana.lee@example.org\nEve Park,epark,not-an-address\n",
        encoding="utf-8",
    )
    before = people(fresh)
    done = assetdesk(fresh, "import", "--people", str(listing))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "row 3, column E-mail: 'not-an-address' is not an e-mail address" in done.stderr
    assert set(people(fresh)) - {OS_USER} == set(before)  # Dana Lee is not added either

    both = assetdesk(fresh, "import", "--people", "--locations", str(listing))
    assert both.returncode != 0 and "not both" in both.stderr
