"""``assetdesk --help`` without argparse: the same text argparse prints, laid out here from
the static command table, because importing argparse (with ``re``, ``gettext`` and
``locale``) alone costs about as much as starting Python (issue 17: ``--help`` within 3x
``python -c pass``). A test compares this text with argparse's for several widths; for
a terminal too narrow for the one-line usage it returns None and argparse answers.
"""

from __future__ import annotations

import os
import sys

DESCRIPTION = "Track IT assets through their whole life. With no command, opens the window."
USAGE = "usage: assetdesk [-h] [--version] [--database URL] [--debug] COMMAND ..."
#: The options as argparse lists them: invocation, help.
OPTIONS: tuple[tuple[str, str], ...] = (
    ("-h, --help", "show this help message and exit"),
    ("--version", "show the version and exit"),
    (
        "--database URL",
        "database URL or SQLite file path (default: ASSETDESK_DATABASE, the saved setting, "
        "then the local file in your data folder)",
    ),
    ("--debug", "log SQL statements with their timing"),
)


def terminal_width() -> int:
    """As argparse measures it (shutil.get_terminal_size, less two)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def help_text(commands: tuple[tuple[str, str, str], ...], width: int) -> str | None:
    """The top-level help for ``commands`` (name, module, help) at ``width``, or None."""
    if len(USAGE) > width or width < 60:
        return None
    rows = [(name, text) for name, _, text in commands]
    longest = max(
        [2 + len(invocation) for invocation, _ in OPTIONS] + [4 + len(name) for name, _ in rows]
    )
    position = min(longest + 2, 24)
    text_width = max(width - position, 11)

    def entry(invocation: str, indent: int, help_: str) -> list[str]:
        head = " " * indent + invocation
        wrapped = _wrap(help_, text_width)
        if len(head) <= position - 2:
            first = head.ljust(position) + wrapped[0]
        else:
            return [head, *(" " * position + w for w in wrapped)]
        return [first, *(" " * position + w for w in wrapped[1:])]

    out = [USAGE, "", *_wrap(DESCRIPTION, width), "", "positional arguments:", "  COMMAND"]
    for name, help_ in rows:
        out += entry(name, 4, help_)
    out += ["", "options:"]
    for invocation, help_ in OPTIONS:
        out += entry(invocation, 2, help_)
    return "\n".join(out) + "\n"
