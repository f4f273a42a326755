"""Counted words for messages: ``1 asset``, ``2 assets`` (a new user read "1 assets")."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, singular for exactly 1: ``plural(1, "row")`` → ``"1 row"``.

    An irregular plural follows a bar: ``plural(2, "entry|entries")`` → ``"2 entries"``.
    """
    one, _, many = word.partition("|")
    return f"{n} {one if n == 1 else (many or one + 's')}"
