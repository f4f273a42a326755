"""What the commit finds changed since the dry run, named by the file's row.

The commit writes the dry run's plan as it is: the rows are not planned again. What the
plan looked up in the register may have changed meanwhile (another client, another
process): each such change either still holds for the plan or refuses the whole import,
naming the row, and the dry run is run again.

- An asset the file updates that changed meanwhile: its version (the commit's
  ``_lock_updated``, a conflict naming the asset and the row).
- A tag the file gives (a new asset's, or an asset's new tag) that another asset took
  meanwhile: the register's unique tag key refuses the write; :func:`taken_tag_message`
  then names the row and the tag. Nothing is looked up on the way there.
- Matching by serial number, a row the dry run found no asset for (a new asset) whose
  serial number an asset added meanwhile holds: the row would now update that asset.
  :func:`refuse_new_serial_matches` looks the new rows' serial numbers up again inside
  the commit's transaction (only when matching by serial number).
- Reference data the plan found or would create: looked up again by the commit itself
  (see :mod:`desktop.spreadsheets.create_references`, ``References.check``).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from desktop.domain.tags import normalize_tag
from desktop.errors import DesktopError
from desktop.spreadsheets.model import ImportPlan, MatchKey, RowAction, RowPlan
from desktop.spreadsheets.register_lookup import RegisterLookup
from desktop.storage.database import Database


class PlanOutdatedError(DesktopError):
    """The register changed since the dry run so that its plan no longer holds: nothing
    was written; a dry run made again shows the register as it is now."""


#: What every refusal of a changed register ends with.
AGAIN = "Nothing was imported: run the import again (its dry run shows the register as it is now)"


def taken_tag_message(db: Database, plan: ImportPlan) -> str | None:
    """After the register refused a tag the commit wrote: the first row (in file order)
    whose tag another asset holds now, in words; None when no row's is (another key)."""
    given = list(_given_tags(plan))
    if not given:
        return None
    with db.read() as session:
        owners = RegisterLookup(session).tags_in_use(tag for _, tag in given)
    for row, tag in given:
        owner = owners.get(normalize_tag(tag))
        if owner is not None and owner != row.asset_id:
            return (
                f"{plan.where}: the database changed since the dry run: row {row.row}'s tag "
                f"'{tag}' is now used by another asset (added or changed since). {AGAIN}"
            )
    return None


def refuse_new_serial_matches(session: Session, plan: ImportPlan) -> None:
    """Matching by serial number: refuse the import when an asset holding a new row's
    serial number was added since the dry run (the row would now update it)."""
    if plan.options.match is not MatchKey.SERIAL:
        return
    creates = [
        (row, serial)
        for row in plan.rows
        if row.action is RowAction.CREATE and (serial := row.values.get("serial_number"))
    ]
    if not creates:
        return
    found = RegisterLookup(session).existing_assets(
        MatchKey.SERIAL, (serial for _, serial in creates)
    )
    for row, serial in creates:
        asset = found.get(str(serial))
        if asset is not None:
            raise PlanOutdatedError(
                f"{plan.where}: the database changed since the dry run: asset {asset['tag']} "
                f"with row {row.row}'s serial number '{serial}' was added since, so the row "
                f"would now update it instead of adding an asset. {AGAIN}"
            )


def _given_tags(plan: ImportPlan) -> Iterator[tuple[RowPlan, str]]:
    """The rows that write a tag from the file, with it (generated tags are the commit's:
    it skips every number in use)."""
    for row in plan.rows:
        if row.action in (RowAction.CREATE, RowAction.UPDATE):
            tag = row.values.get("tag")
            if isinstance(tag, str) and tag:
                yield row, tag
