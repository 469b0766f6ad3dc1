"""campaigns (专项答题): campaigns, their attempts and answers

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("ends_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("question_ids", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("questions_per_attempt", sa.Integer(), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("points_per_correct", sa.Integer(), nullable=False),
        sa.Column("time_limit_s", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("attempts_allowed > 0", name=op.f("ck_campaigns_attempts_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_campaigns_window_ordered")),
        sa.CheckConstraint(
            "points_per_correct >= 0", name=op.f("ck_campaigns_points_not_negative")
        ),
        sa.CheckConstraint(
            "questions_per_attempt > 0", name=op.f("ck_campaigns_questions_positive")
        ),
        sa.CheckConstraint(
            "time_limit_s IS NULL OR time_limit_s > 0",
            name=op.f("ck_campaigns_time_limit_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_campaigns_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_campaigns_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaigns_ends_at"), ["ends_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "campaign_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("started_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("deadline", quiz.models.types.UTCDateTime(), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("last_answer_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.Column("finished_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_attempts_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_campaign_attempts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_attempts")),
        sa.UniqueConstraint(
            "campaign_id",
            "user_id",
            "number",
            name=op.f("uq_campaign_attempts_campaign_id_user_id_number"),
        ),
    )
    with op.batch_alter_table("campaign_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_attempts_campaign_id_correct", ["campaign_id", "correct"], unique=False
        )
        batch_op.create_index("ix_campaign_attempts_user_id", ["user_id"], unique=False)

    op.create_table(
        "campaign_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("choices", sa.String(length=8), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("too_fast", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["campaign_attempts.id"],
            name=op.f("fk_campaign_answers_attempt_id_campaign_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_campaign_answers_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_answers")),
        sa.UniqueConstraint(
            "attempt_id", "question_id", name=op.f("uq_campaign_answers_attempt_id_question_id")
        ),
    )


def downgrade():
    op.drop_table("campaign_answers")
    with op.batch_alter_table("campaign_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_attempts_user_id")
        batch_op.drop_index("ix_campaign_attempts_campaign_id_correct")

    op.drop_table("campaign_attempts")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_starts_at"))
        batch_op.drop_index(batch_op.f("ix_campaigns_ends_at"))

    op.drop_table("campaigns")
