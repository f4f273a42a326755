"""``assetdesk kit checkout | status | sync | conflicts | resolve``: field kits.

A kit is a SQLite file holding part of a shared register, made to work offline (open it
with ``assetdesk --database KIT`` or in the window). ``kit sync KIT`` replays what was
recorded in it on the database it came from, which the kit names (URL without password:
the password comes from the keyring or ``~/.pgpass``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.errors import DesktopError, Problem, ValidationError
from ui.cli.context import CliContext, print_json

# -- checkout ---------------------------------------------------------------------------


def _checkout(ctx: CliContext) -> int:
    from desktop import kits

    args = ctx.args
    output: Path = args.output.expanduser()
    if output.exists():
        raise DesktopError(f"{output}: the file exists; a kit is always a new file")
    if not output.parent.is_dir():
        raise DesktopError(f"{output}: the folder {output.parent} does not exist")
    source = ctx.database()
    scope = kits.resolve_scope(
        source,
        locations=args.scope,
        assigned_to=args.assigned_to,
        search=args.search,
        audit=args.audit,
    )
    user = ctx.acting_user()
    progress = _ProgressLine(args.json)
    try:
        info = kits.checkout(source, scope, user, output, progress=progress)
    finally:
        progress.end()
    if args.json:
        print_json({"path": str(output), **info.as_json()})
        return 0
    print(f"Checked out {info.asset_count:,} assets into {output}")
    print(f"  scope: {info.scope_text}")
    for block in info.tag_blocks:
        print(f"  new {block.prefix} tags in the kit: {block.first} to {block.last}")
    print(f"Work in it with: assetdesk --database {_quoted(output)} ...")
    print(f"Sync it back with: assetdesk kit sync {_quoted(output)}")
    return 0


# -- status -----------------------------------------------------------------------------


def _status(ctx: CliContext) -> int:
    from desktop import kits

    database = ctx.database()  # a missing file is refused: never made to say it is no kit
    info = kits.kit_info(database)
    if info is None:
        raise DesktopError(
            f"{database.description} is not a field kit (give the kit with --database FILE)"
        )
    if ctx.args.json:
        print_json(info.as_json())
        return 0
    print(f"Field kit {info.kit_id}")
    print(f"  scope: {info.scope_text} ({info.assets_text()})")
    print(f"  from: {info.source_description}")
    print(f"  checked out by {info.checked_out_by} at {_local(info.checked_out_at)}")
    print(f"  data from the server as of {_local(info.refreshed_at)} ({_age(info)} old)")
    print(f"  waiting to sync: {info.waiting} record{'s' if info.waiting != 1 else ''}")
    if info.open_conflicts:
        print(f"  conflicts waiting on the server: {info.open_conflicts}")
    if info.returned_at is not None:
        print(
            f"  checked in (returned) at {_local(info.returned_at)}: it takes no more work "
            "and is not synced again"
        )
    return 0


# -- the kit's server and its password ----------------------------------------------------


def _server_asking_password(ctx: CliContext, kit: Any, info: Any, *, url: str | None = None) -> Any:
    """The kit's database: with ``--password-stdin``'s password, else the keyring's or
    ``~/.pgpass``'s; if the server still wants one, asked for on a terminal (never
    echoed, stored or logged). Without a terminal, one line says how to give it."""
    import getpass

    from ui.kit_files import PasswordNeededError, open_kit_server

    password: str | None = None
    if getattr(ctx.args, "password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise DesktopError("--password-stdin: standard input held no password")
    try:
        return open_kit_server(kit, info, password=password, url=url)
    except PasswordNeededError as needed:
        if password is not None or not sys.stdin.isatty():
            hint = (
                ""
                if password is not None
                else ": give it with --password-stdin, or store it in the keyring "
                "(Settings) or ~/.pgpass"
            )
            raise DesktopError(f"{needed.message}{hint}") from None
        for attempt in range(3):
            typed = getpass.getpass(f"Password for {needed.login} ({needed.url}): ")
            if not typed:
                break
            try:
                return open_kit_server(kit, info, password=typed, url=url)
            except PasswordNeededError as again:
                if attempt == 2:
                    raise DesktopError(again.message) from None
                print("The server refused that password; try again.", file=sys.stderr)
        raise DesktopError(f"{needed.message}: no password was given") from None


# -- sync -------------------------------------------------------------------------------


def _sync(ctx: CliContext) -> int:
    from desktop import kits
    from desktop.settings import signed_in_person
    from ui.kit_files import (
        KitServerUnreachableError,
        nothing_synced,
        open_kit_file,
        outcome_counts,
    )

    args = ctx.args
    kit_path: Path = args.kit.expanduser()
    kit, info = open_kit_file(kit_path)
    try:
        # Whoever syncs: --as, the settings' user, else the person who checked it out.
        configured = signed_in_person(ctx.settings, info.source_url)
        user = args.as_user or configured or info.checked_out_by
        target = kits.sync_target(kit, info, user, kit_name=str(args.kit))
        url = _database_given_for(ctx, kit_path, info, target)
        if not args.json:  # said first: before a password is asked, or anything synced
            print(target.sentence() + (" (dry run)" if args.dry_run else ""), flush=True)
        try:
            server = _server_asking_password(ctx, kit, info, url=url)
        except KitServerUnreachableError as exc:
            left = kits.kit_info(kit)
            raise DesktopError(
                f"{exc.message}. {nothing_synced(left.waiting if left else 0)}"
            ) from exc
        try:
            progress = _ProgressLine(args.json)
            try:
                report = kits.sync(
                    kit,
                    server,
                    user,
                    dry_run=args.dry_run,
                    check_in=args.check_in,
                    progress=progress,
                )
            finally:
                progress.end()
        finally:
            server.dispose()
    finally:
        kit.dispose()
    if args.json:
        print_json({"target": target.as_json(), **report.as_json()})
        return 1 if report.cancelled else 0
    verb = "would become" if report.dry_run else "became"
    for result in report.results:
        line = f"{result.seq:>5}  {result.outcome.value:<16} {result.summary}"
        if result.reason:
            line += f" — {result.reason}"
        if result.server_number is not None:
            line += f" (incident #{result.server_number} on the server)"
        print(line)
    counts = outcome_counts(report)
    if not report.results:
        print("Nothing waited to sync.")
    else:
        total = len(report.results)
        print(f"{total} record{'s' if total != 1 else ''} {verb}: {counts}.")
    queued = sum(1 for r in report.results if r.conflict_id is not None)
    if queued and not report.dry_run:
        print(
            f"Settle the {'conflict' if queued == 1 else f'{queued} conflicts'} with: "
            f"assetdesk --database {_quoted_url(info.source_url)} kit conflicts"
        )
    if report.dry_run:
        print("Dry run: nothing was written on either side.")
    elif report.refreshed:
        print("The kit now holds the server's current state for its scope.")
    elif report.returned:
        print(
            "Checked in: the checkout has ended on the server; this kit file takes no more "
            "work and is not synced again."
        )
    return 1 if report.cancelled else 0


def _database_given_for(ctx: CliContext, kit_path: Path, info: Any, target: Any) -> str | None:
    """``--database`` with ``kit sync``: the kit file itself, or the kit's own database and
    login (then used as given: its password, its options); anything else is refused
    before anything is synced. None: use the kit's URL."""
    from desktop import kits
    from desktop.storage.urls import redact

    given = getattr(ctx.args, "database", None)
    if not given:
        _say_environment_unused(kit_path, info, target)
        return None
    if _is_the_kit(given, kit_path):
        return None
    if kits.same_database(given, info):
        return str(given)
    whose = target.person or target.username
    raise DesktopError(
        f"--database names {redact(given)}, but {target.kit} syncs only with {target.server} "
        f"as {target.who()}, the login it was checked out with: nothing was synced. Drop "
        f"--database (the kit finds its server). Its records are recorded as {whose}'s, so "
        f"{whose} syncs it; another login cannot (check out a kit of your own)"
    )


def _is_the_kit(url: str, kit_path: Path) -> bool:
    return url == f"sqlite:///{kit_path}" or (
        url.startswith("sqlite:///")
        and Path(url.removeprefix("sqlite:///")).expanduser().resolve() == kit_path.resolve()
    )


def _say_environment_unused(kit_path: Path, info: Any, target: Any) -> None:
    """ASSETDESK_DATABASE naming another server or login than the kit's is said in one
    line on standard error: the sync goes to the kit's own server, as ``--database``
    would be refused for saying otherwise (a new user's finding: it was silently unused)."""
    import os

    from desktop import kits
    from desktop.storage.urls import ENV_VAR, redact

    named = os.environ.get(ENV_VAR, "").strip()
    if not named:
        return
    url = named if "://" in named else f"sqlite:///{Path(named).expanduser()}"
    if _is_the_kit(url, kit_path) or kits.same_database(url, info):
        return
    print(
        f"assetdesk: note: {ENV_VAR} names {redact(url)}, but {target.kit} syncs only with "
        f"{target.server} as {target.who()}, the login it was checked out with: {ENV_VAR} "
        "is not used by kit sync",
        file=sys.stderr,
        flush=True,
    )


# -- conflicts --------------------------------------------------------------------------


def _conflicts(ctx: CliContext) -> int:
    from desktop import kits

    with _queue_database(ctx) as database:
        found = kits.conflicts(database, include_resolved=ctx.args.all)
        where = (
            ""
            if ctx.args.json
            else f"{database.description}, read {_login(database)[1] or _reader(ctx)}"
        )
    if ctx.args.json:
        print_json([c.as_json() for c in found])
        return 0
    print(f"Conflict queue on {where}")
    if not found:
        print("No conflicts." if ctx.args.all else "No open conflicts.")
    for conflict in found:
        state = (
            "open"
            if conflict.is_open
            else f"settled: {conflict.resolution} by {conflict.resolved_by}"
        )
        print(
            f"#{conflict.number:<4} {conflict.asset_tag or '—':<12} {conflict.summary}  [{state}]"
        )
        print(
            f"      made by {conflict.performed_by} at {_local(conflict.performed_at)}; "
            f"record {conflict.record} {conflict.record_id}"
        )
        for reason in conflict.reasons:
            print(f"      why: {reason}")
        for diff in conflict.fields:
            print(
                f"      {diff.label}: base {diff.base_text or '—'} | server "
                f"{diff.server_text or '—'} | kit {diff.kit_text or '—'}"
            )
    return 0


def _resolve(ctx: CliContext) -> int:
    from desktop import kits

    args = ctx.args
    choice = kits.Choice(args.take)
    edits: dict[str, object] = {}
    for pair in args.edits:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(Problem("set", f"'{pair}' is not FIELD=VALUE"))
        edits[key.strip()] = value
    if edits and choice is not kits.Choice.EDIT:
        raise ValidationError(Problem("set", "--set goes with --take edit"))
    if choice is kits.Choice.EDIT and not edits:
        raise ValidationError(Problem("set", "--take edit needs the values: --set FIELD=VALUE"))
    with _queue_database(ctx) as database:
        if edits:
            from ui.kit_files import edits_with_ids

            edits = edits_with_ids(database, kits.edit_keys(database, args.conflict, edits))
        user = _settling_user(ctx, database)
        login, as_login = _login(database)
        resolution = kits.resolve(
            database, args.conflict, choice, user, edits=edits or None, note=args.note
        )
    if args.json:
        print_json(
            {
                "conflict": resolution.conflict.as_json(),
                "procedure_id": str(resolution.procedure_id) if resolution.procedure_id else None,
                "messages": list(resolution.messages),
                "settled_by": user,
                "login": login,
            }
        )
        return 0
    conflict = resolution.conflict
    print(
        f"Conflict #{conflict.number} ({conflict.asset_tag}) settled by {user}"
        f"{f' {as_login}' if as_login else ''}: {_choice_text(choice)}"
    )
    if resolution.procedure_id is not None:
        print(f"  recorded as the procedure {resolution.procedure_id}")
    for message in resolution.messages:
        print(f"  {message}")
    return 0


# -- helpers ----------------------------------------------------------------------------


def _settling_user(ctx: CliContext, queue: Any) -> str:
    """Who settles: as for any command on the database; working in a kit, --as, the
    settings' user, else the person who checked the kit out."""
    if queue is ctx.database():
        return ctx.acting_user()
    from desktop import kits
    from desktop.settings import signed_in_person

    info = kits.kit_info(ctx.database())
    holder = info.checked_out_by if info is not None else ""
    configured = signed_in_person(ctx.settings, ctx.database().url)
    return str(ctx.args.as_user or configured or holder)


def _login(database: Any) -> tuple[str | None, str]:
    """The server login ``database`` acts as, and in words ("as the login tom (Tom
    Tech)"); (None, "") on a local file, which has no logins."""
    from desktop.services.identity import login_of, person_of_login

    with database.read() as session:
        login = login_of(session)
        if login is None:
            return None, ""
        person = person_of_login(session, login.name)
    held = (
        f" ({person.name})" if person is not None else " (the owner login)" if login.owner else ""
    )
    return login.name, f"as the login {login.name}{held}"


def _reader(ctx: CliContext) -> str:
    """Who reads a local file's queue: --as, the settings' user, else this computer's
    user (nothing is created to say it)."""
    import getpass

    from desktop.settings import signed_in_person

    who = (
        getattr(ctx.args, "as_user", None)
        or signed_in_person(ctx.settings, ctx.database().url)
        or getpass.getuser()
    )
    return f"as {who}"


@contextmanager
def _queue_database(ctx: CliContext) -> Iterator[Any]:
    """Where the conflict queue is: the database given, or — given a kit — the database
    the kit came from (a kit keeps no queue of its own)."""
    from desktop import kits

    database = ctx.database()
    info = kits.kit_info(database)
    if info is None:
        yield database
        return
    server = _server_asking_password(ctx, database, info)
    try:
        yield server
        kits.note_open_conflicts(database, server)  # the kit's count, as the queue is now
    finally:
        server.dispose()


def _choice_text(choice: Any) -> str:
    return {
        "server": "the server's values kept",
        "kit": "the kit's values re-applied as a new procedure",
        "edit": "the values given recorded as a new procedure",
    }[str(choice.value)]


class _ProgressLine:
    """Progress on standard error when it is a terminal (never mixed into JSON output):
    one line rewritten in place, cleared by :meth:`end` before the result is printed."""

    def __init__(self, quiet: bool) -> None:
        self.active = not quiet and sys.stderr.isatty()
        self.shown = ""

    def __call__(self, done: int, total: int, text: str) -> None:
        line = (f"{text} {done:,}/{total:,}" if total else text)[:100]
        if self.active and line != self.shown:
            sys.stderr.write("\r" + line.ljust(len(self.shown)))
            sys.stderr.flush()
            self.shown = line

    def end(self) -> None:
        if self.active and self.shown:
            sys.stderr.write("\r" + " " * len(self.shown) + "\r")
            sys.stderr.flush()
            self.shown = ""


def _local(moment: Any) -> str:
    """Local time with its zone ("2026-12-06 15:48 CET (UTC+01:00)"), as the audit
    report names it: a time without one cannot be placed by a colleague elsewhere."""
    from desktop.local_time import local_minute

    return local_minute(moment)


def _age(info: Any) -> str:
    seconds = int(info.age().total_seconds())
    if seconds < 3600:
        return f"{max(seconds // 60, 0)} min"
    if seconds < 86_400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86_400} days"


def _quoted_url(url: str) -> str:
    """The URL to type: "postgresql://…", not the driver's "postgresql+psycopg://…"."""
    from desktop.storage.urls import as_typed

    url = as_typed(url)
    return f"'{url}'" if any(c in url for c in " ?&") else url


def _quoted(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if " " in text else text
