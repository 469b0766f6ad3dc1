"""players: reminder opt-in and 纠错 replies read (player_settings), 忘记密码 reset codes,
where and until when a prize's vouchers are collected

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "player_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reminder_enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reminder_time", sa.String(length=5), nullable=True),
        sa.Column("reports_seen_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_player_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_player_settings")),
    )
    op.create_index(
        "ix_player_settings_reminder",
        "player_settings",
        ["reminder_enabled", "reminder_time"],
        unique=False,
    )
    op.create_table(
        "password_reset_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("used_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_password_reset_codes_issued_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_password_reset_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_password_reset_codes_code_hash")),
    )
    op.create_index(
        op.f("ix_password_reset_codes_user_id"), "password_reset_codes", ["user_id"], unique=False
    )
    with op.batch_alter_table("prizes") as batch_op:
        batch_op.add_column(sa.Column("pickup_place", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("pickup_hours", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("pickup_days", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("prizes") as batch_op:
        batch_op.drop_column("pickup_days")
        batch_op.drop_column("pickup_hours")
        batch_op.drop_column("pickup_place")
    op.drop_index(op.f("ix_password_reset_codes_user_id"), table_name="password_reset_codes")
    op.drop_table("password_reset_codes")
    op.drop_index("ix_player_settings_reminder", table_name="player_settings")
    op.drop_table("player_settings")
