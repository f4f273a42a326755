"""one login per person, an append-only log of administration, approvals by their own login

* ``person_logins``: the database login a person works under on a shared server (no
  row for a person with no login, and on local files, which are single-user). Unique:
  one login is one person, one person one login. A table of its own rather than a
  column of ``people``, so that code reading people at older revisions is untouched.
* ``admin_log``: every administrative action (a login created, a role changed, a login
  disabled, a password changed) — who did it, as which login, when, to whom, what.
  Append-only: triggers refuse UPDATE and DELETE on every backend; on the servers a
  trigger writes the inserting login into ``actor_login``, whatever the client sent.
* On PostgreSQL and MariaDB an approval row is only accepted from the approver's own
  login: the approver's ``person_logins.login`` must be the session's login (PostgreSQL
  ``session_user``; MariaDB the user part of ``USER()``). The owner login that installs
  and upgrades the schema (it may drop these triggers anyway) is let through: on
  PostgreSQL a superuser, or the owner of the trigger function (``current_user`` inside
  the SECURITY DEFINER function); on MariaDB the trigger's definer (``CURRENT_USER()``
  inside the trigger). SQLite files are single-user: no login to compare.

The DDL is written out here as it is on the day of this migration (frozen: it imports
no service code).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import desktop.storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG_MESSAGE = "admin_log rows are history: they are never {verb} (Assetdesk policy)"
_OWN_LOGIN = (
    "approvals: an approval is recorded only from the database login of the approver "
    "(Assetdesk policy: segregation of duties)"
)

#: 0013's checks, copied as they were (the PostgreSQL function is replaced as a whole).
_POLICY = "(Assetdesk policy: segregation of duties)"
_RULES_0013 = (
    (
        "NEW.approver_id = (SELECT p.performed_by_id FROM procedures p "
        "WHERE p.id = NEW.procedure_id)",
        f"approvals: nobody approves a procedure they performed {_POLICY}",
    ),
    (
        "NOT EXISTS (SELECT 1 FROM people a JOIN person_roles pr ON pr.person_id = a.id "
        "JOIN roles r ON r.id = pr.role_id WHERE a.id = NEW.approver_id "
        "AND a.active = TRUE AND r.name = 'approver')",
        f"approvals: only an active person holding the approver role decides {_POLICY}",
    ),
    (
        "EXISTS (SELECT 1 FROM procedures p "
        "JOIN group_memberships mine ON mine.person_id = NEW.approver_id "
        "JOIN group_memberships theirs ON theirs.group_id = mine.group_id "
        "AND theirs.person_id = p.performed_by_id "
        "WHERE p.id = NEW.procedure_id AND p.performed_by_id <> NEW.approver_id)",
        f"approvals: the approver shares a group with the performer {_POLICY}",
    ),
    (
        "EXISTS (SELECT 1 FROM procedures p WHERE p.id = NEW.procedure_id "
        "AND (p.state = 'cancelled' OR (SELECT COUNT(*) FROM approvals x "
        "WHERE x.procedure_id = p.id) >= p.approvals_required)) "
        "OR EXISTS (SELECT 1 FROM approvals x WHERE x.procedure_id = NEW.procedure_id "
        "AND x.decision = 'reject')",
        "approvals: the procedure is not waiting for this decision: it needs no more "
        f"approvals, or was rejected or withdrawn {_POLICY}",
    ),
)
_PG_OWN_LOGIN = (
    "NOT (session_user = current_user "
    "OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)) "
    "AND NOT EXISTS (SELECT 1 FROM person_logins a WHERE a.person_id = NEW.approver_id "
    "AND a.login = session_user)"
)


def upgrade() -> None:
    op.create_table(
        "person_logins",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_logins_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_logins")),
    )
    with op.batch_alter_table("person_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_logins_login"), ["login"], unique=True)
    op.create_table(
        "admin_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", desktop.storage.types.UTCDateTime(), nullable=False),
        sa.Column("actor_login", sa.String(length=100), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_login", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_admin_log_actor_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_log")),
    )
    with op.batch_alter_table("admin_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_log_at"), ["at"], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event, verb in (("UPDATE", "updated"), ("DELETE", "deleted")):
            op.execute(
                f"CREATE TRIGGER admin_log_no_{event.lower()} BEFORE {event} ON admin_log "
                f"BEGIN SELECT RAISE(ABORT, '{_LOG_MESSAGE.format(verb=verb)}'); END"
            )
    elif dialect == "postgresql":
        _postgresql()
    else:
        _mariadb()


def _postgresql() -> None:
    for event in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER admin_log_no_{event} BEFORE {event.upper()} ON admin_log "
            "FOR EACH ROW EXECUTE FUNCTION assetdesk_refuse_history_change()"
        )
    op.execute(
        "CREATE FUNCTION assetdesk_stamp_admin_log() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN NEW.actor_login := session_user; RETURN NEW; END\n$$"
    )
    op.execute(
        "CREATE TRIGGER admin_log_actor BEFORE INSERT ON admin_log "
        "FOR EACH ROW EXECUTE FUNCTION assetdesk_stamp_admin_log()"
    )
    rules = (*_RULES_0013, (_PG_OWN_LOGIN, _OWN_LOGIN))
    checks = "\n".join(
        f"IF {condition} THEN RAISE EXCEPTION '{message}' "
        "USING ERRCODE = 'insufficient_privilege'; END IF;"
        for condition, message in rules
    )
    # SECURITY DEFINER: current_user inside is the function's owner (the owner login),
    # and the checks read people and roles whatever the caller may read.
    op.execute(
        "CREATE OR REPLACE FUNCTION assetdesk_check_approval() RETURNS trigger "
        "LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT "
        f"AS $$\nBEGIN\n{checks}\nRETURN NEW;\nEND\n$$"
    )
    op.execute("REVOKE ALL ON FUNCTION assetdesk_check_approval() FROM PUBLIC")


def _mariadb() -> None:
    for event, verb in (("UPDATE", "updated"), ("DELETE", "deleted")):
        op.execute(
            f"CREATE TRIGGER admin_log_no_{event.lower()} BEFORE {event} ON admin_log "
            f"FOR EACH ROW SIGNAL SQLSTATE '45000' "
            f"SET MESSAGE_TEXT = '{_LOG_MESSAGE.format(verb=verb)}'"
        )
    op.execute(
        "CREATE TRIGGER admin_log_actor BEFORE INSERT ON admin_log FOR EACH ROW "
        "SET NEW.actor_login = SUBSTRING_INDEX(USER(), '@', 1)"
    )
    # Inside a trigger CURRENT_USER() is its definer (the owner login that ran this
    # migration); USER() is the login the client connected as.
    op.execute(
        "CREATE TRIGGER approvals_own_login BEFORE INSERT ON approvals FOR EACH ROW "
        "BEGIN IF SUBSTRING_INDEX(USER(), '@', 1) <> SUBSTRING_INDEX(CURRENT_USER(), '@', 1) "
        "AND NOT EXISTS (SELECT 1 FROM person_logins a WHERE a.person_id = NEW.approver_id "
        "AND a.login = SUBSTRING_INDEX(USER(), '@', 1)) "
        f"THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{_OWN_LOGIN}'; END IF; END"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        checks = "\n".join(
            f"IF {condition} THEN RAISE EXCEPTION '{message}' "
            "USING ERRCODE = 'insufficient_privilege'; END IF;"
            for condition, message in _RULES_0013
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION assetdesk_check_approval() RETURNS trigger "
            "LANGUAGE plpgsql SECURITY INVOKER "
            f"AS $$\nBEGIN\n{checks}\nRETURN NEW;\nEND\n$$"
        )
        op.execute("ALTER FUNCTION assetdesk_check_approval() RESET search_path")
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS admin_log_no_{event} ON admin_log")
        op.execute("DROP TRIGGER IF EXISTS admin_log_actor ON admin_log")
        op.execute("DROP FUNCTION IF EXISTS assetdesk_stamp_admin_log()")
    else:
        if dialect != "sqlite":
            op.execute("DROP TRIGGER IF EXISTS approvals_own_login")
            op.execute("DROP TRIGGER IF EXISTS admin_log_actor")
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS admin_log_no_{event}")
    with op.batch_alter_table("admin_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_log_at"))
    op.drop_table("admin_log")
    with op.batch_alter_table("person_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_logins_login"))
    op.drop_table("person_logins")
