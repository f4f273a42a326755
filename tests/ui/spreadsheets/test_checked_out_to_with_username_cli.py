"""Snipe-IT's custom report with both "Checked Out To" and "Username", through
``assetdesk import`` on a new register.

Seen under Xvfb (newuser24): an IT admin imported such an export in the wizard; the
people were created as "aberg", "cdiaz"… with no name — "Checked Out To: Anna Berg" went
to each asset's notes — and a technician installing a laptop typed "Anna" in Assigned to:
"'Anna' is not a known person", with "Add the person 'Anna'…" offered (a second Anna).
Now the user name finds the person and "Checked Out To" is their name: one person "Anna
Berg" (aberg) for her rows. A row with no user name (Snipe-IT checked the screen out to
a room) keeps "Checked Out To" in the notes, as before, and makes no person.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, Person
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db

EXPORT = (
    "ID,Asset Name,Asset Tag,Serial,Model,Category,Manufacturer,Status,Checked Out To,"
    "Username,Location\n"
    "101,Anna's laptop,ACME-00101,PF3XK2LM,ThinkPad T14 Gen 4,Laptops,Lenovo,Deployed,"
    "Anna Berg,aberg,Berlin HQ\n"
    "102,Anna's phone,ACME-00102,3567891,iPhone 15,Mobile Phones,Apple,Deployed,"
    "Anna Berg (aberg),aberg,Berlin HQ\n"
    "103,Reception PC,ACME-00103,CZC2041XYZ,EliteDesk 800 G6,Desktops,HP,Deployed,"
    "Carl Diaz,cdiaz,Berlin HQ\n"
    "104,Room display,ACME-00104,U27-88812,U2723QE,Monitors,Dell,Deployed,"
    "Room 2.11,,Berlin HQ › Room 2.11\n"
)


def test_the_username_finds_the_person_and_checked_out_to_names_them(tmp_path: Path) -> None:
    database = tmp_path / "register.sqlite3"
    assert assetdesk(database, "db", "upgrade").returncode == 0
    path = tmp_path / "snipeit-assets.csv"
    path.write_text(EXPORT, encoding="utf-8")

    group = ("--set", "owning_group=Facilities")  # the room's screen is nobody's
    dry = assetdesk(database, "import", str(path), "--dry-run", *group)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "Assigned to: Anna Berg (new)" in dry.stdout, dry.stdout

    done = assetdesk(database, "import", str(path), *group)
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_db(database)
    try:
        with db.read() as session:
            people = {(u, n) for u, n in session.execute(select(Person.username, Person.name))}
            rows = session.execute(
                select(Asset.tag, Person.username, Asset.notes)
                .outerjoin(Person, Person.id == Asset.assigned_to_id)
                .order_by(Asset.tag)
            ).all()
            assets = {tag: (username, notes or "") for tag, username, notes in rows}
    finally:
        db.dispose()
    assert ("aberg", "Anna Berg") in people and ("cdiaz", "Carl Diaz") in people
    assert not any(name in ("aberg", "Room 2.11", "Anna Berg (aberg)") for _, name in people)
    assert [a[0] for a in assets.values()] == ["aberg", "aberg", "cdiaz", None]
    assert "Checked Out To" not in assets["ACME-00101"][1]
    assert "Checked Out To: Room 2.11" in assets["ACME-00104"][1]
