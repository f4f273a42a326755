"""The packaging files: the PyInstaller spec, the desktop entry, the AppStream metainfo and
the application icon in every size."""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from resources.icons import ICON_SIZES, SVG_NAME, png_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
APP_ID = "io.assetdesk.Assetdesk"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


class _Recorder:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT and keeps their arguments."""

    calls: dict[str, tuple[tuple[Any, ...], dict[str, Any]]]

    def __init__(self) -> None:
        self.calls = {}

    def __call__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] = (args, kwargs)
            return type(name, (), {"pure": [], "scripts": [], "binaries": [], "datas": []})()

        return record


@pytest.fixture(scope="module")
def spec() -> dict[str, tuple[tuple[Any, ...], dict[str, Any]]]:
    """Run the spec as PyInstaller would, with its build steps recorded instead of run."""
    recorder = _Recorder()
    namespace = {
        "SPECPATH": str(PACKAGING),
        "__name__": "__main__",
        **{name: recorder(name) for name in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    source = (PACKAGING / "assetdesk.spec").read_text(encoding="utf-8")
    exec(compile(source, "assetdesk.spec", "exec"), namespace)
    return recorder.calls


def test_spec_names_the_bundle_from_pyproject(spec: dict[str, Any]) -> None:
    _, exe = spec["EXE"]
    _, collect = spec["COLLECT"]
    assert exe["name"] == collect["name"] == PROJECT["name"] == "assetdesk"
    assert exe["exclude_binaries"] is True  # one-folder build


def test_spec_bundles_the_data_read_through_importlib_resources(spec: dict[str, Any]) -> None:
    _, analysis = spec["Analysis"]
    datas = {(Path(src).relative_to(ROOT).as_posix(), dest) for src, dest in analysis["datas"]}
    migrations = "desktop/storage/migrations"
    assert (f"{migrations}/script.py.mako", migrations) in datas
    assert (f"{migrations}/env.py", migrations) in datas
    for version in sorted((ROOT / migrations / "versions").glob("*.py")):
        assert (version.relative_to(ROOT).as_posix(), f"{migrations}/versions") in datas
    for package in ("templates", "labels", "icons"):
        folder = ROOT / "resources" / package
        shipped = [p for p in folder.iterdir() if p.suffix in (".json", ".png", ".svg")]
        assert shipped, package
        for path in shipped:
            assert (path.relative_to(ROOT).as_posix(), f"resources/{package}") in datas
    # desktop.__version__ reads the distribution's metadata: it must travel with the bundle.
    assert any(dest == f"assetdesk-{PROJECT['version']}.dist-info" for _, dest in datas)


def test_spec_names_every_dynamically_imported_module(spec: dict[str, Any]) -> None:
    _, analysis = spec["Analysis"]
    hidden = set(analysis["hiddenimports"])
    commands = {f"ui.cli.commands.{p.stem}" for p in (ROOT / "ui/cli/commands").glob("[!_]*.py")}
    assert commands <= hidden
    assert {
        "sqlalchemy.dialects.postgresql.psycopg",
        "sqlalchemy.dialects.mysql.pymysql",
        "sqlalchemy.dialects.sqlite.pysqlite",
        "psycopg_binary",
        "alembic.runtime.migration",
        "PySide6.QtPrintSupport",
    } <= hidden
    assert not any(".migrations.versions" in name for name in hidden)


def test_build_scripts_are_valid_bash() -> None:
    for script in ("build.sh", "smoke-test.sh"):
        subprocess.run(["bash", "-n", str(PACKAGING / script)], check=True)
    build = (PACKAGING / "build.sh").read_text(encoding="utf-8")
    assert "uv run pyinstaller" in build
    assert "packaging/assetdesk.spec" in build


def test_desktop_entry() -> None:
    path = PACKAGING / f"{APP_ID}.desktop"
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == "Assetdesk"
    assert section["Exec"].split()[0] in PROJECT["scripts"]
    assert section["Icon"] == APP_ID
    assert section["Terminal"] == "false"
    assert section["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0 and result.stdout == "", result.stdout


def test_metainfo() -> None:
    path = PACKAGING / f"{APP_ID}.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == PROJECT["license"]
    assert root.findtext("name") == "Assetdesk"
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.find("description/p") is not None
    releases = root.findall("releases/release")
    assert releases[0].get("version") == PROJECT["version"], "add a <release> for this version"
    screenshots = root.findall("screenshots/screenshot")
    assert screenshots and screenshots[0].get("type") == "default"
    images = [s.findtext("image") or "" for s in screenshots]
    assert all(image.startswith("https://") for image in images)
    shots = (
        PACKAGING / "screenshots"
    )  # made by `python -m ui.gui.screenshots packaging/screenshots`
    if shots.is_dir():
        missing = [i for i in images if not (shots / i.rsplit("/", 1)[-1]).is_file()]
        assert missing == [], f"metainfo names screenshots that {shots} does not have"
    if shutil.which("appstreamcli"):
        result = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icon_in_every_size() -> None:
    icons = resources.files("resources.icons")
    svg = ET.fromstring(icons.joinpath(SVG_NAME).read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 256 256"
    for size in ICON_SIZES:
        data = icons.joinpath(png_name(size)).read_bytes()
        assert _png_size(data) == (size, size), png_name(size)
        assert data[25] == 6, f"{png_name(size)} must have an alpha channel (RGBA)"


def test_windows_and_macos_icons() -> None:
    ico = (PACKAGING / "assetdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for n in range(count):
        side, _, _, _, _, bits, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * n : 22 + 16 * n]
        )
        size = side or 256
        assert bits == 32
        assert _png_size(ico[offset : offset + length]) == (size, size)
        sizes.append(size)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]

    icns = (PACKAGING / "assetdesk.icns").read_bytes()
    assert icns[:4] == b"icns"
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    entries, position = {}, 8
    while position < len(icns):
        kind_, length = (
            icns[position : position + 4],
            struct.unpack(">I", icns[position + 4 : position + 8])[0],
        )
        entries[kind_] = _png_size(icns[position + 8 : position + length])[0]
        position += length
    assert entries == {
        b"icp4": 16,
        b"ic11": 32,
        b"icp5": 32,
        b"ic12": 64,
        b"ic07": 128,
        b"ic13": 256,
        b"ic08": 256,
        b"ic14": 512,
        b"ic09": 512,
        b"ic10": 1024,
    }


def test_pngs_are_rendered_from_the_current_svg(qapp: Any) -> None:
    """Whoever edits the SVG runs packaging/render_icons.py: the PNGs match a fresh render."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    module_spec = importlib.util.spec_from_file_location(
        "render_icons", PACKAGING / "render_icons.py"
    )
    assert module_spec is not None and module_spec.loader is not None
    render_icons = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(render_icons)
    icons = resources.files("resources.icons")
    renderer = QSvgRenderer(QByteArray(icons.joinpath(SVG_NAME).read_bytes()))
    for size in (16, 64):
        fresh = render_icons.render(renderer, size)
        shipped = QImage()
        assert shipped.loadFromData(icons.joinpath(png_name(size)).read_bytes())
        shipped = shipped.convertToFormat(fresh.format())
        differing = sum(
            1
            for y in range(size)
            for x in range(size)
            if abs(fresh.pixel(x, y) - shipped.pixel(x, y)) > 0
            and _channel_gap(fresh.pixel(x, y), shipped.pixel(x, y)) > 8
        )
        assert differing <= size * size // 100, f"{png_name(size)}: {differing} pixels differ"


def _channel_gap(a: int, b: int) -> int:
    return max(abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)) for shift in (0, 8, 16, 24))
