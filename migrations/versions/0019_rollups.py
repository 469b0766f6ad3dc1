"""rollups: the answers summed per finished day (reports over a year read them), and the
index the per-day reads of quiz_days need

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

import quiz.models.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rollup_question_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("timed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_rollup_question_days_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("day", "question_id", name=op.f("pk_rollup_question_days")),
    )
    op.create_table(
        "rollup_awareness_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "district", "category", name=op.f("pk_rollup_awareness_days")
        ),
    )
    op.create_table(
        "rollup_participation_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_rollup_participation_days")),
    )
    op.create_table(
        "rollup_state",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("updated_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_state")),
    )
    op.create_table(
        "rollup_people_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_rollup_people_months_user_id_users")
        ),
        sa.PrimaryKeyConstraint(
            "month", "scope", "key", "user_id", name=op.f("pk_rollup_people_months")
        ),
    )
    op.create_table(
        "rollup_question_picks",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("choices", sa.String(length=8), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_rollup_question_picks_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint(
            "day", "question_id", "choices", name=op.f("pk_rollup_question_picks")
        ),
    )
    op.create_table(
        "rollup_question_scores",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("rest", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_rollup_question_scores_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint(
            "day", "question_id", "rest", name=op.f("pk_rollup_question_scores")
        ),
    )
    op.create_index("ix_quiz_days_day", "quiz_days", ["day"])
    # The median answer time reads the middle of each question's intervals from this index.
    op.create_index("ix_answers_question_id_interval_ms", "answers", ["question_id", "interval_ms"])


def downgrade():
    op.drop_index("ix_answers_question_id_interval_ms", table_name="answers")
    op.drop_index("ix_quiz_days_day", table_name="quiz_days")
    op.drop_table("rollup_question_scores")
    op.drop_table("rollup_question_picks")
    op.drop_table("rollup_people_months")
    op.drop_table("rollup_state")
    op.drop_table("rollup_participation_days")
    op.drop_table("rollup_awareness_days")
    op.drop_table("rollup_question_days")
