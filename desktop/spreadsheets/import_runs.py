"""Which files were imported before: the same file imported twice makes duplicates.

A row with an asset tag (or a serial number, or the export's Key) finds its asset the
second time and changes nothing; a row with none of them — a home-made register often
has no tags, the import makes them — becomes a new asset again. So every import that
writes is recorded (:class:`~desktop.storage.models.ImportRun`: the file's name and
sheet, the SHA-256 of its bytes, when, by whom, what it made), and the dry run of a file
with the same bytes says when it was imported and how many assets it would now make a
second time. The command line then imports it only with ``--again``; the wizard asks.

A file saved again by an office program has other bytes (a workbook's zip stamps the
time): it is not recognised. Its tagless rows are then the person's to judge, as in any
import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.local_time import local_minute
from desktop.storage.models import ImportRun
from desktop.storage.types import utcnow
from desktop.wording import plural


@dataclass(frozen=True)
class EarlierImport:
    """The newest earlier import of the same bytes."""

    file_name: str
    imported_at_text: str
    imported_by: str
    created: int
    updated: int


def file_sha256(path: Path) -> str:
    """The SHA-256 of ``path``'s bytes ("" when it cannot be read again)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def earlier_import(session: Session, sha256: str) -> EarlierImport | None:
    if not sha256:
        return None
    run = session.execute(
        select(ImportRun)
        .where(ImportRun.file_sha256 == sha256)
        .order_by(ImportRun.imported_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if run is None:
        return None
    return EarlierImport(
        run.file_name, local_minute(run.imported_at), run.imported_by, run.created, run.updated
    )


#: What a row finds its asset by, for each ``--match``.
MATCHED_BY = {"tag": "asset tag", "serial": "serial number", "key": "Key"}


def again_note(earlier: EarlierImport, creates: int, match: str) -> str:
    """What the dry run says of a file imported before (``match``: a MatchKey value)."""
    made = f"{plural(earlier.created, 'new asset')}, {earlier.updated:,} changed"
    said = (
        f"This file was imported before: on {earlier.imported_at_text} by "
        f"{earlier.imported_by} ({made})."
    )
    if creates:
        said += (
            f" Importing it again makes {plural(creates, 'new asset')} a second time: its rows "
            f"that find no asset by their {MATCHED_BY.get(match, match)}."
        )
    return said


def again_refusal(file_name: str, earlier: EarlierImport, creates: int, match: str) -> str:
    """The command line's refusal of a second import that would make new assets."""
    return (
        f"nothing was imported: {file_name} was imported already on "
        f"{earlier.imported_at_text} by {earlier.imported_by}, and importing it again makes "
        f"{plural(creates, 'new asset')} a second time (the rows that find no asset by their "
        f"{MATCHED_BY.get(match, match)}). Give those rows the tags the first import made, "
        "import only the new rows, or use --again to import it again anyway"
    )


def record_import(
    session: Session,
    *,
    file_name: str,
    sheet: str,
    sha256: str,
    imported_by: str,
    created: int,
    updated: int,
) -> None:
    """One row for an import that wrote, in its transaction."""
    if not sha256:
        return
    session.add(
        ImportRun(
            file_name=file_name[:255],
            sheet=sheet[:255],
            file_sha256=sha256,
            imported_at=utcnow(),
            imported_by=imported_by[:100],
            created=created,
            updated=updated,
        )
    )
    session.flush()
