"""``assetdesk labels``: PDFs from the command line, without a display and without Qt at start."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop.storage.database import Database
from tests.cli_run import run_cli
from tests.factories import World, seed_world
from ui.cli.main import main


@pytest.fixture(autouse=True)
def _one_application(qapp: QApplication) -> None:
    """In-process runs share pytest-qt's QApplication (the command makes one only if none)."""


@pytest.fixture
def world(sqlite_db: Database) -> World:
    world = seed_world(sqlite_db)
    for n in range(1, 31):
        world.receive(tag=f"LAP-{n:06d}", name=f"ThinkPad T14 #{n}")
    world.receive(tag="MON-000001", name="Dell P2422H", category=world.monitor_category)
    return world


def _url(world: World) -> str:
    return world.db.url.render_as_string(hide_password=False)


def _pages(path: Path) -> int:
    return len(re.findall(rb"/MediaBox", path.read_bytes()))


def test_labels_for_tags_to_pdf(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "labels.pdf"
    code = main(
        ["--database", _url(world), "labels", "--template", "avery l7160", "--tags", "LAP-000001,lap-000002", "--start", "20", "--qr", "-o", str(output)]
    )  # fmt: skip
    assert code == 0
    assert _pages(output) == 1  # labels 20 and 21: the last two of a half-used sheet
    assert "2 labels on 1 page of Avery L7160" in capsys.readouterr().out


def test_labels_for_a_query_and_all(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "query.pdf"
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Zebra 2x1in",
                "--query",
                "P2422H",
                "-o",
                str(output),
            ]
        )
        == 0
    )
    assert _pages(output) == 1
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Avery L7651",
                "--all",
                "--code39",
                "--overwrite",  # the same file again
                "-o",
                str(output),
                "--overwrite",  # the same file again
            ]
        )
        == 0
    )
    # Code 39 has no room there: every tag is carried by a QR code, and the command says so.
    err = capsys.readouterr().err
    assert "31 labels 'LAP-000001', 'LAP-000002'" in err
    assert "printed as a QR code: as Code 39 it needs" in err
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Avery L7163",
                "--all",
                "--overwrite",  # the same file again
                "-o",
                str(output),
                "--overwrite",  # the same file again
            ]
        )
        == 0
    )
    assert _pages(output) == 3  # 31 labels, 14 a sheet
    assert "31 labels on 3 pages of Avery L7163" in capsys.readouterr().out


def test_location_labels_and_unknown_names(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "rooms.pdf"
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Dymo 99012",
                "--locations",
                "room-a1,ROOM-A2",
                "-o",
                str(output),
            ]
        )
        == 0
    )
    assert _pages(output) == 2
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Dymo 99012",
                "--tags",
                "LAP-000001,NOPE-9",
                "--overwrite",
                "-o",
                str(output),
            ]
        )
        == 2
    )
    assert "no asset with the tag 'NOPE-9'" in capsys.readouterr().err
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Avery 1234",
                "--all",
                "--overwrite",
                "-o",
                str(output),
            ]
        )
        == 2
    )
    assert "there is no label template 'Avery 1234'" in capsys.readouterr().err


def test_list_templates_as_json(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", _url(world), "labels", "--list-templates", "--json"]) == 0
    listed = {t["name"]: t for t in json.loads(capsys.readouterr().out)}
    assert listed["Zebra 2 × 1 in"]["dpi"] == 203
    assert listed["Avery 5160"]["label_mm"] == [66.675, 25.4]
    assert listed["Avery L7651"]["columns"] == 5 and listed["Avery L7651"]["rows"] == 13


def test_the_labels_command_starts_without_qt() -> None:
    script = (
        "import sys; from ui.cli.main import build_parser; build_parser(); "
        "import ui.cli.commands.labels; assert 'PySide6' not in sys.modules, 'PySide6 imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_calibration_page_from_the_command_line(world: World, tmp_path: Path) -> None:
    output = tmp_path / "calibration.pdf"
    assert (
        main(
            [
                "--database",
                _url(world),
                "labels",
                "--template",
                "Avery 5160",
                "--calibration",
                "-o",
                str(output),
            ]
        )
        == 0
    )
    assert _pages(output) == 1


def test_templates_of_your_own_from_a_json_file(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = {
        "name": "Office tags",
        "unit": "in",
        "page_width": 8.5,
        "page_height": 11,
        "label_width": 2,
        "label_height": 1,
        "columns": 4,
        "rows": 10,
        "left": 0.25,
        "top": 0.5,
        "pitch_x": 2,
        "pitch_y": 1,
        "dpi": 600,
    }
    source = tmp_path / "office.json"
    source.write_text(json.dumps(definition), encoding="utf-8")
    url = _url(world)
    assert main(["--database", url, "labels", "--save-template", str(source)]) == 0
    assert "saved label template 'Office tags': 40 labels" in capsys.readouterr().out
    output = tmp_path / "office.pdf"
    assert (
        main(["--database", url, "labels", "--template", "office tags", "--all", "-o", str(output)])
        == 0
    )
    assert _pages(output) == 1
    source.write_text(json.dumps({**definition, "columns": 5}), encoding="utf-8")
    assert main(["--database", url, "labels", "--save-template", str(source)]) == 2
    assert (
        "label template 'Office tags': columns: the labels reach 10.25 in"
        in capsys.readouterr().err
    )
    source.write_text("{not json", encoding="utf-8")
    assert main(["--database", url, "labels", "--save-template", str(source)]) == 2
    assert "office.json is not a JSON template definition" in capsys.readouterr().err
    assert main(["--database", url, "labels", "--delete-template", "Office Tags"]) == 0
    assert main(["--database", url, "labels", "--list-templates", "--json"]) == 0
    assert "Office tags" not in capsys.readouterr().out


def test_logo_from_the_command_line(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logo = tmp_path / "logo.png"
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(0)
    assert image.save(str(logo))
    output = tmp_path / "logo.pdf"
    url = _url(world)
    args = ["--database", url, "labels", "--template", "Avery L7163", "--tags", "LAP-000001"]
    assert main([*args, "--organisation", "Example", "--logo", str(logo), "-o", str(output)]) == 0
    assert b"/Subtype /Image" in output.read_bytes()
    (tmp_path / "broken.png").write_bytes(b"not an image")
    assert (
        main([*args, "--logo", str(tmp_path / "broken.png"), "-o", str(output), "--overwrite"]) == 2
    )
    assert "broken.png is not an image" in capsys.readouterr().err


def test_a_pdf_in_a_folder_that_is_not_there_is_named(world: World, tmp_path: Path) -> None:
    """`-o` into a missing folder printed Qt's "QPainter::begin(): Returned false" and
    "the PDF or printer could not be opened for painting", naming no file (newuser6)."""
    output = tmp_path / "no such folder" / "labels.pdf"
    labels = ("labels", "--template", "Avery L7651", "--tags", "LAP-000001", "-o", str(output))
    done = run_cli(*labels, database=_url(world), timeout=120)
    assert done.returncode == 2
    assert done.stderr == f"assetdesk: cannot write {output}: No such file or directory\n"
    assert not output.parent.exists()
