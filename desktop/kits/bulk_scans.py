"""A run of a kit's audit scans replayed set-wise on a SQLite server.

A day's audit comes back as thousands of scans of tags in a row. Deciding each in Python
(its asset by tag, where the audit expects it, whether it was counted) cost more than
storing it; here a run of them is decided by one statement over the whole run, with the
same rules as :func:`desktop.services.audit_scans.classify_asset_scan`:

- the kit's rows go as they are (the kit is SQLite: the same ids, times and texts a
  SQLite server stores) into a temporary table of the server's connection;
- what is checked per audit, scanner and room — the audit open, the scanner an active
  auditor on their own login, the room in the audit's scope and not finished — is
  checked once per distinct audit, scanner and room, by the scan service's own
  functions;
- where an asset the audit does not list stood when the audit started, and whether that
  is outside its scope, is looked up for those assets only (few: the audit lists its
  scope's assets), by the audit's own functions;
- one ``INSERT … SELECT`` classifies and stores the run: an asset counted before (a scan
  not undone) or scanned earlier in the run is a duplicate, as is an unknown tag already
  scanned; then retired, misplaced or found, as a scan made here.

The scans the service must see one by one go through the per-record replay in their
place, and the run goes on after each: a room's label, a scan it would refuse (an empty
or over-long text, a room's code), a scanner, audit or room it refuses, a record already
in the conflict queue. A scan that changes how later ones are classified (an undo, a
manual find, a room finished or re-opened) ends the run; the caller replays it, then
the rest. Only on SQLite (``UPDATE … FROM`` and window functions: SQLite 3.33 or
later): PostgreSQL and MariaDB take :mod:`desktop.kits.bulk_replay`'s path.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from desktop.domain.lifecycle import RETIRED_STATUSES
from desktop.domain.tags import TAG_MAX_LENGTH, normalize_tag
from desktop.errors import DesktopError
from desktop.kits.model import Outcome, RecordResult
from desktop.kits.replay_rules import _WORDS_OF, Entry, Replayed
from desktop.kits.stored_values import uuid_from_hex
from desktop.services import audit_scans
from desktop.services.audit_history import locations_at
from desktop.services.audit_scan_types import COUNTED, ScanClass, ScanKind
from desktop.services.audits import lock_audits, lock_open_audit
from desktop.services.reference import IN_A_ROOM
from desktop.storage.models import Location

if TYPE_CHECKING:
    from desktop.kits.bulk_replay import BulkReplayer

#: Scans in a row below which the run stays with the record-by-record bulk path (a set
#: of statements costs about what this many scans decided one by one do).
MIN_RUN = 32

_ASSET = ScanKind.ASSET.value
#: The kinds of scans a run holds: those after an undo, a manual find or a room finished
#: or re-opened are classified by what it changed (the run stops before it).
_SET_WISE_KINDS = frozenset({_ASSET, ScanKind.LOCATION.value})
_RETIRED = "(" + ", ".join(f"'{s.value}'" for s in sorted(RETIRED_STATUSES)) + ")"

#: The run's scans as the kit holds them (one plain statement: the kit is SQLite).
_KIT_SCANS = (
    "SELECT j.seq, s.id, s.audit_id, s.raw, s.kind, s.location_id, s.scanned_by_id, "
    "s.scanned_at FROM kit_journal j JOIN audit_scans s ON s.id = j.row_id "
    "WHERE j.record = 'scan' AND j.synced = 0 AND j.seq BETWEEN ? AND ? ORDER BY j.seq"
)
_TABLES = (
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_scans (seq INTEGER PRIMARY KEY, id TEXT, "
    "audit_id TEXT, raw TEXT, kind TEXT, location_id TEXT, scanned_by_id TEXT, "
    "scanned_at TEXT, ord INTEGER, text TEXT, key TEXT, first INTEGER, asset_id TEXT, "
    "on_server INTEGER NOT NULL DEFAULT 0, cut INTEGER NOT NULL DEFAULT 0)",
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_scanners (audit_id TEXT, scanned_by_id TEXT, "
    "location_id TEXT, person_id TEXT, room_id TEXT)",
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_unlisted (audit_id TEXT, asset_id TEXT, "
    "location_id TEXT, outside INTEGER, PRIMARY KEY (audit_id, asset_id))",
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_counted (audit_id TEXT, asset_id TEXT, "
    "PRIMARY KEY (audit_id, asset_id))",
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_unknown (audit_id TEXT, key TEXT, "
    "PRIMARY KEY (audit_id, key))",
    "CREATE TEMP TABLE IF NOT EXISTS kit_sync_top (audit_id TEXT PRIMARY KEY, top INTEGER, "
    "base INTEGER)",
)
_CLEARED = (
    "kit_sync_scans",
    "kit_sync_scanners",
    "kit_sync_unlisted",
    "kit_sync_counted",
    "kit_sync_unknown",
    "kit_sync_top",
)
#: The run's kit rows into the server's temporary table, each with its place in the run,
#: its text and tag key as the scan service makes them, whether it is the first of its
#: audit and key in the run, and the asset of that key (a key longer than a tag is no
#: asset's).
_STAGE = (
    "INSERT INTO temp.kit_sync_scans (seq, id, audit_id, raw, kind, location_id, "  # noqa: S608
    "scanned_by_id, scanned_at, ord, text, key, first, asset_id) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, (SELECT a.id FROM assets a WHERE a.tag_key = ?11 "
    f"AND length(?11) <= {TAG_MAX_LENGTH}))"
)
_COUNTED_VALUES = ", ".join(f"'{c.value}'" for c in sorted(COUNTED))
_NOT_UNDONE = (
    "s.id NOT IN (SELECT u.undoes_scan_id FROM audit_scans u WHERE u.audit_id = s.audit_id "
    "AND u.undoes_scan_id IS NOT NULL)"
)
#: Where the audit expects the asset: its expected row's location when it lists it, else
#: where it stood when the audit started.
_EXPECTED_AT = "(CASE WHEN e.asset_id IS NOT NULL THEN e.location_id ELSE x.location_id END)"
_INSERT = f"""
INSERT INTO audit_scans (id, audit_id, sequence, scanned_at, scanned_by_id, raw, kind,
                         asset_id, location_id, classification, undoes_scan_id, reason)
SELECT t.id, t.audit_id, q.top + t.ord - q.base, t.scanned_at, c.person_id, substr(t.text, 1, 200),
       '{_ASSET}', t.asset_id, c.room_id,
       CASE
         WHEN t.asset_id IS NULL THEN
           CASE WHEN t.first = 0 OR EXISTS (SELECT 1 FROM temp.kit_sync_unknown k
                                              WHERE k.audit_id = t.audit_id AND k.key = t.key)
                THEN '{ScanClass.DUPLICATE.value}' ELSE '{ScanClass.UNKNOWN.value}' END
         WHEN t.first = 0 OR n.asset_id IS NOT NULL THEN '{ScanClass.DUPLICATE.value}'
         WHEN a.status IN {_RETIRED} THEN '{ScanClass.RETIRED.value}'
         WHEN c.room_id IS NULL AND e.asset_id IS NULL AND x.outside = 1
           THEN '{ScanClass.MISPLACED.value}'
         WHEN c.room_id IS NULL OR {_EXPECTED_AT} = c.room_id
              OR EXISTS (SELECT 1 FROM locations l WHERE l.id = {_EXPECTED_AT}
                         AND l.kind = '{IN_A_ROOM}' AND l.parent_id = c.room_id)
           THEN '{ScanClass.FOUND.value}'
         ELSE '{ScanClass.MISPLACED.value}'
       END,
       NULL, ''
FROM temp.kit_sync_scans t
JOIN temp.kit_sync_scanners c ON c.audit_id = t.audit_id
     AND c.scanned_by_id = t.scanned_by_id AND c.location_id IS t.location_id
JOIN temp.kit_sync_top q ON q.audit_id = t.audit_id
LEFT JOIN assets a ON a.id = t.asset_id
LEFT JOIN temp.kit_sync_counted n ON n.audit_id = t.audit_id AND n.asset_id = t.asset_id
LEFT JOIN audit_expected e ON e.audit_id = t.audit_id AND e.asset_id = t.asset_id
LEFT JOIN temp.kit_sync_unlisted x ON x.audit_id = t.audit_id AND x.asset_id = t.asset_id
WHERE t.seq BETWEEN ? AND ? AND t.on_server = 0 AND t.cut = 0
ORDER BY t.seq
"""  # noqa: S608 - our own names and values
#: The scans of the run the service must see one by one: a room's label, and what it
#: would refuse or take as a room's code (the per-record replay says why).
_CUT = f"""
UPDATE temp.kit_sync_scans AS t SET cut = 1
WHERE t.on_server = 0 AND (t.kind != '{_ASSET}' OR t.text = '' OR length(t.text) > 200
  OR (t.asset_id IS NULL AND length(t.key) <= {TAG_MAX_LENGTH}
      AND EXISTS (SELECT 1 FROM locations l WHERE l.code_key = t.key)))
"""  # noqa: S608 - our own names and values
#: Each audit's last scan number before a segment of the run, and the segment's first
#: place among the run's scans of that audit (less one).
_TOP = (
    "INSERT INTO temp.kit_sync_top SELECT t.audit_id, (SELECT coalesce(max(s.sequence), 0) "
    "FROM audit_scans s WHERE s.audit_id = t.audit_id), min(t.ord) - 1 "
    "FROM temp.kit_sync_scans t WHERE t.seq BETWEEN ? AND ? AND t.on_server = 0 "
    "AND t.cut = 0 GROUP BY t.audit_id"
)


class NotSetWise(Exception):
    """The run is not decided set-wise (the kit lacks a row its journal names: the
    record-by-record path says so)."""


def replay_scan_run(
    bulk: BulkReplayer,
    run: Sequence[Entry],
    remember_all: Callable[[list[tuple[Entry, Replayed]]], None],
    one_by_one: Callable[[Entry], None],
    queued: set[uuid.UUID],
) -> int:
    """Replay ``run`` (consecutive scan entries), set-wise but for the scans the service
    must see one by one (``one_by_one``: a room's label, a scan it refuses, a record
    already in the conflict queue — ``queued``: this kit's entry ids there). How many were
    decided: fewer than all when the next one changes what later scans are classified by
    (an undo, a manual find, a room finished or re-opened): the caller replays it, then
    the rest."""
    session = bulk.session
    session.flush()
    driver = session.connection().connection.driver_connection
    kit = bulk.per_record.kit.connection().connection.driver_connection
    assert driver is not None and kit is not None
    rows = kit.execute(_KIT_SCANS, (run[0].seq, run[-1].seq)).fetchall()
    if len(rows) != len(run):
        raise NotSetWise
    stop = next((n for n, row in enumerate(rows) if row[4] not in _SET_WISE_KINDS), len(rows))
    if stop == 0:
        return 0
    rows, run = rows[:stop], run[:stop]
    for statement in _TABLES:
        driver.execute(statement)
    for table in _CLEARED:
        driver.execute(f"DELETE FROM temp.{table}")  # noqa: S608 - our table names
    # Each scan's key, and whether it is the first of its audit and key in the run (as
    # :func:`_before` finds them when scans are left out: a key names one asset or none).
    staged = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows, 1):
        key = normalize_tag(row[3])
        first = (row[2], key) not in seen
        if first:
            seen.add((row[2], key))
        staged.append((*row, n, row[3].strip(), key, first))
    driver.executemany(_STAGE, staged)
    driver.execute(
        "UPDATE temp.kit_sync_scans SET on_server = 1 WHERE id IN (SELECT o.id FROM "
        "audit_scans o JOIN temp.kit_sync_scans t ON t.id = o.id)"
    )
    in_queue = [(entry.seq,) for entry in run if entry.entry_id in queued] if queued else []
    if in_queue:
        driver.executemany("UPDATE temp.kit_sync_scans SET cut = 1 WHERE seq = ?", in_queue)
    driver.execute(_CUT)
    names = _scanners(bulk, driver)
    _unlisted(bulk, driver)
    whole = _before(driver)
    cuts = (
        []
        if whole
        else [seq for (seq,) in driver.execute("SELECT seq FROM temp.kit_sync_scans WHERE cut = 1")]
    )
    entries = {entry.seq: entry for entry in run}
    low = run[0].seq
    for cut in [*sorted(cuts), run[-1].seq + 1]:
        if cut > low:
            _segment(driver, entries, names, low, cut - 1, remember_all, rows if whole else None)
        if cut in entries:
            one_by_one(entries[cut])
            session.flush()
        low = cut + 1
    return len(run)


def _segment(
    driver: Any,
    entries: dict[int, Entry],
    names: dict[str, str],
    low: int,
    high: int,
    remember_all: Callable[[list[tuple[Entry, Replayed]]], None],
    rows: Sequence[tuple[Any, ...]] | None = None,
) -> None:
    """Store the scans ``low``..``high`` of the run (none of them cut) by one statement,
    numbered after the audit's last scan, and hear of them (``remember_all``: each
    record with its outcome, in the run's order, in one call). ``rows``: the kit's rows of
    the whole run, when it is all stored here (none on the server, none cut): what is
    heard of is read from them instead of the temporary table."""
    driver.execute("DELETE FROM temp.kit_sync_top")
    driver.execute(_TOP, (low, high))
    driver.execute(_INSERT, (low, high))
    stored = (
        driver.execute(
            "SELECT seq, on_server, raw, scanned_at, scanned_by_id FROM temp.kit_sync_scans "
            "WHERE seq BETWEEN ? AND ? ORDER BY seq",
            (low, high),
        )
        if rows is None
        else ((row[0], 0, row[3], row[7], row[6]) for row in rows)
    )
    words = _WORDS_OF[_ASSET]
    made = RecordResult.made
    decided = []
    for seq, on_server, raw, at, scanned_by_id in stored:
        entry = entries[seq]
        summary = f"{words} “{raw}” by {names[scanned_by_id]} at {at[:10]} {at[11:19]}"
        outcome = _ALREADY_APPLIED if on_server else _APPLIED
        decided.append((entry, Replayed(made(seq, "scan", entry.row_id, summary, outcome, ""))))
    remember_all(decided)


_APPLIED = Outcome.APPLIED
_ALREADY_APPLIED = Outcome.ALREADY_APPLIED


def _scanners(bulk: BulkReplayer, driver: Any) -> dict[str, str]:
    """Each audit, scanner and room of the run's scans checked as the scan service checks
    them (into ``kit_sync_scanners``; the scans of one it refuses are cut, for the
    per-record replay to say why); the scanners' user names by their kit id."""
    session = bulk.session
    groups = driver.execute(
        "SELECT DISTINCT audit_id, scanned_by_id, location_id FROM temp.kit_sync_scans "
        "WHERE on_server = 0 AND cut = 0"
    ).fetchall()
    audits = {uuid_from_hex(audit_id) for audit_id, _by, _room in groups}
    bulk.held.extend(lock_audits(session, audits))
    names: dict[str, str] = {}
    checked: list[tuple[str, str, str | None, str, str | None]] = []
    refused: list[tuple[str, str, str | None]] = []
    rooms: dict[tuple[uuid.UUID, str | None], Location | None] = {}
    for audit_hex, person_hex, room_hex in groups:
        audit_id = uuid_from_hex(audit_hex)
        scanner = names.get(person_hex)
        if scanner is None:
            scanner = names[person_hex] = bulk.per_record._username(uuid_from_hex(person_hex))
        try:
            found = bulk.scanning.get((audit_id, scanner))
            if found is None:
                found = bulk.scanning[(audit_id, scanner)] = (
                    lock_open_audit(session, audit_id),
                    audit_scans.scanner_id(session, scanner),
                )
            audit, person_id = found
            key = (audit_id, room_hex)
            if key not in rooms:
                room_id = None if room_hex is None else uuid_from_hex(room_hex)
                rooms[key] = audit_scans.usable_room(session, audit, room_id)
        except DesktopError:
            refused.append((audit_hex, person_hex, room_hex))
            continue
        room = rooms[key]
        checked.append(
            (audit_hex, person_hex, room_hex, person_id.hex, room.id.hex if room else None)
        )
    bulk.held.extend(rooms.values())
    driver.executemany("INSERT INTO temp.kit_sync_scanners VALUES (?, ?, ?, ?, ?)", checked)
    if refused:
        driver.executemany(
            "UPDATE temp.kit_sync_scans SET cut = 1 WHERE audit_id = ? AND scanned_by_id = ? "
            "AND location_id IS ? AND on_server = 0",
            refused,
        )
    for (person_hex,) in driver.execute("SELECT DISTINCT scanned_by_id FROM temp.kit_sync_scans"):
        if person_hex not in names:
            names[person_hex] = bulk.per_record._username(uuid_from_hex(person_hex))
    return names


def _unlisted(bulk: BulkReplayer, driver: Any) -> None:
    """Where each asset scanned that the audit does not list stood when the audit started,
    and whether that is outside its scope (as a scan made here looks them up)."""
    found = driver.execute(
        "SELECT DISTINCT t.audit_id, t.asset_id FROM temp.kit_sync_scans t "
        "WHERE t.on_server = 0 AND t.cut = 0 AND t.asset_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM audit_expected e WHERE e.audit_id = t.audit_id "
        "AND e.asset_id = t.asset_id)"
    ).fetchall()
    if not found:
        return
    session = bulk.session
    by_audit: dict[str, list[uuid.UUID]] = {}
    for audit_hex, asset_hex in found:
        by_audit.setdefault(audit_hex, []).append(uuid_from_hex(asset_hex))
    rows = []
    for audit_hex, asset_ids in by_audit.items():
        audit = lock_open_audit(session, uuid_from_hex(audit_hex))
        located = locations_at(session, asset_ids, audit.started_at)
        for asset_id in asset_ids:
            location_id = located.get(asset_id)
            location = bulk._location(location_id)
            outside = location is None or not audit_scans.in_scope(session, audit, location)
            rows.append(
                (audit_hex, asset_id.hex, location_id.hex if location_id else None, int(outside))
            )
    driver.executemany("INSERT INTO temp.kit_sync_unlisted VALUES (?, ?, ?, ?)", rows)


def _before(driver: Any) -> bool:
    """The run's place of each scan in its audit, which scan is the first of its asset or
    unknown tag in the run, and what the run's audits counted before it (assets, and
    unknown tags; scans not undone): each read once per run, not per scan. Whether the
    whole run is stored here, as one audit's (none on the server, none cut)."""
    staged = driver.execute(
        "SELECT count(DISTINCT audit_id) > 1, max(on_server) = 1 OR max(cut) = 1 "
        "FROM temp.kit_sync_scans"
    ).fetchone()
    if staged[0] or staged[1]:
        # Numbered per audit, without the scans already on the server or cut (the
        # staging numbered the run as one audit's, all stored here: the common case).
        driver.execute(
            "UPDATE temp.kit_sync_scans SET ord = w.n FROM (SELECT seq, ROW_NUMBER() OVER "
            "(PARTITION BY audit_id ORDER BY seq) AS n FROM temp.kit_sync_scans "
            "WHERE on_server = 0 AND cut = 0) AS w WHERE w.seq = kit_sync_scans.seq"
        )
    if staged[1]:
        # The staging's firsts counted every scan: without those on the server or cut.
        driver.execute(
            "UPDATE temp.kit_sync_scans SET first = seq IN (SELECT min(seq) FROM "
            "temp.kit_sync_scans WHERE on_server = 0 AND cut = 0 GROUP BY audit_id, "
            "coalesce(asset_id, 'k' || key))"
        )
    driver.execute(
        "INSERT OR IGNORE INTO temp.kit_sync_counted SELECT s.audit_id, s.asset_id "  # noqa: S608
        "FROM audit_scans s WHERE s.audit_id IN (SELECT DISTINCT audit_id FROM "
        "temp.kit_sync_scans) AND s.asset_id IS NOT NULL AND s.kind IN "
        f"('{ScanKind.ASSET.value}', '{ScanKind.MANUAL.value}') "
        f"AND s.classification IN ({_COUNTED_VALUES}) AND {_NOT_UNDONE}"
    )
    driver.execute(
        "INSERT OR IGNORE INTO temp.kit_sync_unknown SELECT s.audit_id, lower(trim(s.raw)) "  # noqa: S608
        "FROM audit_scans s WHERE s.audit_id IN (SELECT DISTINCT audit_id FROM "
        f"temp.kit_sync_scans) AND s.classification = '{ScanClass.UNKNOWN.value}' "
        f"AND {_NOT_UNDONE}"
    )
    return not staged[1]
