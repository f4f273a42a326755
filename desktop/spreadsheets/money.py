"""Amounts written with their currency: "€1.299,00", "$1,299.00", "1 299,00 kr", "GBP 450".

The register keeps a purchase cost as an amount without a currency, and converts nothing.
An import reads the amount of a cell whose currency is written beside it (the sign or
code is not part of the number) and says which currency the file's prices are in, and
when it mixes several (:func:`currency_note`): "€1.299,00" and "$1,299.00" in one file
are two amounts the register would otherwise add up as if they were one currency.

The decimal mark is the cell's own when it shows it ("1.299,00": two marks, the last is
the decimal one; "12,5": a mark not followed by three digits). A single mark followed by
exactly three digits ("1.299", "1,299") is a thousands separator, as every currency with
cents writes it — except the currencies counted in thousandths (the Kuwaiti dinar and
its neighbours), whose "KWD 1.250" is one dinar and a quarter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

#: A sign or word as written → the currency it names (its ISO 4217 code; "kr" names one
#: of several crowns, and stays "kr"). Compared case-insensitively; codes are added below.
_SIGNS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "us$": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
    "r$": "BRL",
    "mx$": "MXN",
    "¥": "JPY",
    "円": "JPY",
    "元": "CNY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₴": "UAH",
    "kr": "kr",
    "kr.": "kr",
    ":-": "kr",
    "zł": "PLN",
    "zl": "PLN",
    "kč": "CZK",
    "ft": "HUF",
    "fr.": "CHF",
    "fr": "CHF",
    "sfr.": "CHF",
    "lei": "RON",
    "лв": "BGN",
    "лв.": "BGN",
}
_CODES = [
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CNY",
    "SEK",
    "NOK",
    "DKK",
    "ISK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "CAD",
    "AUD",
    "NZD",
    "HKD",
    "SGD",
    "INR",
    "KRW",
    "RUB",
    "TRY",
    "ILS",
    "UAH",
    "BRL",
    "MXN",
    "ZAR",
    "AED",
    "SAR",
    "QAR",
    "KWD",
    "BHD",
    "OMR",
    "JOD",
    "TND",
]
for _code in _CODES:
    _SIGNS[_code.casefold()] = _code
#: Currencies counted in thousandths: "1.250" is one and a quarter, not 1250.
THOUSANDTHS = frozenset({"KWD", "BHD", "OMR", "JOD", "TND"})

#: The number part: digits with their marks and spaces (thin, no-break) and a sign (a
#: trailing ",-" is "no cents"); what is left around it must name a currency.
_NUMBER = re.compile(r"[-+−]?\d[\d.,'’\s\u00a0\u202f]*")
_NO_CENTS = re.compile(r"^[-–—]{1,2}")
_SPACES = re.compile(r"[\s\u00a0\u202f'’]")


def read_amount(value: object, decimal_mark: str | None = None) -> tuple[Decimal, str | None]:
    """The amount ``value`` writes, and the currency written beside it (None for none).

    ``decimal_mark``: the mark the cell's column writes its decimals with, when its other
    values show it (:mod:`desktop.spreadsheets.decimal_marks`): a single such mark before
    three digits is then the decimal one ("1.500" in a column of "2.75" is 1.5).

    Raises:
        ValueError: not an amount ("ten euros", "12 apples": words that name no currency).
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise ValueError(f"'{value}' is not an amount")
        return amount, None
    text = str(value).strip()
    found = _NUMBER.search(text)
    if found is None:
        raise ValueError(f"'{value}' is not an amount")
    before, after = text[: found.start()].strip(), text[found.end() :].strip()
    if found.group().rstrip().endswith((",", ".")):  # "1.299,-": no cents
        after = _NO_CENTS.sub("", after).strip()
    currency = _currency(before, after)
    if currency is False:
        raise ValueError(f"'{value}' is not an amount")
    number = found.group().replace("−", "-")
    amount = _number(number, currency if isinstance(currency, str) else None, value, decimal_mark)
    return amount, currency if isinstance(currency, str) else None


def marks_written(value: object) -> tuple[str | None, str | None]:
    """What a text cell says of its column's decimal mark: (the mark it shows as its
    decimal one, else None; the single mark it holds before exactly three digits, which
    the column decides, else None). ("1.234,50" → (",", None); "2.75" → (".", None);
    "10.000" → (None, "."); a number cell, a currency counted in thousandths, or not an
    amount → (None, None).)"""
    if not isinstance(value, str) or ("." not in value and "," not in value):
        return None, None
    found = _NUMBER.search(value)
    if found is None:
        return None, None
    currency = _currency(value[: found.start()].strip(), value[found.end() :].strip())
    if currency is False or currency in THOUSANDTHS:
        return None, None
    text = _SPACES.sub("", found.group())
    if text.endswith((",", ".")):  # "1.299,-": the mark before "no cents" is the decimal one
        return text[-1], None
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        return ("," if text.rfind(",") > text.rfind(".") else "."), None
    if commas + dots == 0:
        return None, None
    mark = "," if commas else "."
    if commas + dots > 1:  # "1.234.567": thousands, so the other mark is the decimal one
        return ("." if mark == "," else ","), None
    whole, _, fraction = text.rpartition(mark)
    if len(fraction) == 3 and whole.lstrip("+-−") not in ("", "0"):
        return None, mark
    return mark, None


def _currency(before: str, after: str) -> str | bool | None:
    """The currency the words around the number name; None for none, False for words
    that are not a currency."""
    if before and after:
        return False
    word = (before or after).casefold()
    if not word:
        return None
    if word.startswith("-") and before:  # "-€ 12" is "€ -12"
        return False
    return _SIGNS.get(word, False)


def _number(text: str, currency: str | None, value: object, decimal_mark: str | None) -> Decimal:
    text = _SPACES.sub("", text)
    if text.endswith((",", ".")):  # "1.299,-" had its dash taken
        text = text[:-1]
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif commas or dots:
        mark = "," if commas else "."
        whole, _, fraction = text.rpartition(mark)
        # Counted in thousandths, the column's decimal mark, or "0.125" (no thousands
        # group starts with 0): a decimal mark before three digits.
        decimal = (
            (currency in THOUSANDTHS and mark == ".")
            or mark == decimal_mark
            or whole.lstrip("+-") in ("", "0")
        )
        if text.count(mark) > 1 or (len(fraction) == 3 and not decimal):
            text = text.replace(mark, "")
        else:
            text = f"{whole}.{fraction}"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"'{value}' is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"'{value}' is not an amount")
    return amount


def currency_note(header: str, cells: Iterable[tuple[int, object, object]]) -> str:
    """What the dry run says of the currencies the ``header`` column's cells are written
    in ("" when none is written); ``cells``: (row number, amount cell, the row's cell of
    a "Currency" column beside it or None). The register keeps amounts without a
    currency and converts nothing, so the user is told the file's currency, and told
    loudly when the file mixes several, or writes one for some rows and none for others.
    """
    rows: dict[str | None, list[int]] = {}
    read: dict[str, str | bool | None] = {}  # a column repeats its texts: each read once
    for row, value, beside in cells:
        if value is None:
            continue
        if isinstance(value, str):
            if value not in read:
                read[value] = _written_currency(value)
            found = read[value]
            if found is False:
                continue  # blank, or refused by the row itself
            currency = found if isinstance(found, str) else None
        else:
            currency = None  # a number cell: no currency written
        if currency is None and isinstance(beside, str) and beside.strip():
            currency = _SIGNS.get(beside.strip().casefold(), beside.strip().upper())
        rows.setdefault(currency, []).append(row)
    written = {c: r for c, r in rows.items() if c is not None}
    if not written:
        return ""
    bare = rows.get(None, [])
    if len(written) == 1 and not bare:
        (currency,) = written
        return (
            f"{header}: the amounts are written in {_name(currency)} and are imported as "
            "written (the register keeps a purchase cost without a currency; nothing is "
            "converted)"
        )
    parts = [f"{_name(c)} ({_rows(r)})" for c, r in written.items()]
    if bare:
        parts.append(f"no currency ({_rows(bare)})")
    head = (
        f"the amounts are written in {len(written)} different currencies"
        if len(written) > 1
        else "some amounts are written with a currency and some without"
    )
    return (
        f"{header}: {head} — {'; '.join(parts)}: each is imported as the amount written, NOT converted, so "
        "costs in different currencies would be added up as one. Convert them in the "
        "file first (or import each currency's rows separately) if that matters"
    )


def writes_a_currency(texts: Iterable[str]) -> bool:
    """Whether any of a column's distinct ``texts`` writes a currency: without one (and
    without a currency column beside it) :func:`currency_note` says nothing."""
    return any(isinstance(_written_currency(text), str) for text in texts)


def _written_currency(text: str) -> str | bool | None:
    """The currency ``text`` writes (None for none); False for a blank or no amount."""
    if not text.strip():
        return False
    try:
        return read_amount(text)[1]
    except ValueError:
        return False


def _name(currency: str) -> str:
    return "kr (crowns)" if currency == "kr" else currency


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return f"{'row' if len(rows) == 1 else 'rows'} {shown}{more}"
