"""The server's conflict queue and how a person settles an entry."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from desktop.kits.model import Choice, Conflict, Resolution
from desktop.storage.database import Database


def conflicts(db: Database, *, include_resolved: bool = False) -> list[Conflict]:
    """The conflict queue of the server ``db``, oldest first."""
    raise NotImplementedError


def get_conflict(db: Database, reference: uuid.UUID | str | int) -> Conflict:
    """One conflict by id or number (NotFoundError naming it otherwise)."""
    raise NotImplementedError


def resolve(
    db: Database,
    conflict: uuid.UUID | str | int,
    choice: Choice,
    by_user: str,
    *,
    edits: Mapping[str, object] | None = None,
    note: str = "",
) -> Resolution:
    """Settle one open conflict, recording who chose what and when.

    TAKE_SERVER records the decision only. REAPPLY_KIT records the kit's values as a new
    procedure (performed by ``by_user``, origin field kit) on the asset as it is now;
    EDIT records ``edits`` (field key → value) the same way. A resolved conflict
    raises KitError.
    """
    raise NotImplementedError
