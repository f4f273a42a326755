"""Settings: one typed registry of keys, defaults and titles, stored in an INI file.

The file lives in the user's configuration folder and is shared by the GUI and the
command line (which must not load Qt). Window geometry and column layouts are GUI state
and are kept by the GUI through QSettings. Passwords are never stored here: a database
password lives in the operating system's keyring.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs

from desktop.storage.urls import APP_NAME

T = TypeVar("T", str, int, bool, float)


@dataclass(frozen=True)
class Setting(Generic[T]):
    section: str
    name: str
    default: T
    title: str

    @property
    def key(self) -> str:
        return f"{self.section}/{self.name}"


DATABASE_URL = Setting("database", "url", "", "Database URL (empty: the local file)")
#: Before 2026-12 one person for every database; now the fallback only where no database
#: has a person of its own yet (see :func:`signed_in_person`).
CURRENT_USER = Setting("user", "username", "", "The person using this computer")
DATE_FORMAT = Setting("display", "date_format", "yyyy-MM-dd", "Date format")
DATE_ORDER = Setting(
    "import", "date_order", "dmy", "Order of day, month and year in imported text dates"
)
LABEL_TEMPLATE = Setting("labels", "template", "Avery L7651", "Label template")
ORGANISATION = Setting("labels", "organisation", "", "Organisation line printed on labels")
#: The export dialog's column choice, kept from one export to the next.
EXPORT_COLUMNS = Setting(
    "export", "columns", "shown", "Columns an export writes: shown (the view's) or all"
)
#: The file the last export wrote: the next export is offered in its folder, as its kind.
EXPORT_FILE = Setting("export", "last_file", "", "The file the last export wrote")
#: A USB barcode scanner is a keyboard that types fast: how to tell its bursts from typing.
SCAN_MAX_GAP_MS = Setting(
    "scanner", "max_gap_ms", 50, "Longest pause between two key events of a scan (ms)"
)
SCAN_MIN_LENGTH = Setting("scanner", "min_length", 4, "Shortest text that counts as a scan")
SCAN_PREFIX = Setting("scanner", "prefix", "", "Text the scanner sends before each code")
SCAN_SUFFIX = Setting("scanner", "suffix", "", "Text the scanner sends after each code")
SCAN_TERMINATOR = Setting(
    "scanner", "terminator", "enter_or_tab", "Key that ends a scan: enter, tab or enter_or_tab"
)
SCANNER_SETTINGS: tuple[Setting[Any], ...] = (
    SCAN_MAX_GAP_MS,
    SCAN_MIN_LENGTH,
    SCAN_PREFIX,
    SCAN_SUFFIX,
    SCAN_TERMINATOR,
)

REGISTRY: tuple[Setting[Any], ...] = (
    DATABASE_URL,
    CURRENT_USER,
    DATE_FORMAT,
    DATE_ORDER,
    LABEL_TEMPLATE,
    ORGANISATION,
    EXPORT_COLUMNS,
    EXPORT_FILE,
    *SCANNER_SETTINGS,
)


def settings_path() -> Path:
    override = os.environ.get("ASSETDESK_SETTINGS")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.ini"


class Settings:
    """Read and write settings; every write is saved at once (atomically)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self._parser = configparser.ConfigParser(interpolation=None)
        if self.path.exists():
            self._parser.read(self.path, encoding="utf-8")

    def get(self, setting: Setting[T]) -> T:
        raw = self._parser.get(setting.section, setting.name, fallback=None)
        if raw is None:
            return setting.default
        default = setting.default
        if isinstance(default, bool):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            try:
                return int(raw)
            except ValueError:
                return default
        if isinstance(default, float):
            try:
                return float(raw)
            except ValueError:
                return default
        return raw

    def set(self, setting: Setting[T], value: T) -> None:
        if not self._parser.has_section(setting.section):
            self._parser.add_section(setting.section)
        self._parser.set(setting.section, setting.name, str(value))
        self.save()

    def has_section(self, section: str) -> bool:
        return self._parser.has_section(section)

    def sections(self) -> list[str]:
        return self._parser.sections()

    def get_raw(self, section: str, name: str, default: str = "") -> str:
        return self._parser.get(section, name, fallback=default)

    def set_raw(self, section: str, name: str, value: str) -> None:
        if not self._parser.has_section(section):
            self._parser.add_section(section)
        self._parser.set(section, name, value)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            self._parser.write(handle)
        temporary.replace(self.path)


#: Settings sections of the signed-in person of one database: "person at <database key>".
_PERSON_SECTION = "person at "


def database_key(url: object) -> str:
    """The database ``url`` names, the same however it is written: backend, login, host,
    port and database (an absolute path for a local file), never a password."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(str(url) if not hasattr(url, "drivername") else url)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - not a URL: the text itself is the key
        return str(url)
    parsed = parsed.set(drivername=parsed.get_backend_name(), query={})._replace(password=None)
    if parsed.drivername == "sqlite" and parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=str(Path(parsed.database).expanduser().resolve()))
    return parsed.render_as_string(hide_password=False)


def signed_in_person(settings: Settings, url: object) -> str:
    """The person File › Settings signed in on the database at ``url`` ("" for none: on a
    local file the operating-system user then acts). A person set for one database never
    follows the user into another; the old single setting counts only while no database
    has a person of its own (settings from before)."""
    section = _PERSON_SECTION + database_key(url)
    if settings.has_section(section):
        return settings.get_raw(section, "username")
    if any(name.startswith(_PERSON_SECTION) for name in settings.sections()):
        return ""
    return settings.get(CURRENT_USER)


def set_signed_in_person(settings: Settings, url: object, username: str) -> None:
    """Sign ``username`` in on the database at ``url`` only (the old single setting goes)."""
    settings.set_raw(_PERSON_SECTION + database_key(url), "username", username.strip())
    if settings.get(CURRENT_USER):
        settings.set(CURRENT_USER, "")
