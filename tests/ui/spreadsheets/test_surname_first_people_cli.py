"""A home-made register names people "Surname, Name"; the register knows them as
"Name Surname" (a people list, Snipe-IT, GLPI), or the other way round.

Seen under Xvfb (newuser26): an IT manager's Excel register assigned its laptops to
"Smith, John" and "Patel, Priya". Imported after the company's people list (John Smith,
Priya Patel), it made a second person of each; the register's search for "john smith"
then found nothing of John's. Now a name written the other way round is the one person
the register has under it; with two such people, or none, it stays as it was. A new
person so written got the user name "smith,.john" (Data › People showed "o'neill,.siobhan",
"müller,.jürgen"); now "john.smith".
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desktop.services import reference
from desktop.services.queries import asset_detail
from desktop.storage.database import Database
from desktop.storage.models import Person
from tests.cli_run import run_cli
from tests.factories import seed_world

REGISTER = (
    "Asset No,Description,Type,Location,Assigned to\n"
    'ACM-1,Latitude 5420,Laptop,Room A1,"User, Una"\n'  # the register's Una User
    "ACM-2,Latitude 5420,Laptop,Room A1,Priya Patel\n"  # entered as "Patel, Priya"
    'ACM-3,Latitude 5420,Laptop,Room A1,"Nowak, Kasia"\n'  # nobody: a new person
)


def _people(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(Person)).scalar_one()


def test_a_name_written_the_other_way_round_is_the_registers_person(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    with sqlite_db.write() as session:
        reference.create_person(session, name="Patel, Priya", username="ppatel")
    before = _people(sqlite_db)
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    database = world.db.sqlite_path
    assert database is not None

    dry = run_cli("import", str(path), "--dry-run", database=database)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "person Nowak, Kasia (new" in dry.stdout, dry.stdout
    assert "person User, Una" not in dry.stdout and "Priya Patel (new" not in dry.stdout

    done = run_cli("import", str(path), "--as", "admin", database=database)
    assert done.returncode == 0, done.stdout + done.stderr
    with sqlite_db.read() as session:
        assigned = {
            tag: asset_detail(session, tag=tag).row.assigned_to
            for tag in ("ACM-1", "ACM-2", "ACM-3")
        }
    assert assigned == {"ACM-1": "Una User", "ACM-2": "Patel, Priya", "ACM-3": "Nowak, Kasia"}
    assert _people(sqlite_db) == before + 1
    with sqlite_db.read() as session:
        kasia = session.execute(
            select(Person.username).where(Person.name == "Nowak, Kasia")
        ).scalar_one()
    assert kasia == "kasia.nowak"  # it was "nowak,.kasia"


def test_two_people_of_that_name_are_not_guessed_between(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    with sqlite_db.write() as session:
        reference.create_person(session, name="Una User", username="una2")
    path = tmp_path / "register.csv"
    path.write_text(REGISTER.splitlines()[0] + "\n" + REGISTER.splitlines()[1] + "\n")
    database = world.db.sqlite_path
    assert database is not None
    dry = run_cli("import", str(path), "--dry-run", database=database)
    assert "person User, Una (new" in dry.stdout, dry.stdout + dry.stderr


def test_one_new_person_written_both_ways_in_one_file_is_one_person(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """A register typed by several hands: "Nowak, Kasia" on one row, "Kasia Nowak" on
    another, nobody of that name in the register yet — one new person, not two (left
    by newuser26)."""
    world = seed_world(sqlite_db)
    before = _people(sqlite_db)
    path = tmp_path / "register.csv"
    path.write_text(
        "Asset No,Description,Type,Location,Assigned to\n"
        'ACM-1,Latitude 5420,Laptop,Room A1,"Nowak, Kasia"\n'
        "ACM-2,Latitude 5420,Laptop,Room A1,Kasia  Nowak\n"
        "ACM-3,Latitude 5420,Laptop,Room A1,kasia nowak\n",
        encoding="utf-8",
    )
    database = world.db.sqlite_path
    assert database is not None
    dry = run_cli("import", str(path), "--dry-run", database=database)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    created = [line for line in dry.stdout.splitlines() if line.startswith("  person ")]
    assert created == ["  person Nowak, Kasia (new), rows 2, 3, 4"], dry.stdout

    done = run_cli("import", str(path), "--as", "admin", database=database)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _people(sqlite_db) == before + 1
    with sqlite_db.read() as session:
        assigned = {asset_detail(session, tag=f"ACM-{n}").row.assigned_to for n in (1, 2, 3)}
    assert assigned == {"Nowak, Kasia"}
