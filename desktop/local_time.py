"""Times as a person reads them on this computer, with the zone said.

The audit report's summary names the zone its times are written in ("CET (UTC+01:00)");
the command line printed "2026-12-06 14:48" with no zone (``asset show``, ``kit status``,
``kit conflicts``), which a colleague in another office, or a log read later, cannot
place. Light to import: the command line's modules use it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable


def local_zones(times: Iterable[dt.datetime | None]) -> str:
    """The local time zone the times are written in, as people read it: "CET
    (UTC+01:00)", both of a change to or from summer time ("CET (UTC+01:00) and CEST
    (UTC+02:00)")."""
    zones: list[str] = []
    for value in times:
        if value is None:
            continue
        local = value.astimezone()
        offset = local.utcoffset() or dt.timedelta()
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "−"
        hours, rest = divmod(abs(minutes), 60)
        name = local.tzname() or ""
        numeric = f"UTC{sign}{hours:02d}:{rest:02d}"
        zone = numeric if not name or name.startswith(("UTC", "+", "-")) else f"{name} ({numeric})"
        if zone not in zones:
            zones.append(zone)
    return " and ".join(zones)


def local_minute(moment: dt.datetime) -> str:
    """``moment`` in local time to the minute, with its zone: "2026-12-06 15:48 CET
    (UTC+01:00)"."""
    return f"{moment.astimezone().strftime('%Y-%m-%d %H:%M')} {local_zones([moment])}"


#: A time stored in a change's text ("2026-12-06T18:12+00:00": values.display_text).
_STORED_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)")


def shown_text(text: str) -> str:
    """A change's before or after text as a person reads it: a stored time (an audit's
    "Last audited", kept in UTC) in local time with its zone, any other text as it is."""
    if not _STORED_TIME.fullmatch(text):
        return text
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return local_minute(moment)
