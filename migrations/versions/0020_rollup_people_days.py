"""rollups: distinct people counted without a union of user ids (per day, by the day each
person last took part before), the months' lists with each person's first, last and previous
day, and each question's median answer time of the finished days

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

The new columns and tables are filled by the next `flask rollups refresh`: the upgrade clears
the rollup state, so the reports read the raw rows (exact, slower) until it has run.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM rollup_state")
    op.execute("DELETE FROM rollup_people_months")
    with op.batch_alter_table("rollup_people_months") as batch:
        batch.add_column(sa.Column("first_day", sa.Date(), nullable=False))
        batch.add_column(sa.Column("last_day", sa.Date(), nullable=False))
        batch.add_column(sa.Column("before", sa.Date(), nullable=False))
    op.create_index(
        "ix_rollup_people_months_scope_key_user_id_month",
        "rollup_people_months",
        ["scope", "key", "user_id", "month"],
    )
    op.create_index(
        "ix_rollup_people_months_scope_month_before",
        "rollup_people_months",
        ["scope", "month", "before", "first_day", "user_id"],
    )
    op.create_table(
        "rollup_people_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("prev", sa.Date(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "day", "key", "prev", name=op.f("pk_rollup_people_days")),
    )
    op.create_table(
        "rollup_question_medians",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("timed", sa.Integer(), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("below", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_rollup_question_medians_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_rollup_question_medians")),
    )


def downgrade():
    op.drop_table("rollup_question_medians")
    op.drop_table("rollup_people_days")
    op.drop_index("ix_rollup_people_months_scope_month_before", table_name="rollup_people_months")
    op.drop_index(
        "ix_rollup_people_months_scope_key_user_id_month", table_name="rollup_people_months"
    )
    with op.batch_alter_table("rollup_people_months") as batch:
        batch.drop_column("before")
        batch.drop_column("last_day")
        batch.drop_column("first_day")
