"""Generated asset tags: unique under concurrent clients."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.tags import format_tag, normalize_tag
from desktop.storage.models import Asset, TagSequence


def tag_in_use(session: Session, tag: str) -> bool:
    return (
        session.execute(select(Asset.id).where(Asset.tag_key == normalize_tag(tag))).first()
        is not None
    )


def allocate_tag(session: Session, prefix: str) -> str:
    """The next free tag for ``prefix`` (``LAP-000124``).

    The sequence row is locked (``SELECT … FOR UPDATE``; SQLite serialises writers with
    ``BEGIN IMMEDIATE``) until the transaction ends, so two clients never get the same
    number; numbers already taken by imported tags are skipped.
    """
    sequence = session.execute(
        select(TagSequence)
        .where(TagSequence.prefix == prefix)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if sequence is None:
        sequence = TagSequence(prefix=prefix, next_value=1)
        session.add(sequence)
    while True:
        number = sequence.next_value
        sequence.next_value = number + 1
        tag = format_tag(prefix, number)
        if not tag_in_use(session, tag):
            session.flush()
            return tag
