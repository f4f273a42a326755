"""The demo's approvals: segregation of duties checked as they are made, the database's
triggers back in place afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from desktop.demo import fill_demo, parallel
from desktop.demo.duties import (
    TRIGGERS,
    DutyViolationError,
    check_duties,
    read_duties,
)
from desktop.demo.life import LifeWriter
from desktop.demo.stored import APPROVAL_COLUMNS, PROCEDURE_COLUMNS
from desktop.storage.database import Database
from desktop.storage.models import Approval, Asset, Procedure


def _triggers(connection: Connection) -> dict[str, str]:
    return dict(
        connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'approvals'"
        ).all()
    )


def test_the_triggers_the_check_stands_for_are_the_ones_the_migrations_create(
    sqlite_db: Database,
) -> None:
    with sqlite_db.engine.connect() as connection:
        found = _triggers(connection)
    assert {name: " ".join(found[name].split()) for name in TRIGGERS} == TRIGGERS


def test_after_a_demo_the_database_still_refuses_an_approval_by_its_performer(
    sqlite_db: Database,
) -> None:
    with sqlite_db.engine.connect() as connection:
        before = _triggers(connection)

    fill_demo(sqlite_db, assets=60)

    with sqlite_db.engine.begin() as connection:
        assert _triggers(connection) == before
        procedure_id, performer = connection.exec_driver_sql(
            "SELECT id, performed_by_id FROM procedures WHERE state = 'pending_approval' LIMIT 1"
        ).one()
        with pytest.raises(IntegrityError, match="nobody approves a procedure they performed"):
            connection.exec_driver_sql(
                "INSERT INTO approvals (id, procedure_id, approver_id, decision, comment, "
                "decided_at, approver_groups) VALUES (?, ?, ?, 'approve', '', "
                "'2026-01-01 00:00:00.000000', '[]')",
                ("f" * 32, procedure_id, performer),
            )


def test_a_duty_broken_by_the_generator_rolls_the_demo_back_loudly(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    performer_at = PROCEDURE_COLUMNS.index("performed_by_id")

    class Broken(LifeWriter):  # an approval by the procedure's own performer
        def live(self, *args: Any, **kwargs: Any) -> None:
            super().live(*args, **kwargs)
            rows = self.rows
            if rows.approvals and rows.approvals[-1][1] == rows.procedures[-1][0]:
                last = rows.approvals[-1]
                rows.approvals[-1] = (*last[:2], rows.procedures[-1][performer_at], *last[3:])

    monkeypatch.setattr(parallel, "LifeWriter", Broken)
    with sqlite_db.engine.connect() as connection:
        before = _triggers(connection)

    with pytest.raises(DutyViolationError, match=r"demo approval \w+ of procedure \w+ by \w+: "):
        fill_demo(sqlite_db, assets=60)

    with sqlite_db.read() as s:
        for model in (Asset, Procedure, Approval):
            assert s.execute(select(func.count()).select_from(model)).scalar_one() == 0
    with sqlite_db.engine.connect() as connection:
        assert _triggers(connection) == before


#: A case: (state, approvals required, what else the database holds, approvers with their
#: decisions in order, the rule refused by — the start of its message — or "" for none).
#: ``tech`` is the performer, ``ok``/``ok2``/``ok3`` approvers sharing no group with them,
#: ``employee`` a person who is no approver.
_CASES: list[tuple[str, int, str, list[tuple[str, str]], str]] = [
    ("pending_approval", 2, "", [("ok", "approve"), ("ok2", "approve")], ""),
    ("pending_approval", 2, "", [("tech", "approve")], "only an active"),
    ("pending_approval", 2, "tech approves", [("tech", "approve")], "nobody approves"),
    ("pending_approval", 2, "", [("employee", "approve")], "only an active"),
    ("pending_approval", 2, "inactive", [("ok", "approve")], "only an active"),
    ("pending_approval", 2, "shared group", [("ok", "approve")], "the approver shares"),
    (
        "pending_approval",
        2,
        "",
        [("ok", "approve"), ("ok2", "approve"), ("ok3", "approve")],
        "the procedure is not",
    ),
    ("pending_approval", 2, "", [("ok", "reject"), ("ok2", "approve")], "the procedure is not"),
    ("rejected", 1, "", [("ok", "reject")], ""),
    ("cancelled", 2, "", [("ok", "approve")], "the procedure is not"),
    ("completed", 0, "", [("ok", "approve")], "the procedure is not"),
    ("pending_approval", 1, "", [("ok", "approve"), ("ok", "approve")], "the procedure is not"),
]


@pytest.mark.parametrize(("state", "required", "setting", "decisions", "rule"), _CASES)
def test_the_check_refuses_what_the_triggers_refuse_with_their_message(
    sqlite_db: Database,
    state: str,
    required: int,
    setting: str,
    decisions: list[tuple[str, str]],
    rule: str,
) -> None:
    fill_demo(sqlite_db, assets=60)
    with sqlite_db.engine.begin() as connection:
        people = _people(connection)
        if setting == "inactive":
            connection.exec_driver_sql("UPDATE people SET active = 0 WHERE id = ?", (people["ok"],))
        if setting == "shared group":
            connection.exec_driver_sql(
                "INSERT INTO group_memberships (person_id, group_id) SELECT ?, group_id "
                "FROM group_memberships WHERE person_id = ? LIMIT 1",
                (people["ok"], people["tech"]),
            )
        if setting == "tech approves":  # an approver too: only the first rule is broken
            connection.exec_driver_sql(
                "INSERT INTO person_roles (person_id, role_id) "
                "SELECT ?, id FROM roles WHERE name = 'approver'",
                (people["tech"],),
            )
        procedure = _procedure(connection, people["tech"], state, required)
        approvals = [
            ("%032x" % (n + 1), procedure[0], people[who], decision, "", "2026-01-01", "[]")
            for n, (who, decision) in enumerate(decisions)
        ]
        checked = _refused(lambda: check_duties(read_duties(connection), [procedure], approvals))
        connection.exec_driver_sql("SAVEPOINT triggers")
        insert = (
            f"INSERT INTO approvals ({', '.join(APPROVAL_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(APPROVAL_COLUMNS))})"
        )
        by_triggers = _refused(
            lambda: [connection.exec_driver_sql(insert, row) for row in approvals]
        )
        connection.exec_driver_sql("ROLLBACK TO triggers")

        assert checked == by_triggers
        assert (checked or "").startswith(rule) and bool(checked) == bool(rule)


def _refused(work: Callable[[], object]) -> str | None:
    """The policy message ``work`` failed with, None if it did not."""
    try:
        work()
    except (DutyViolationError, IntegrityError) as error:
        return str(error).partition("approvals: ")[2].partition(")")[0]
    return None


def _people(connection: Connection) -> dict[str, str]:
    """A technician who is no approver, three approvers sharing no group with them, an employee."""
    tech = connection.exec_driver_sql(
        "SELECT performed_by_id FROM procedures WHERE performed_by_id NOT IN (SELECT "
        "person_id FROM person_roles pr JOIN roles r ON r.id = pr.role_id "
        "WHERE r.name = 'approver') ORDER BY performed_by_id LIMIT 1"
    ).scalar_one()
    approvers = connection.exec_driver_sql(
        "SELECT a.id FROM people a JOIN person_roles pr ON pr.person_id = a.id "
        "JOIN roles r ON r.id = pr.role_id WHERE r.name = 'approver' AND a.id <> ? "
        "AND NOT EXISTS (SELECT 1 FROM group_memberships mine JOIN group_memberships "
        "theirs ON theirs.group_id = mine.group_id WHERE mine.person_id = a.id "
        "AND theirs.person_id = ?) ORDER BY a.id LIMIT 3",
        (tech, tech),
    ).scalars()
    ok, ok2, ok3 = approvers
    employee = connection.exec_driver_sql(
        "SELECT id FROM people WHERE id NOT IN (SELECT person_id FROM person_roles) LIMIT 1"
    ).scalar_one()
    return {"tech": tech, "ok": ok, "ok2": ok2, "ok3": ok3, "employee": employee}


def _procedure(connection: Connection, tech: str, state: str, required: int) -> tuple[Any, ...]:
    """A new procedure performed by ``tech``, inserted: a copy of one of the demo's."""
    row = list(
        connection.exec_driver_sql(
            f"SELECT {', '.join(PROCEDURE_COLUMNS)} FROM procedures LIMIT 1"
        ).one()
    )
    for column, value in (
        ("id", "e" * 32),
        ("performed_by_id", tech),
        ("state", state),
        ("approvals_required", required),
    ):
        row[PROCEDURE_COLUMNS.index(column)] = value
    connection.exec_driver_sql(
        f"INSERT INTO procedures ({', '.join(PROCEDURE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(PROCEDURE_COLUMNS))})",
        tuple(row),
    )
    return tuple(row)
