"""Render the application icon's PNG sizes, the Windows .ico and the macOS .icns from the SVG.

Run after editing ``resources/icons/assetdesk.svg``::

    uv run python packaging/render_icons.py

Every size is rendered from the vector source with QtSvg's ``QSvgRenderer`` (never scaled
down from a bigger bitmap), so small sizes stay sharp. The .ico and .icns files hold
PNG-compressed images (Windows Vista and later, macOS 10.7 and later read them), packed
here so that no platform tool (ImageMagick, iconutil) is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from importlib import resources
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from resources.icons import ICON_SIZES, SVG_NAME, png_name

PACKAGING = Path(__file__).resolve().parent
ICO_PATH = PACKAGING / "assetdesk.ico"
ICNS_PATH = PACKAGING / "assetdesk.icns"
#: Sizes in the Windows .ico (Explorer, task bar and Start menu use 16–256).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: The macOS .icns entries: (type, pixels); the @2x types are the Retina renderings.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"ic11", 32),  # 16@2x
    (b"icp5", 32),
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128@2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256@2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512@2x
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size`` × ``size`` pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 6.11 wants the format as str at run time; its stubs say bytes.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise SystemExit("could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def ico_file(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file: an ICONDIR, one 16-byte entry per size, then the PNGs."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        images += data
        offset += len(data)
    return header + entries + images


def icns_file(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon file: 'icns', the total length, then (type, length, PNG) entries."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_all(icons_dir: Path) -> list[Path]:
    """Write every PNG size into ``icons_dir``, and the .ico and .icns into packaging/."""
    svg = (icons_dir / SVG_NAME).read_bytes()
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit(f"{icons_dir / SVG_NAME} is not a valid SVG")
    pngs = {size: png_bytes(render(renderer, size)) for size in {*ICON_SIZES, 1024}}
    written = []
    for size in ICON_SIZES:
        path = icons_dir / png_name(size)
        path.write_bytes(pngs[size])
        written.append(path)
    ICO_PATH.write_bytes(ico_file({size: pngs[size] for size in ICO_SIZES}))
    ICNS_PATH.write_bytes(icns_file(pngs))
    return [*written, ICO_PATH, ICNS_PATH]


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    icons_dir = Path(str(resources.files("resources.icons")))
    for path in render_all(icons_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
