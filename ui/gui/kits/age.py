"""How long ago something happened, in the words a banner uses ("3 hours ago")."""

from __future__ import annotations

import datetime as dt


def age_text(since: dt.datetime, now: dt.datetime | None = None) -> str:
    """``since`` (timezone-aware) as "just now", "12 minutes ago", "3 hours ago",
    "2 days ago"; a moment in the future (a clock set wrong) reads "just now"."""
    now = now or dt.datetime.now(dt.UTC)
    seconds = (now - since).total_seconds()
    if seconds < 60:
        return "just now"
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"  # pragma: no cover - the loop always answers past a minute


def local_time_text(moment: dt.datetime) -> str:
    """A UTC moment in local time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
