"""A maker written with its legal form is flagged as the one the register has.

GLPI's inventory writes "Dell Inc." and "Hewlett-Packard Company"; the register said
"Dell". The dry run listed "manufacturer Dell Inc. (new)" without a word, and the import
made a second Dell beside the first. The dry run now says "'Dell Inc.' looks like 'Dell'"
as it does for a typo, so the file can be put right before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from desktop.services.reference import create_manufacturer
from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import seed_world


def test_a_maker_with_its_legal_form_is_said_to_look_like_the_register_s(
    sqlite_db: Database, tmp_path: Path
) -> None:
    world = seed_world(sqlite_db)
    with world.db.write() as session:
        create_manufacturer(session, name="Dell")
        create_manufacturer(session, name="Lenovo")
    path = tmp_path / "glpi.csv"
    text = (
        '"Name";"Manufacturer";"Model";"Type";"Inventory number";"Location";\r\n'
        '"PC-1";"Dell Inc.";"OptiPlex 7090";"Laptop";"INV-1";"Room A1";\r\n'
        '"PC-2";"LENOVO, Ltd";"ThinkPad T14";"Laptop";"INV-2";"Room A1";\r\n'
        '"PC-3";"Dellcom";"X1";"Laptop";"INV-3";"Room A1";\r\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    database = world.db.sqlite_path
    assert database is not None
    dry = run_cli("import", str(path), "--dry-run", database=database)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    lines = {line.strip().split(" (new")[0]: line for line in dry.stdout.splitlines()}
    assert "'Dell Inc.' looks like 'Dell'" in lines["manufacturer Dell Inc."], dry.stdout
    assert "'LENOVO, Ltd' looks like 'Lenovo'" in lines["manufacturer LENOVO, Ltd"], dry.stdout
    assert "looks like" not in lines["manufacturer Dellcom"], dry.stdout  # another maker
