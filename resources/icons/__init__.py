"""The application icon: ``assetdesk.svg`` and PNG renderings of it (``assetdesk-SIZE.png``).

Read them with ``importlib.resources.files("resources.icons")``; the PNGs are rendered from
the SVG by ``packaging/render_icons.py``.
"""

#: Every PNG size shipped, in pixels (square).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SVG_NAME = "assetdesk.svg"


def png_name(size: int) -> str:
    """The file name of the ``size`` × ``size`` PNG."""
    return f"assetdesk-{size}.png"
