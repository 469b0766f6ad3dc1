"""audit: the append-only audit trail and the auditor role

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-14

"""

import sqlalchemy as sa
from alembic import op

import quiz.models.types

# As in quiz/models/audit.py at this revision (a migration never follows later model changes).
AUDIT_FUNCTION = "audit_log_append_only"
AUDIT_TRIGGERS = ("audit_log_no_change", "audit_log_no_truncate")
APPEND_ONLY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {AUDIT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('quiz.audit_prune', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END
$$
"""
APPEND_ONLY_TRIGGERS = (
    f"CREATE TRIGGER {AUDIT_TRIGGERS[0]} BEFORE UPDATE OR DELETE ON audit_log "
    f"FOR EACH ROW EXECUTE FUNCTION {AUDIT_FUNCTION}()",
    f"CREATE TRIGGER {AUDIT_TRIGGERS[1]} BEFORE TRUNCATE ON audit_log "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {AUDIT_FUNCTION}()",
)


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('citizen', 'reporter', 'admin', 'clerk')"
ROLES_AFTER = "role IN ('citizen', 'reporter', 'admin', 'clerk', 'auditor')"


def _roles(check: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role_known"), check)
    # SQLite's batch mode rebuilds the table and cannot carry an expression index across.
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username_lower ON users (lower(username))"
    )


def upgrade():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index("ix_audit_log_target", ["target"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        for statement in APPEND_ONLY_TRIGGERS:
            op.execute(statement)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enabled_at", quiz.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    _roles(ROLES_AFTER)
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("recovery_codes")
    _roles(ROLES_BEFORE)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")
    if op.get_bind().dialect.name == "postgresql":
        for trigger in AUDIT_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON audit_log")
        op.execute(f"DROP FUNCTION IF EXISTS {AUDIT_FUNCTION}()")
    op.drop_table("audit_log")
