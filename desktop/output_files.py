"""Where a command writes a file the user named: one rule for every output.

A file is written only into a folder that exists (the folder is never made: a mistyped
path would scatter folders) and never over a folder. Each refusal is one sentence that
names the file and says what is wrong, plainly.
"""

from __future__ import annotations

from pathlib import Path

from desktop.errors import DesktopError


def check_output_file(path: Path, what: str) -> None:
    """Refuse ``path`` as the place of ``what`` ("the export", "the audit report") when
    its folder does not exist, it is a folder itself, or its name is a pattern of names
    (``*.xlsx``) (DesktopError naming both)."""
    if not path.parent.is_dir():
        raise DesktopError(f"cannot write {what} {path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise DesktopError(f"cannot write {what} to {path}: it is a folder; give a file name")
    if any(character in path.name for character in "*?"):
        # A pattern typed as a name ("*.xlsx") would make a file named so.
        raise DesktopError(
            f"cannot write {what} to {path}: '*' and '?' stand for any names; give a file name"
        )


def refuse_existing_file(path: Path, *, overwrite: bool) -> None:
    """Refuse to write over the file at ``path`` unless ``overwrite`` (``--overwrite``), as
    a save box asks first: a command run again with the same ``-o`` replaced last week's
    report or label sheet without a word. A folder is left to the writer, which names it
    in its own words. For every command that writes a file the person names (``export``,
    ``labels -o``, ``audit report -o``)."""
    path = path.expanduser()
    if path.exists() and not path.is_dir() and not overwrite:
        raise DesktopError(
            f"{path} exists already; choose another name or pass --overwrite to replace it"
        )
