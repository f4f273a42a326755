"""Formulas with no saved result, through the command line run as a subprocess.

A file written by a script (openpyxl) or by a program that does not calculate holds
``<c r="E2"><f>…</f></c>``: a formula and no result. python-calamine reads such a cell as
empty, and an empty cell keeps the stored value — an edit in it was silently not
imported, and a new asset's formula name looked like a missing name. The dry run now
names each such cell and refuses its row; a formula with a saved result (Excel's,
LibreOffice's, an empty text result) is read as before.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl

from tests.factories import World
from tests.ui.spreadsheets.test_migration_files import assets, cli, world  # noqa: F401

HEADER = ["Name", "Category", "Serial number", "Location", "Notes"]
FIRST = [
    ["Finance laptop", "Laptop", "SN-F1", "Room A1", "first"],
    ["Sales laptop", "Laptop", "SN-F2", "Room A1", "second"],
]
BY_SERIAL = ("--match", "serial")
ADVICE = (
    "open and save the file in Excel or LibreOffice so its results are saved, or type the value"
)


def write_register(path: Path, *, edited: bool) -> Path:
    """The register as openpyxl writes it; ``edited``: row 2's notes and a new row 4 are
    formulas (no result saved: openpyxl does not calculate)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Assets"
    for row in [HEADER, *FIRST]:
        sheet.append(row)
    if edited:
        sheet["E2"] = '="moved to "&"Room A2"'
        sheet.append(['=CONCAT("Desk ","screen")', "Monitor", "SN-F3", "Room A1", "=SUM(1,2)"])
    workbook.save(path)
    return path


def with_saved_results(path: Path, results: dict[str, str]) -> Path:
    """``path`` as a calculating program saves it: each formula cell of ``results`` (by
    reference) with its result in ``<v>``, a text result as ``t="str"``."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in results.items():
        start = xml.index(f'<c r="{ref}"')
        end = xml.index("</c>", start)
        cell = xml[start:end]
        head, _, formula = cell.replace("<v />", "").partition(">")  # openpyxl's empty <v>
        if not value.replace(".", "").isdigit():
            head = head.replace(' t="', ' x="') + ' t="str"'
        xml = xml[:start] + f"{head}>{formula}<v>{value}</v>" + xml[end:]
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    saved = path.with_name("saved_" + path.name)
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return saved


def test_a_formula_without_a_saved_result_refuses_its_row_and_names_the_cell(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    first = write_register(tmp_path / "register.xlsx", edited=False)
    done = cli(world.db, "import", str(first), "--as", "admin")
    assert done.returncode == 0, done.stdout + done.stderr
    edited = write_register(tmp_path / "register_edited.xlsx", edited=True)

    dry = cli(world.db, "import", str(edited), "--dry-run", *BY_SERIAL)
    assert "Traceback" not in dry.stderr, dry.stderr
    assert (
        'row 2, Notes: a formula with no saved result (="moved to "&"Room A2"); ' + ADVICE
    ) in dry.stdout, dry.stdout
    name = 'row 4, Name: a formula with no saved result (=CONCAT("Desk ","screen")); '
    assert name + ADVICE in dry.stdout, dry.stdout
    assert f"row 4, Notes: a formula with no saved result (=SUM(1,2)); {ADVICE}" in dry.stdout
    payload = json.loads(
        cli(world.db, "import", str(edited), "--dry-run", "--json", *BY_SERIAL).stdout
    )
    assert payload["counts"]["error"] == 2, payload
    assert payload["counts"]["unchanged"] == 1, payload

    before = {tag: (a.name, a.notes) for tag, a in assets(world.db).items()}
    refused = cli(world.db, "import", str(edited), "--as", "admin", *BY_SERIAL)
    assert "Traceback" not in refused.stderr, refused.stderr
    assert {tag: (a.name, a.notes) for tag, a in assets(world.db).items()} == before


def test_formulas_with_saved_results_are_read_as_before(
    world: World,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    first = write_register(tmp_path / "register.xlsx", edited=False)
    done = cli(world.db, "import", str(first), "--as", "admin")
    assert done.returncode == 0, done.stdout + done.stderr
    edited = write_register(tmp_path / "register_edited.xlsx", edited=True)
    # An empty text result (t="str", <v></v>) is a result too, read as before: blank.
    saved = with_saved_results(edited, {"E2": "moved to Room A2", "A4": "Desk screen", "E4": ""})

    dry = cli(world.db, "import", str(saved), "--dry-run", "--json", *BY_SERIAL)
    assert "Traceback" not in dry.stderr, dry.stderr
    payload = json.loads(dry.stdout)
    assert payload["counts"]["error"] == 0, payload
    assert payload["counts"]["create"] == 1, payload
    assert payload["counts"]["update"] == 1, payload
    done = cli(world.db, "import", str(saved), "--as", "admin", *BY_SERIAL)
    assert done.returncode == 0, done.stdout + done.stderr
    by_serial = {a.serial_number: a for a in assets(world.db).values()}
    assert by_serial["SN-F1"].notes == "moved to Room A2"
    assert by_serial["SN-F3"].notes in (None, "")
    assert by_serial["SN-F3"].name == "Desk screen"
