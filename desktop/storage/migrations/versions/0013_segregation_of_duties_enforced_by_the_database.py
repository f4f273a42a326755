"""segregation of duties enforced by the database

An approval row is checked by the database before it is inserted, on SQLite, PostgreSQL
and MariaDB, whoever sends the INSERT:

* the approver is not the person who performed the procedure;
* the approver is an active person holding the ``approver`` role;
* the approver shares no group with the performer;
* once per procedure and approver (the unique constraint of migration 0001);
* no more decisions than the procedure asks for (``approvals_required``; none for a
  procedure that needs no approval), and none after a rejection or a withdrawal.

The service layer (desktop.services.approvals) checks the same first, to say why in
plain words; these triggers make it true for a client we did not write. Whether the
approval is sent by the approver's own login needs per-person logins and is not checked
here. The checks read the people, roles and groups as they are at the moment of the
insert, which is the moment of the decision.

The DDL is written out here as it is on the day of this migration (frozen: it imports
no service code).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POLICY = "(Assetdesk policy: segregation of duties)"

#: (trigger-name suffix, condition that refuses the row, message). ``{true}`` is the
#: dialect's spelling of a true boolean.
RULES = (
    (
        "own",
        "NEW.approver_id = (SELECT p.performed_by_id FROM procedures p "
        "WHERE p.id = NEW.procedure_id)",
        f"approvals: nobody approves a procedure they performed {_POLICY}",
    ),
    (
        "role",
        "NOT EXISTS (SELECT 1 FROM people a JOIN person_roles pr ON pr.person_id = a.id "
        "JOIN roles r ON r.id = pr.role_id WHERE a.id = NEW.approver_id "
        "AND a.active = {true} AND r.name = 'approver')",
        f"approvals: only an active person holding the approver role decides {_POLICY}",
    ),
    (
        "group",
        "EXISTS (SELECT 1 FROM procedures p "
        "JOIN group_memberships mine ON mine.person_id = NEW.approver_id "
        "JOIN group_memberships theirs ON theirs.group_id = mine.group_id "
        "AND theirs.person_id = p.performed_by_id "
        "WHERE p.id = NEW.procedure_id AND p.performed_by_id <> NEW.approver_id)",
        f"approvals: the approver shares a group with the performer {_POLICY}",
    ),
    (
        "decided",
        "EXISTS (SELECT 1 FROM procedures p WHERE p.id = NEW.procedure_id "
        "AND (p.state = 'cancelled' OR (SELECT COUNT(*) FROM approvals x "
        "WHERE x.procedure_id = p.id) >= p.approvals_required)) "
        "OR EXISTS (SELECT 1 FROM approvals x WHERE x.procedure_id = NEW.procedure_id "
        "AND x.decision = 'reject')",
        "approvals: the procedure is not waiting for this decision: it needs no more "
        f"approvals, or was rejected or withdrawn {_POLICY}",
    ),
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix, condition, message in RULES:
            op.execute(
                f"CREATE TRIGGER approvals_sod_{suffix} BEFORE INSERT ON approvals "
                f"WHEN {condition.format(true='1')} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        checks = "\n".join(
            f"IF {condition.format(true='TRUE')} THEN RAISE EXCEPTION '{message}' "
            "USING ERRCODE = 'insufficient_privilege'; END IF;"
            for _suffix, condition, message in RULES
        )
        op.execute(
            "CREATE FUNCTION assetdesk_check_approval() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$\nBEGIN\n{checks}\nRETURN NEW;\nEND\n$$"
        )
        op.execute(
            "CREATE TRIGGER approvals_sod BEFORE INSERT ON approvals "
            "FOR EACH ROW EXECUTE FUNCTION assetdesk_check_approval()"
        )
    else:
        checks = " ".join(
            f"IF {condition.format(true='1')} THEN SIGNAL SQLSTATE '45000' "
            f"SET MESSAGE_TEXT = '{message}'; END IF;"
            for _suffix, condition, message in RULES
        )
        op.execute(
            f"CREATE TRIGGER approvals_sod BEFORE INSERT ON approvals FOR EACH ROW "
            f"BEGIN {checks} END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix, _condition, _message in RULES:
            op.execute(f"DROP TRIGGER IF EXISTS approvals_sod_{suffix}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS approvals_sod ON approvals")
        op.execute("DROP FUNCTION IF EXISTS assetdesk_check_approval()")
    else:
        op.execute("DROP TRIGGER IF EXISTS approvals_sod")
