"""Field kits: take part of the register offline in a SQLite file, work, sync back.

Offline work is recorded in the kit as procedures, scans and incidents by the ordinary
services (the kit is a normal migrated database plus kit tables). Triggers that exist
only in kits journal every new record in order (``kit_journal``), whichever door it
came by. A sync replays the journal on the server **through the same services**, each
record in its own server transaction and keyed by its laptop-made UUID, so a replay is
idempotent; records that cannot be applied as made go to the server's conflict queue
(:func:`conflicts`, :func:`resolve`), never dropped, never last-writer-wins.

Public API (Qt-free; the CLI and the GUI build on it):

- :func:`resolve_scope` — a :class:`Scope` from location names/codes, user names, a
  search text or an audit name, with one clear message for an unknown one.
- :func:`checkout` — make a kit file from a server (or from a local database file);
  the server records the checkout and reserves a block of tags per category prefix.
- :func:`kit_info` — is this database a kit? its scope, source, who, when, waiting.
- :func:`server_url` — the URL to sync with (no password; the password comes from the
  keyring or ``~/.pgpass`` as for any database).
- :func:`sync_target` — where a sync goes and as whom, in words, before it starts;
  :func:`same_database` — whether a URL names the kit's own server and login.
- :func:`sync` — replay the journal on the server (``dry_run`` says what each record
  would become), then refresh the kit to the server's current state for its scope.
- :func:`check_in` — sync, then end the checkout: the server's marks go, the kit file
  is closed for good (no more work, no more sync; a clear message says so).
- :func:`checkouts_for_assets`, :func:`active_checkouts` — the server's "checked out by
  X since …" marks.
- :func:`conflicts`, :func:`resolve` — the server's conflict queue and its settling.
- :func:`is_kit_session` — whether a session works in a kit (approvals are refused).

Progress callbacks are ``progress(done, total, text)``; ``cancel()`` is polled between
steps and a True answer raises nothing: the report says ``cancelled`` (checkout raises
:class:`KitCancelled` and removes the half-made file).
"""

from desktop.kits.checkout import checkout, resolve_scope
from desktop.kits.conflicts import (
    conflicts,
    edit_keys,
    get_conflict,
    note_open_conflicts,
    resolve,
)
from desktop.kits.info import (
    active_checkouts,
    checkouts_for_assets,
    is_kit_session,
    kit_info,
    server_url,
)
from desktop.kits.model import (
    HISTORY_PER_ASSET,
    TAG_BLOCK_SIZE,
    Cancel,
    CheckoutMark,
    Choice,
    Conflict,
    FieldDifference,
    KitCancelled,
    KitError,
    KitInfo,
    Outcome,
    Progress,
    RecordResult,
    Resolution,
    Scope,
    SyncReport,
    TagBlock,
)
from desktop.kits.sync import check_in, sync
from desktop.kits.sync_target import SyncTarget, same_database, sync_target

__all__ = [
    "HISTORY_PER_ASSET",
    "TAG_BLOCK_SIZE",
    "Cancel",
    "CheckoutMark",
    "Choice",
    "Conflict",
    "FieldDifference",
    "KitCancelled",
    "KitError",
    "KitInfo",
    "Outcome",
    "Progress",
    "RecordResult",
    "Resolution",
    "Scope",
    "SyncReport",
    "SyncTarget",
    "TagBlock",
    "active_checkouts",
    "check_in",
    "checkout",
    "checkouts_for_assets",
    "conflicts",
    "edit_keys",
    "get_conflict",
    "is_kit_session",
    "kit_info",
    "note_open_conflicts",
    "resolve",
    "resolve_scope",
    "same_database",
    "server_url",
    "sync",
    "sync_target",
]
