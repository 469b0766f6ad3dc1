"""fair play: registration addresses, holds, answer intervals

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _keep_case_insensitive_usernames():
    # SQLite's batch mode rebuilds `users` and cannot carry an expression index across: put it back.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username_lower ON users (lower(username))"
        )


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_ip", sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column("held_at", quiz.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("held_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hold_memo", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_registered_ip"), ["registered_ip"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_held_by_users"), "users", ["held_by"], ["id"]
        )
    _keep_case_insensitive_usernames()

    with op.batch_alter_table("quiz_days", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_answer_at", quiz.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("too_fast", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interval_ms", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("too_fast", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "account_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("memo", sa.String(length=255), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "action IN ('hold', 'release')", name=op.f("ck_account_holds_action_known")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_account_holds_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_holds_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_holds")),
    )
    with op.batch_alter_table("account_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_holds_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("account_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_holds_user_id"))
    op.drop_table("account_holds")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("too_fast")
        batch_op.drop_column("interval_ms")
    with op.batch_alter_table("quiz_days", schema=None) as batch_op:
        batch_op.drop_column("too_fast")
        batch_op.drop_column("last_answer_at")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_held_by_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_registered_ip"))
        batch_op.drop_column("hold_memo")
        batch_op.drop_column("held_by")
        batch_op.drop_column("held_at")
        batch_op.drop_column("registered_ip")
    _keep_case_insensitive_usernames()
