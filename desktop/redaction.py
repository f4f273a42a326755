"""Masking passwords wherever text leaves the program: messages, logs, crash reports.

Two nets. Patterns catch a password where its shape gives it away (``scheme://user:PW@``,
``password=PW``, ``?sslpassword=PW``). And every database password the program has
handled in this run — from a URL, the keyring or the settings dialog — is remembered
(in memory only) and masked wherever it turns up, whatever the words around it: a driver
that quotes it, a traceback that prints it. Standard library only: :mod:`desktop.errors`
uses it for every message a user sees.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
#: Shorter passwords are masked only where their shape shows them (masking every "ab" in a
#: text would garble it and tell where the password was anyway).
MIN_REMEMBERED_LENGTH = 6

# scheme://user:PASSWORD@host → scheme://user:***@host (a password may hold "/": the URL
# parser takes everything up to the "@").
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][\w+.-]*://[^\s:/@]*:)(?P<password>[^\s@]+)(?=@)")
# password=..., PWD=..., sslpassword=... as found in DSNs, URL queries and driver messages.
_KEY_PASSWORD = re.compile(
    r"(?i)(?P<head>(?:\b|ssl)(?:password|passwd|pwd)\s*=\s*)(?P<password>[^\s;&,]+)"
)

_remembered: set[str] = set()
_lock = threading.Lock()


def remember_secret(secret: str | None, *, shown_in: str = "") -> None:
    """Mask ``secret`` from now on in everything :func:`redact_secrets` sees.

    Args:
        secret: the password.
        shown_in: where it was found, without it (the URL): a password that is also the
            user, host or database name there hides nothing and is not masked, or every
            mention of that name would read ``***``.
    """
    if not secret or len(secret) < MIN_REMEMBERED_LENGTH or secret in shown_in:
        return
    with _lock:
        _remembered.update({secret, quote(secret, safe=""), quote_plus(secret, safe="")})


def forget_secrets() -> None:
    """Forget every remembered secret (for tests)."""
    with _lock:
        _remembered.clear()


def redact_secrets(text: str) -> str:
    """``text`` with every password found in it masked as ``***``."""
    with _lock:
        known = sorted(_remembered, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(rf"\g<head>{MASK}", text)
    return _KEY_PASSWORD.sub(rf"\g<head>{MASK}", text)
