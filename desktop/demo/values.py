"""Small realistic values: serial numbers, IMEIs, addresses, ticket numbers, working hours.

Every generator takes the run's ``random.Random`` so that a seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from desktop.demo.catalog import ModelSpec
from desktop.domain.fields import FIELDS_BY_KEY, REFERENCE_TYPES, plain_text
from desktop.domain.lifecycle import STATUS_LABELS

DAY = 86_400.0
YEAR = 365.25 * DAY
_ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "0123456789"
#: Every two characters of :data:`_ALNUM`, and the numbers of two, four and eight of them.
_ALNUM_PAIRS = tuple(a + b for a in _ALNUM for b in _ALNUM)
_TWO = len(_ALNUM_PAIRS)
_FOUR = _TWO**2
_EIGHT = _FOUR**2
REFERENCE_KEYS = frozenset(f.key for f in FIELDS_BY_KEY.values() if f.type in REFERENCE_TYPES)
_STATUS_TEXT = {s.value: label for s, label in STATUS_LABELS.items()}
FIRMWARE = {
    "Cisco": ("17.9.4a", "17.12.2", "17.6.5"),
    "HPE Aruba Networking": ("16.11.0012", "10.4.1.0", "16.10.0025"),
    "Juniper Networks": ("22.4R3", "21.4R3-S5"),
    "Ubiquiti": ("6.6.55", "6.5.28"),
    "Fortinet": ("7.2.8", "7.4.3"),
    "Palo Alto Networks": ("11.1.2", "10.2.9"),
}


def serial_number(rng: random.Random, model: ModelSpec) -> str:
    """The model's prefix and ``serial_length`` characters of :data:`_ALNUM`, uniform:
    eight from each draw (a number below 34 ** 8, which a float's 53 bits cover, cut
    into pairs of characters from a table) instead of one draw per character."""
    draw, length, pairs = rng.random, model.serial_length, _ALNUM_PAIRS
    text = ""
    while len(text) < length:
        high, low = divmod(int(draw() * _EIGHT), _FOUR)
        text += pairs[high // _TWO] + pairs[high % _TWO] + pairs[low // _TWO] + pairs[low % _TWO]
    return model.serial_prefix + text[:length]


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI with a valid Luhn check digit (TAC 35…): the twelve digits after
    the 35 from one draw (below 10 ** 12, which a float's 53 bits cover)."""
    body = f"35{int(rng.random() * 10**12):012d}"
    # Luhn: from the right, the 1st, 3rd … digit of the body doubled (digits summed)
    total = sum(_LUHN_DOUBLED[int(d)] for d in body[::-2]) + sum(int(d) for d in body[-2::-2])
    return body + str((10 - total % 10) % 10)


#: A digit doubled, its digits summed (Luhn).
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def ticket(rng: random.Random, kind: str) -> str:
    """A ServiceNow-style reference: INC0012345, RITM0045678, CHG0031234."""
    return f"{kind}{10_000 + int(rng.random() * 89_999):07d}"


def digits(rng: random.Random, n: int) -> str:
    """``n`` random decimal digits (one draw for up to 15 of them)."""
    if n > 15:
        return "".join(rng.choices(_DIGITS, k=n))
    return f"{int(rng.random() * 10**n):0{n}d}"


def working_time(rng: random.Random, ts: float, *, keep: bool = True) -> float:
    """``ts`` if it falls on a working day between 08:00 and 17:30 UTC (and ``keep``), else
    a random working moment of the next working day (never earlier than ``ts``)."""
    day = int(ts // DAY)
    seconds = ts - day * DAY
    if keep and (day + 3) % 7 < 5 and 8 * 3600 <= seconds <= 17.5 * 3600:
        return ts
    if seconds > 8 * 3600:
        day += 1
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    if weekday >= 5:
        day += 7 - weekday
    moment = day * DAY + 8 * 3600 + rng.random() * 9.5 * 3600
    return max(moment, ts)


def as_datetime(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def json_value(value: object) -> object:
    """As :func:`desktop.services.values.json_value`: what a change records as before/after."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def display_text(names: dict[uuid.UUID, str], key: str, value: object) -> str:
    """As :func:`desktop.services.values.display_text`, from a name map instead of queries."""
    if value is None or value == "":
        return ""
    if key in REFERENCE_KEYS:
        assert isinstance(value, uuid.UUID)
        return names[value]
    if key == "status":
        return _STATUS_TEXT[str(value)]
    return plain_text(value)


def field_change(
    names: dict[uuid.UUID, str], key: str, before: object, after: object
) -> dict[str, Any]:
    return {
        "field": key,
        "before": json_value(before),
        "after": json_value(after),
        "before_text": display_text(names, key, before),
        "after_text": display_text(names, key, after),
    }


def custom_change(name: str, before: object, after: object) -> dict[str, Any]:
    return {
        "field": f"custom.{name}",
        "before": before,
        "after": after,
        "before_text": plain_text(before),
        "after_text": plain_text(after),
    }


def money(amount: float) -> Decimal:
    return Decimal(f"{amount:.2f}")
