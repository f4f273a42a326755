"""Segregation of duties in the demo's approvals: checked as the rows are made, not by
SQLite's triggers row by row.

Migration 0013's four ``BEFORE INSERT`` triggers on ``approvals`` (the approver did not
perform the procedure, is an active person holding the approver role, shares no group
with the performer; the procedure still waits for this decision) run their look-ups for
every inserted row — at 10,000 assets, 6,779 approvals inserted in 0.21–0.25 s CPU with
them against 0.04–0.05 without (one process, load ~4.6), in the demo's process that
inserts everything: its critical path. So on SQLite the demo drops them inside its
transaction (:func:`duty_triggers_paused`) and creates them again, from the text they
had, before its commit — as it does with the search index's triggers — and the same rules
are checked by :func:`check_duties` in whichever process makes a chunk's rows, from the
people, roles and groups read once after the reference data (:func:`read_duties`; the
demo changes none of them afterwards). A row that breaks a rule is a bug in the
generator and fails loudly: the transaction is rolled back, nothing is written. Only
triggers whose text is the one known here (:data:`TRIGGERS`) are dropped: should a
later migration change one, the demo keeps them all and SQLite checks every row as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from desktop.demo.stored import APPROVAL_COLUMNS, PROCEDURE_COLUMNS

_POLICY = "(Assetdesk policy: segregation of duties)"
OWN = f"approvals: nobody approves a procedure they performed {_POLICY}"
ROLE = f"approvals: only an active person holding the approver role decides {_POLICY}"
GROUP = f"approvals: the approver shares a group with the performer {_POLICY}"
DECIDED = (
    "approvals: the procedure is not waiting for this decision: it needs no more "
    f"approvals, or was rejected or withdrawn {_POLICY}"
)


def _trigger(suffix: str, condition: str, message: str) -> tuple[str, str]:
    name = f"approvals_sod_{suffix}"
    return name, (
        f"CREATE TRIGGER {name} BEFORE INSERT ON approvals WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


#: The triggers :func:`check_duties` stands for, as migration 0013 creates them on SQLite.
TRIGGERS = dict(
    (
        _trigger(
            "own",
            "NEW.approver_id = (SELECT p.performed_by_id FROM procedures p "
            "WHERE p.id = NEW.procedure_id)",
            OWN,
        ),
        _trigger(
            "role",
            "NOT EXISTS (SELECT 1 FROM people a JOIN person_roles pr ON pr.person_id = a.id "
            "JOIN roles r ON r.id = pr.role_id WHERE a.id = NEW.approver_id "
            "AND a.active = 1 AND r.name = 'approver')",
            ROLE,
        ),
        _trigger(
            "group",
            "EXISTS (SELECT 1 FROM procedures p "
            "JOIN group_memberships mine ON mine.person_id = NEW.approver_id "
            "JOIN group_memberships theirs ON theirs.group_id = mine.group_id "
            "AND theirs.person_id = p.performed_by_id "
            "WHERE p.id = NEW.procedure_id AND p.performed_by_id <> NEW.approver_id)",
            GROUP,
        ),
        _trigger(
            "decided",
            "EXISTS (SELECT 1 FROM procedures p WHERE p.id = NEW.procedure_id "
            "AND (p.state = 'cancelled' OR (SELECT COUNT(*) FROM approvals x "
            "WHERE x.procedure_id = p.id) >= p.approvals_required)) "
            "OR EXISTS (SELECT 1 FROM approvals x WHERE x.procedure_id = NEW.procedure_id "
            "AND x.decision = 'reject')",
            DECIDED,
        ),
    )
)


class DutyViolationError(RuntimeError):
    """Demo approvals break the segregation of duties (a bug in the generator)."""


@dataclass(frozen=True)
class Duties:
    """What the rules read besides the generated rows, ids as SQLite stores them."""

    #: Active people holding the approver role.
    approvers: frozenset[str]
    #: Person → the groups they belong to (those in none are left out).
    groups: dict[str, frozenset[str]] = field(default_factory=dict)


def read_duties(connection: Connection) -> Duties:
    """The approvers and everyone's groups, as the triggers would read them (SQLite)."""
    approvers = frozenset(
        connection.exec_driver_sql(
            "SELECT a.id FROM people a JOIN person_roles pr ON pr.person_id = a.id "
            "JOIN roles r ON r.id = pr.role_id WHERE a.active = 1 AND r.name = 'approver'"
        ).scalars()
    )
    groups: dict[str, set[str]] = {}
    for person, group in connection.exec_driver_sql(
        "SELECT person_id, group_id FROM group_memberships"
    ):
        groups.setdefault(person, set()).add(group)
    return Duties(approvers, {person: frozenset(found) for person, found in groups.items()})


_ID, _PERFORMER, _STATE, _REQUIRED = (
    PROCEDURE_COLUMNS.index(c) for c in ("id", "performed_by_id", "state", "approvals_required")
)
_APPROVAL_ID, _PROCEDURE, _APPROVER, _DECISION = (
    APPROVAL_COLUMNS.index(c) for c in ("id", "procedure_id", "approver_id", "decision")
)
_NONE: frozenset[str] = frozenset()


def check_duties(
    duties: Duties,
    procedures: Sequence[tuple[Any, ...]],
    approvals: Sequence[tuple[Any, ...]],
) -> None:
    """Raise :class:`DutyViolationError` (the message of the trigger that would fire first,
    and the row) for the first of ``approvals`` that a trigger of :data:`TRIGGERS` refuses, inserted in their
    order after ``procedures`` — a chunk's rows: its approvals are of its own procedures,
    which no earlier approval names (:func:`desktop.demo.stored.check_references`)."""
    if not approvals:
        return
    approvers, groups = duties.approvers, duties.groups
    performed = {row[_ID]: row for row in procedures}
    counted: dict[str, int] = {}
    rejected: set[str] = set()
    for row in approvals:
        procedure_id, approver = row[_PROCEDURE], row[_APPROVER]
        procedure = performed.get(procedure_id)
        performer = None if procedure is None else procedure[_PERFORMER]
        # (in the order SQLite fires them: the last created first)
        broken = None
        if procedure_id in rejected or (
            procedure is not None
            and (
                procedure[_STATE] == "cancelled"
                or counted.get(procedure_id, 0) >= procedure[_REQUIRED]
            )
        ):
            broken = DECIDED
        elif (
            performer is not None
            and performer != approver
            and groups.get(approver, _NONE) & groups.get(performer, _NONE)
        ):
            broken = GROUP
        elif approver not in approvers:
            broken = ROLE
        elif approver == performer:
            broken = OWN
        if broken is not None:
            raise DutyViolationError(
                f"demo approval {row[_APPROVAL_ID]} of procedure {procedure_id} by "
                f"{approver}: {broken}"
            )
        counted[procedure_id] = counted.get(procedure_id, 0) + 1
        if row[_DECISION] == "reject":
            rejected.add(procedure_id)


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").split())


@contextlib.contextmanager
def duty_triggers_paused(connection: Connection) -> Iterator[bool]:
    """On SQLite, drop the triggers of :data:`TRIGGERS` for the block (True: the caller
    checks its approvals with :func:`check_duties`) and create them again as they were
    after it — in the caller's transaction, so that a rollback restores them too. False
    (nothing dropped) elsewhere or where one of them is not the text known here."""
    if connection.dialect.name != "sqlite":
        yield False
        return
    found: dict[str, str] = {
        name: sql
        for name, sql in connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'approvals'"
        )
    }
    if any(_normal(found.get(name)) != _normal(sql) for name, sql in TRIGGERS.items()):
        yield False
        return
    for name in TRIGGERS:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield True
    for name in TRIGGERS:
        connection.exec_driver_sql(found[name])
