"""Database passwords in the operating system's keyring, never in the settings file.

The settings file keeps the server URL *without* its password. The password is stored
in the keyring under the redacted URL (driver, user, host, port and database: a second
database on the same server gets its own entry), and :func:`url_with_password` puts the
two together in memory only, when the database is opened.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import URL

from desktop.errors import DesktopError
from desktop.redaction import remember_secret
from desktop.storage.urls import parse_url

log = logging.getLogger(__name__)

#: The keyring "service" name under which Assetdesk keeps its passwords.
KEYRING_SERVICE = "Assetdesk database"

NO_KEYRING_MESSAGE = (
    "This computer has no password store (keyring) that Assetdesk can use, so the "
    "database password cannot be kept safely. Install or unlock one (GNOME Keyring, "
    "KWallet, Windows Credential Manager, macOS Keychain), or leave the password empty "
    "here and put it in ~/.pgpass (PostgreSQL: host:port:database:login:password, "
    "readable by you only), which the connection reads by itself."
)


class CredentialsError(DesktopError):
    """The keyring is missing, locked or refused to store the password."""


def split_password(url: str) -> tuple[str, str | None]:
    """``url`` without its password, and the password it carried (if any)."""
    parsed = parse_url(url)
    return _without_password(parsed), parsed.password if parsed.password else None


def keyring_key(url: str) -> str:
    """The name under which ``url``'s password is kept: the URL with no password."""
    return _without_password(parse_url(url))


def store_password(url: str, password: str) -> None:
    import keyring  # ~120 ms: loaded only when a password is needed
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, keyring_key(url), password)
    except keyring.errors.NoKeyringError as exc:
        raise CredentialsError(NO_KEYRING_MESSAGE) from exc
    except keyring.errors.KeyringError as exc:
        raise CredentialsError(
            f"The keyring refused to store the password for {keyring_key(url)}: {exc}"
        ) from exc


def get_password(url: str) -> str | None:
    import keyring  # ~120 ms: loaded only when a password is needed
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_key(url))
    except keyring.errors.NoKeyringError as exc:
        raise CredentialsError(NO_KEYRING_MESSAGE) from exc
    except keyring.errors.KeyringError as exc:
        raise CredentialsError(
            f"The keyring could not be read for {keyring_key(url)}: {exc}"
        ) from exc


def delete_password(url: str) -> None:
    """Forget the stored password; nothing stored is not an error."""
    import keyring  # ~120 ms: loaded only when a password is needed
    import keyring.errors

    try:
        keyring.delete_password(KEYRING_SERVICE, keyring_key(url))
    except keyring.errors.PasswordDeleteError:
        return
    except keyring.errors.NoKeyringError as exc:
        raise CredentialsError(NO_KEYRING_MESSAGE) from exc


def url_with_password(url: str) -> str:
    """The URL to connect with: the stored password filled in, in memory only.

    A local file, a URL that already carries a password, or a server login without a
    stored password (trust or peer authentication) is returned as given. A missing
    keyring is only an error when a password would be needed from it.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" or parsed.password or not parsed.username:
        return url
    try:
        password = get_password(url)
    except CredentialsError as exc:
        # The server may not need a password (trust, peer, a .pgpass file): try without.
        # Nothing is said unless the server then refuses the login (keyring_problem):
        # a warning on every command of a trust server was noise, and it came twice.
        _keyring_problems[keyring_key(url)] = exc.message
        log.debug("no stored password for %s: %s", keyring_key(url), exc)
        return url
    if not password:
        return url
    remember_secret(password, shown_in=keyring_key(url))
    return parsed.set(password=password).render_as_string(hide_password=False)


#: Why the keyring could not be read, by keyring key (:func:`keyring_problem`).
_keyring_problems: dict[str, str] = {}


def keyring_problem(url: str) -> str | None:
    """Why no password could be read from the keyring for ``url`` when this process last
    asked (:func:`url_with_password`), else None: said when the server refuses the login
    that was then tried without a password."""
    return _keyring_problems.get(keyring_key(url))


def _without_password(url: URL) -> str:
    # ``URL.set(password=None)`` keeps the old password: rebuild without it.
    bare = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)
