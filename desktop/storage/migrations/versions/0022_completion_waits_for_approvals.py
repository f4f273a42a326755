"""a procedure waiting for approval is completed only by its approvals

Migration 0013 makes the database check every approval row; nothing checked the other
half: a technician's login (it may UPDATE procedures, as recording work needs) could set
its own pending Decommission to ``completed`` with no approval at all — one ``UPDATE``
in psql, and the history read "Decommission completed" though nobody had approved it
(newuser27, on a shared PostgreSQL register). Now, on every backend and for every login:

- a procedure goes from ``pending_approval`` to ``completed`` only when it holds as many
  ``approve`` decisions as it asks for (the service records the last approval, then
  completes it, in one transaction);
- ``approvals_required`` is never changed once recorded (lowering it first would have
  opened the same door).

Frozen: the DDL is written out as it is on this day; no service code is imported.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POLICY = "(Assetdesk policy: approval before change)"
UNAPPROVED = (
    "procedures: a procedure waiting for approval is completed only when the approvals it "
    f"asks for have been given {_POLICY}"
)
REQUIRED_KEPT = (
    "procedures: the number of approvals a procedure asks for is never changed once it is "
    f"recorded {_POLICY}"
)
_APPROVED = (
    "(SELECT COUNT(*) FROM approvals a WHERE a.procedure_id = OLD.id AND a.decision = 'approve')"
)
_COMPLETED_EARLY = (
    f"OLD.state = 'pending_approval' AND NEW.state = 'completed' "
    f"AND {_APPROVED} < OLD.approvals_required"
)
_REQUIRED_CHANGED = "NEW.approvals_required <> OLD.approvals_required"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER procedures_completed_when_approved BEFORE UPDATE ON procedures "
            f"WHEN {_COMPLETED_EARLY} BEGIN SELECT RAISE(ABORT, '{UNAPPROVED}'); END"
        )
        op.execute(
            "CREATE TRIGGER procedures_approvals_required_kept BEFORE UPDATE ON procedures "
            f"WHEN {_REQUIRED_CHANGED} BEGIN SELECT RAISE(ABORT, '{REQUIRED_KEPT}'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION assetdesk_check_procedure_completion() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF {_COMPLETED_EARLY} THEN
                    RAISE EXCEPTION '{UNAPPROVED}' USING ERRCODE = 'insufficient_privilege';
                END IF;
                IF {_REQUIRED_CHANGED} THEN
                    RAISE EXCEPTION '{REQUIRED_KEPT}' USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER procedures_completed_when_approved BEFORE UPDATE ON procedures "
            "FOR EACH ROW EXECUTE FUNCTION assetdesk_check_procedure_completion()"
        )
    else:
        op.execute(
            "CREATE TRIGGER procedures_completed_when_approved BEFORE UPDATE ON procedures "
            f"FOR EACH ROW BEGIN IF {_COMPLETED_EARLY} THEN SIGNAL SQLSTATE '45000' "
            f"SET MESSAGE_TEXT = '{UNAPPROVED}'; END IF; IF {_REQUIRED_CHANGED} THEN "
            f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{REQUIRED_KEPT}'; END IF; END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS procedures_completed_when_approved ON procedures")
        op.execute("DROP FUNCTION IF EXISTS assetdesk_check_procedure_completion()")
        return
    op.execute("DROP TRIGGER IF EXISTS procedures_completed_when_approved")
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS procedures_approvals_required_kept")
