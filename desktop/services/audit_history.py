"""Where assets were when an audit started, read back from their history.

The audit's expected list (``audit_expected``) holds the assets in its scope with their
location at the start. An asset found during the audit that was not in that list — it
stood outside the scope — was expected where it stood then; moves recorded since (among
them the audit's own "Record moves") must not rewrite that. History is append-only and
every location change is a procedure with the value before and after, so the location
at a moment is the "before" of the first completed change after it, or else the current
location.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.lifecycle import ProcedureState
from desktop.storage.models import Asset, Procedure

_CHUNK = 500


def locations_at(
    session: Session, asset_ids: Collection[uuid.UUID], moment: dt.datetime
) -> dict[uuid.UUID, uuid.UUID | None]:
    """The location of each asset at ``moment`` (None: it had none, or did not exist)."""
    ids = list(dict.fromkeys(asset_ids))
    found: dict[uuid.UUID, uuid.UUID | None] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.execute(select(Asset.id, Asset.location_id).where(Asset.id.in_(chunk))):
            found[row.id] = row.location_id
        later = session.execute(
            select(Procedure.asset_id, Procedure.changes, Procedure.kind)
            .where(
                Procedure.asset_id.in_(chunk),
                Procedure.state == ProcedureState.COMPLETED.value,
                Procedure.completed_at > moment,
            )
            .order_by(Procedure.completed_at.desc(), Procedure.performed_at.desc())
        )
        # Newest first: each earlier change's "before" replaces what a later one said.
        for asset_id, changes, kind in later:
            for change in changes or ():
                if change.get("field") == "location":
                    before = change.get("before")
                    found[asset_id] = uuid.UUID(str(before)) if before else None
            if kind == "receive":
                found[asset_id] = None  # received after the moment: it was nowhere yet
    return found
