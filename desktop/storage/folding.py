"""How the search box compares text: accents and case ignored ("zurich" finds "Zürich").

:func:`fold` is the one definition, in Python. Where each backend applies it:

* **SQLite**: this function, registered on every connection as the SQL function
  ``asset_search_fold`` (:func:`register_sqlite_functions`); the search index's triggers store
  each field folded (migration 0017) and the search folds the typed text with the same
  function before matching.
* **PostgreSQL**: the SQL function ``asset_search_fold`` of migration 0017, the same steps in
  SQL (``normalize(…, NFD)``, the combining marks removed, ``lower``); the search folds
  the typed text with it too, on the server, so that both sides are folded by one
  function.
* **MariaDB**: its collation (``utf8mb4_unicode_ci``, as the README creates the
  database) already compares "ü" equal to "u" and "U", in ``LIKE`` and in the trigram
  table's key alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

#: The SQL name of :func:`fold` (SQLite: registered here; PostgreSQL: migration 0017).
SQL_FUNCTION = "asset_search_fold"

# The Combining Diacritical Marks block: the accents NFD splits off Latin, Greek and
# Cyrillic letters (ü → u + U+0308, ã → a + U+0303, ç → c + U+0327).
_MARKS = re.compile("[\u0300-\u036f]+")


def fold(text: str) -> str:
    """``text`` as the search compares it: decomposed (NFD), its combining diacritical
    marks (U+0300–U+036F) dropped, in lower case. Letters that are not a base letter
    with a mark (ß, ø, æ, ł) stay as they are."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFD", text)).lower()


def _sql_fold(text: str | None) -> str | None:
    return None if text is None else fold(text)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Make ``asset_search_fold`` known to a sqlite3 connection (its search index needs it).

    The search index's triggers call it, so every connection that writes assets or the
    names they show must have it. ``trusted_schema`` is set so that triggers and views
    may call an application function whatever the SQLite build's default.
    """
    dbapi_connection.create_function(SQL_FUNCTION, 1, _sql_fold, deterministic=True)
    dbapi_connection.execute("PRAGMA trusted_schema = ON")


def matching_choice(value: object, choices: Sequence[str]) -> str | None:
    """The one of ``choices`` that ``value`` names, accents and case ignored as in every
    pick list ("upgrade" is "Upgrade"; ``--answer change_type=upgrade`` was refused with
    "'upgrade' is not one of … Upgrade …"); None when it names none, or several."""
    text = str(value).strip()
    if text in choices:
        return text
    folded = fold(text)
    found = [choice for choice in choices if fold(choice) == folded]
    return found[0] if len(found) == 1 else None
