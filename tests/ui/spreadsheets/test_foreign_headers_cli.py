"""Registers kept in German and GLPI exports in French import through the command line.

Before, every header of these files mapped to nothing ("Inv.-Nr.", "Numéro de série"...)
and the import refused the whole file: a person migrating from a German Excel register or
a French GLPI had to map every column by hand in the wizard. Made-up files with the
quirks of the real ones: the German register with ``;`` between cells, dd.mm.yyyy dates
and "1.234,56 €" amounts; GLPI's CSV export in French with its UTF-8 byte-order mark,
every cell quoted and followed by ``;``, and its financial columns named with their group.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from desktop.storage.models import Asset, Category, Location, Person
from tests.ui.spreadsheets.test_first_import_cli import assetdesk, open_db
from tests.ui.spreadsheets.test_glpi_itop_cli import custom, fresh, stored

GERMAN = """\
Inv.-Nr.;Bezeichnung;Kategorie;Hersteller;Modell;Seriennummer;Standort;Status;\
Zugewiesen an;Kaufdatum;Kaufpreis;Garantie bis;Lieferant;Bestellnummer;Bemerkung
IT-0001;Notebook Buchhaltung;Notebook;Lenovo;ThinkPad T14;PF3ABC12;München;In Betrieb;\
mmueller;15.03.2022;1.234,56 €;15.03.2025;Bechtle;BE-4711;Dockingstation dabei
IT-0002;Monitor Empfang;Monitor;Dell;P2422H;CN0ABC;Hamburg;Im Lager;;01.02.2023;189,00 €;\
01.02.2026;;;
IT-0003;Drucker Lager;Drucker;HP;LaserJet M404;VNB3K;München;Defekt;;30.11.2019;349,90 €;;;;\
Papiereinzug klemmt
"""

FRENCH_GLPI_HEADER = [
    "Nom", "Entité", "Statut", "Fabricant", "Numéro de série", "Type", "Modèle",
    "Système d'exploitation - Nom", "Lieu", "Dernière modification", "Numéro d'inventaire",
    "Utilisateur", "Informations financières et administratives - Date d'achat",
    "Informations financières et administratives - Date d'expiration de la garantie",
    "Informations financières et administratives - Fournisseur",
    "Informations financières et administratives - Valeur", "Commentaires",
]  # fmt: skip
FRENCH_GLPI_ROWS = [
    ["PC-0042", "Entité racine > Paris", "En service", "Dell Inc.", "5CG1234XYZ", "Portable",
     "Latitude 5420", "Windows 10 Pro", "Paris", "2024-05-03 10:12", "INV-0042", "jdupont",
     "2021-03-15", "2024-03-15", "Bechtle", "1234.50", "Écran 24'' fourni"],
    ["PC-0043", "Entité racine > Paris", "En réparation", "Lenovo", "PF2ABCD", "Fixe",
     "ThinkCentre M70q", "", "Lyon", "2024-05-03 10:12", "INV-0043", "", "2022-01-10", "",
     "", "", ""],
]  # fmt: skip


def where(database: Path) -> dict[str, tuple[object, ...]]:
    """tag → (serial number, category, location, assigned person's user name, order number)."""
    db = open_db(database)
    try:
        with db.read() as s:
            rows = s.execute(
                select(
                    Asset.tag, Asset.serial_number, Category.name, Location.name,
                    Person.username, Asset.order_number,
                )
                .join(Category, Category.id == Asset.category_id)
                .outerjoin(Location, Location.id == Asset.location_id)
                .outerjoin(Person, Person.id == Asset.assigned_to_id)
            ).all()  # fmt: skip
    finally:
        db.dispose()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_a_german_register_imports_every_row_with_its_fields(tmp_path: Path) -> None:
    database = fresh(tmp_path)
    path = tmp_path / "Inventar.csv"
    path.write_text(GERMAN, encoding="utf-8")
    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "3 create, 0 update, 0 unchanged, 0 conflicts, 0 errors" in dry.stdout
    for header, fate in (
        ("Inv.-Nr.", "Asset tag"),
        ("Bezeichnung", "Name"),
        ("Kategorie", "Category"),
        ("Hersteller", "Manufacturer"),
        ("Modell", "Model"),
        ("Seriennummer", "Serial number"),
        ("Standort", "Location"),
        ("Status", "Status"),
        ("Zugewiesen an", "Assigned to"),
        ("Kaufdatum", "Purchase date"),
        ("Kaufpreis", "Purchase cost"),
        ("Garantie bis", "Warranty end"),
        ("Lieferant", "Supplier"),
        ("Bestellnummer", "Order number"),
        ("Bemerkung", "Notes"),
    ):
        assert f"  {header}: imported as {fate}\n" in dry.stdout

    done = assetdesk(database, "import", str(path), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert payload["counts"]["create"] == 3
    assert payload["unmapped_columns"] == []
    rows = stored(database)
    assert rows["IT-0001"] == (
        "Notebook Buchhaltung", "in_service", "Lenovo", "ThinkPad T14", dt.date(2022, 3, 15),
        Decimal("1234.56"), dt.date(2025, 3, 15), "Bechtle", "Dockingstation dabei",
    )  # fmt: skip
    assert rows["IT-0002"][:2] == ("Monitor Empfang", "in_stock")
    assert rows["IT-0002"][4:7] == (dt.date(2023, 2, 1), Decimal("189.00"), dt.date(2026, 2, 1))
    assert rows["IT-0003"][1] == "in_repair"
    assert rows["IT-0003"][8] == "Papiereinzug klemmt"
    places = where(database)
    assert places["IT-0001"] == ("PF3ABC12", "Notebook", "München", "mmueller", "BE-4711")
    assert places["IT-0002"] == ("CN0ABC", "Monitor", "Hamburg", None, None)
    assert places["IT-0003"][:3] == ("VNB3K", "Drucker", "München")


def test_a_french_glpi_export_imports_every_row_with_its_fields(tmp_path: Path) -> None:
    database = fresh(tmp_path)

    def line(cells: list[str]) -> str:
        return "".join(f'"{c}";' for c in cells) + "\n"

    path = tmp_path / "glpi.csv"
    text = line(FRENCH_GLPI_HEADER) + "".join(line(r) for r in FRENCH_GLPI_ROWS)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    dry = assetdesk(database, "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "2 create, 0 update, 0 unchanged, 0 conflicts, 0 errors" in dry.stdout
    group = "Informations financières et administratives - "
    for header, fate in (
        ("Nom", "Name"),
        ("Statut", "Status"),
        ("Fabricant", "Manufacturer"),
        ("Numéro de série", "Serial number"),
        ("Type", "Category"),
        ("Modèle", "Model"),
        ("Lieu", "Location"),
        ("Numéro d'inventaire", "Asset tag"),
        ("Utilisateur", "Assigned to"),
        (group + "Date d'achat", "Purchase date"),
        (group + "Date d'expiration de la garantie", "Warranty end"),
        (group + "Fournisseur", "Supplier"),
        (group + "Valeur", "Purchase cost"),
        ("Commentaires", "Notes"),
    ):
        assert f"  {header}: imported as {fate}\n" in dry.stdout

    done = assetdesk(database, "import", str(path), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["counts"]["create"] == 2
    rows = stored(database)
    assert rows["INV-0042"][:8] == (
        "PC-0042", "in_service", "Dell Inc.", "Latitude 5420", dt.date(2021, 3, 15),
        Decimal("1234.50"), dt.date(2024, 3, 15), "Bechtle",
    )  # fmt: skip
    assert str(rows["INV-0042"][8]).splitlines()[0] == "Écran 24'' fourni"
    assert rows["INV-0043"][:2] == ("PC-0043", "in_repair")
    places = where(database)
    assert places["INV-0042"][:4] == ("5CG1234XYZ", "Portable", "Paris", "jdupont")
    assert places["INV-0043"][:4] == ("PF2ABCD", "Fixe", "Lyon", None)
    # GLPI's entity and last update, in French, are kept as in the English export.
    assert custom(database, "INV-0042") == {
        "entity": "Entité racine > Paris",
        "previous_last_update": "2024-05-03 10:12",
    }
