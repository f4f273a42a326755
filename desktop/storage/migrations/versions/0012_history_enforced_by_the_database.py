"""history enforced by the database

Approvals, audit scans and incident events are never updated or deleted; procedures are
never deleted, and a procedure in a final state (completed, rejected, cancelled,
conflict) is never updated. Until now only the application's flush guards said so; these
triggers make it true for any client and any login, on SQLite, PostgreSQL and MariaDB.

The DDL is written out here as it is on the day of this migration (frozen: it imports
no service code).

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose rows are never updated or deleted.
APPEND_ONLY = ("approvals", "audit_scans", "incident_events")
#: Procedure states after which a procedure is history (desktop.domain.lifecycle, today).
FINAL_STATES = ("completed", "rejected", "cancelled", "conflict")
_FINAL_SQL = ", ".join(f"'{state}'" for state in FINAL_STATES)


def _message(table: str, verb: str) -> str:
    return f"{table} rows are history: they are never {verb} (Assetdesk policy)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite()
    elif dialect == "postgresql":
        _postgresql()
    else:
        _mariadb()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    names = [f"{t}_no_{v}" for t in APPEND_ONLY for v in ("update", "delete")]
    names += ["procedures_no_delete", "procedures_final_no_update"]
    for name in names:
        if dialect == "postgresql":
            table = name.rsplit("_no_", 1)[0].removesuffix("_final")
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS assetdesk_refuse_history_change()")
        op.execute("DROP FUNCTION IF EXISTS assetdesk_refuse_final_procedure_change()")


def _sqlite() -> None:
    for table in APPEND_ONLY:
        for event, verb in (("UPDATE", "updated"), ("DELETE", "deleted")):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{_message(table, verb)}'); END"
            )
    op.execute(
        "CREATE TRIGGER procedures_no_delete BEFORE DELETE ON procedures "
        f"BEGIN SELECT RAISE(ABORT, '{_message('procedures', 'deleted')}'); END"
    )
    op.execute(
        "CREATE TRIGGER procedures_final_no_update BEFORE UPDATE ON procedures "
        f"WHEN old.state IN ({_FINAL_SQL}) "
        "BEGIN SELECT RAISE(ABORT, 'procedures rows in a final state are history: they "
        "are never updated (Assetdesk policy)'); END"
    )


def _postgresql() -> None:
    op.execute(
        """
        CREATE FUNCTION assetdesk_refuse_history_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% rows are history: they are never %d (Assetdesk policy)',
                TG_TABLE_NAME, lower(TG_OP)
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION assetdesk_refuse_final_procedure_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.state IN ({_FINAL_SQL}) THEN
                RAISE EXCEPTION 'procedures rows in a final state are history: they are '
                    'never updated (Assetdesk policy)'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END
        $$
        """
    )
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION assetdesk_refuse_history_change()"
            )
    op.execute(
        "CREATE TRIGGER procedures_no_delete BEFORE DELETE ON procedures "
        "FOR EACH ROW EXECUTE FUNCTION assetdesk_refuse_history_change()"
    )
    op.execute(
        "CREATE TRIGGER procedures_final_no_update BEFORE UPDATE ON procedures "
        "FOR EACH ROW EXECUTE FUNCTION assetdesk_refuse_final_procedure_change()"
    )


def _mariadb() -> None:
    for table in APPEND_ONLY:
        for event, verb in (("UPDATE", "updated"), ("DELETE", "deleted")):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"FOR EACH ROW SIGNAL SQLSTATE '45000' "
                f"SET MESSAGE_TEXT = '{_message(table, verb)}'"
            )
    op.execute(
        "CREATE TRIGGER procedures_no_delete BEFORE DELETE ON procedures FOR EACH ROW "
        f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{_message('procedures', 'deleted')}'"
    )
    op.execute(
        "CREATE TRIGGER procedures_final_no_update BEFORE UPDATE ON procedures FOR EACH ROW "
        f"BEGIN IF OLD.state IN ({_FINAL_SQL}) THEN SIGNAL SQLSTATE '45000' "
        "SET MESSAGE_TEXT = 'procedures rows in a final state are history: they are never "
        "updated (Assetdesk policy)'; END IF; END"
    )
