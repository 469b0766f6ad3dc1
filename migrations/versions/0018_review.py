"""review (三审): question versions, review batches, the version every answer saw

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Every existing question gets version 1, published; every existing answer, practice answer,
campaign answer and mistake is marked as given to version 1.
"""

import sqlalchemy as sa
from alembic import op

import quiz.models.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('citizen', 'reporter', 'admin', 'clerk', 'auditor')"
ROLES_AFTER = "role IN ('citizen', 'reporter', 'admin', 'clerk', 'auditor', 'editor', 'reviewer')"
VERSIONED = ("answers", "practice_answers", "campaign_answers", "mistakes")


def _roles(check: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role_known"), check)
    # SQLite's batch mode rebuilds the table and cannot carry an expression index across.
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username_lower ON users (lower(username))"
    )


def _create_tables() -> None:
    op.create_table(
        "review_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewer_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("decided_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'returned', 'published')",
            name=op.f("ck_review_batches_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_review_batches_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["question_banks.id"], name=op.f("fk_review_batches_bank_id_question_banks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_batches")),
    )
    op.create_index(op.f("ix_review_batches_status"), "review_batches", ["status"], unique=False)
    op.create_table(
        "question_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("stem", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("rescore", sa.String(length=16), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("decided_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'published', 'returned', 'superseded')",
            name=op.f("ck_question_versions_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_question_versions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["review_batches.id"],
            name=op.f("fk_question_versions_batch_id_review_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_versions_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_versions")),
    )
    op.create_index(
        "uq_question_versions_question_id_version",
        "question_versions",
        ["question_id", "version"],
        unique=True,
    )
    op.create_index("ix_question_versions_status", "question_versions", ["status"])
    op.create_index("ix_question_versions_batch_id", "question_versions", ["batch_id"])


def upgrade():
    _create_tables()
    # Plain ADD COLUMNs (no batch rebuild of the big tables).
    op.add_column(
        "questions", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    for table in VERSIONED:
        op.add_column(
            table,
            sa.Column("question_version", sa.Integer(), server_default="1", nullable=False),
        )
    op.add_column("question_reports", sa.Column("fixed_version", sa.Integer(), nullable=True))
    _roles(ROLES_AFTER)
    # Backfill: what every question says today is its version 1, published.
    op.execute(
        "INSERT INTO question_versions (question_id, version, status, type, stem, options,"
        " answer, explanation, category, difficulty, points, active, content_hash, author_id,"
        " reviewer_ids, created_at, decided_at)"
        " SELECT id, 1, 'published', type, stem, options, answer, explanation, category,"
        " difficulty, points, active, content_hash, NULL, '[]', created_at, created_at"
        " FROM questions"
    )


def downgrade():
    op.execute("DELETE FROM users WHERE role IN ('editor', 'reviewer')")
    _roles(ROLES_BEFORE)
    op.drop_column("question_reports", "fixed_version")
    for table in VERSIONED:
        op.drop_column(table, "question_version")
    op.drop_column("questions", "version")
    op.drop_index("ix_question_versions_batch_id", table_name="question_versions")
    op.drop_index("ix_question_versions_status", table_name="question_versions")
    op.drop_index("uq_question_versions_question_id_version", table_name="question_versions")
    op.drop_table("question_versions")
    op.drop_index(op.f("ix_review_batches_status"), table_name="review_batches")
    op.drop_table("review_batches")
