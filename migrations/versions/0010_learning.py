"""learning: 错题本, practice sessions, 纠错 reports, 长辈模式

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _keep_case_insensitive_usernames():
    # SQLite's batch mode rebuilds `users` and cannot carry an expression index across: put it back.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username_lower ON users (lower(username))"
        )


def upgrade():
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "source IN ('mistakes', 'category', 'past')",
            name=op.f("ck_practice_sessions_source_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_sessions")),
    )
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mistakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("wrong_count", sa.Integer(), nullable=False),
        sa.Column("last_wrong_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("last_wrong_on", sa.Date(), nullable=False),
        sa.Column("mastered_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_mistakes_question_id_questions")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mistakes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mistakes")),
        sa.UniqueConstraint("user_id", "question_id", name=op.f("uq_mistakes_user_id_question_id")),
    )
    with op.batch_alter_table("mistakes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mistakes_user_id_last_wrong_at", ["user_id", "last_wrong_at"], unique=False
        )

    op.create_table(
        "practice_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("choices", sa.String(length=8), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_practice_answers_question_id_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_practice_answers_session_id_practice_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_answers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_answers")),
        sa.UniqueConstraint(
            "session_id", "question_id", name=op.f("uq_practice_answers_session_id_question_id")
        ),
    )
    with op.batch_alter_table("practice_answers", schema=None) as batch_op:
        batch_op.create_index("ix_practice_answers_day_category", ["day", "category"], unique=False)
        batch_op.create_index(
            "ix_practice_answers_user_id_question_id", ["user_id", "question_id"], unique=False
        )

    op.create_table(
        "question_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "reason IN ('answer', 'stem', 'options', 'explanation', 'other')",
            name=op.f("ck_question_reports_reason_known"),
        ),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('fixed', 'rejected')",
            name=op.f("ck_question_reports_resolution_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'resolved')", name=op.f("ck_question_reports_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_reports_question_id_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_question_reports_resolved_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_question_reports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_reports")),
    )
    with op.batch_alter_table("question_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_question_reports_question_id_status", ["question_id", "status"], unique=False
        )
        batch_op.create_index("ix_question_reports_status_id", ["status", "id"], unique=False)
        batch_op.create_index("ix_question_reports_user_id", ["user_id"], unique=False)
        batch_op.create_index(
            "uq_question_reports_open",
            ["user_id", "question_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("elder_mode", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _keep_case_insensitive_usernames()


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("elder_mode")
    _keep_case_insensitive_usernames()

    with op.batch_alter_table("question_reports", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_question_reports_open",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_question_reports_user_id")
        batch_op.drop_index("ix_question_reports_status_id")
        batch_op.drop_index("ix_question_reports_question_id_status")

    op.drop_table("question_reports")
    with op.batch_alter_table("practice_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_answers_user_id_question_id")
        batch_op.drop_index("ix_practice_answers_day_category")

    op.drop_table("practice_answers")
    with op.batch_alter_table("mistakes", schema=None) as batch_op:
        batch_op.drop_index("ix_mistakes_user_id_last_wrong_at")

    op.drop_table("mistakes")
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_sessions_user_id"))

    op.drop_table("practice_sessions")
