"""Whether a spreadsheet is open in Excel or LibreOffice while it is imported.

Finance edits the exported register, switches to Assetdesk and imports it — with the last
edits still unsaved in the office program. Both programs leave an owner file beside the
document while it is open: LibreOffice ``.~lock.<name>#`` ("Full Name,host,user,date,…"),
Excel ``~$<name>`` (the user's name after a length byte; for long names Excel drops the
name's first two characters). Nothing on Linux or macOS stops us reading the file, so
the dry run says whose program has it open: what is not saved there is not imported.
"""

from __future__ import annotations

from pathlib import Path

#: The most read of an owner file (they are a few hundred bytes).
_MAX_OWNER_FILE = 4096


def open_elsewhere_note(path: Path) -> str:
    """The dry run's note when an office program has ``path`` open ("" when none does)."""
    for owner_file, program, reader in (
        (path.with_name(f".~lock.{path.name}#"), "LibreOffice", _libreoffice_owner),
        (path.with_name(f"~${path.name}"), "Excel", _excel_owner),
        (path.with_name(f"~${path.name[2:]}"), "Excel", _excel_owner),
    ):
        if owner_file.name == path.name or not owner_file.is_file():
            continue
        try:
            with owner_file.open("rb") as handle:
                data = handle.read(_MAX_OWNER_FILE)
        except OSError:
            data = b""
        who = reader(data)
        return (
            f"{path.name} is open in {program}{f' ({who})' if who else ''}: changes not "
            f"saved there are not in this import. Save the file in {program} (or close it), "
            "then import it again"
        )
    return ""


def _libreoffice_owner(data: bytes) -> str:
    """'by Fiona Finance since 06.12.2026 11:30' from "Fiona Finance,host,fiona,06.12.2026
    11:30,file:///…;" (empty when it cannot be read)."""
    fields = data.decode("utf-8", errors="replace").split(",")
    name = fields[0].strip() if fields else ""
    when = fields[3].strip() if len(fields) > 3 else ""
    said = f"by {name}" if name else ""
    if when:
        said += f"{' ' if said else ''}since {when}"
    return said


def _excel_owner(data: bytes) -> str:
    """'by Fiona Finance' from the length byte and name Excel writes first."""
    if not data:
        return ""
    name = data[1 : 1 + data[0]].decode("cp1252", errors="replace").strip()
    return f"by {name}" if name.isprintable() and name else ""
