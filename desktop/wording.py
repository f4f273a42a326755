"""Counted words for messages: ``1 asset``, ``2 assets`` (a new user read "1 assets"),
``2,001 assets`` — thousands separated by a comma, as the window's counts are (a new user
read "Exported 2001 assets" beside "2,001 of 2,001 assets")."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, singular for exactly 1: ``plural(1, "row")`` → ``"1 row"``.

    An irregular plural follows a bar: ``plural(2, "entry|entries")`` → ``"2 entries"``.
    Thousands are separated: ``plural(2001, "asset")`` → ``"2,001 assets"``.
    """
    one, _, many = word.partition("|")
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def with_detail(label: str, detail: str | None) -> str:
    """A choice as every list shows it: a location with its code, a person with their user
    name — ``Head office › Room A2  ·  ROOM-A2``; the label alone when there is no detail.

    One form for the whole app: the procedure form said "Room A2  ·  ROOM-A2" where the
    audit and field-kit dialogs said "Room A2  [ROOM-A2]" for the same room.
    """
    return f"{label}  ·  {detail}" if detail else label
