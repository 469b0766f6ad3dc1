"""privacy: consent version, erasure, guardian consents and sign-in history

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

import quiz.models.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (no batch rebuild: users carries an expression index SQLite's batch
    # mode cannot copy).
    op.add_column("users", sa.Column("consent_version", sa.String(length=32), nullable=True))
    op.add_column(
        "users", sa.Column("consent_at", quiz.models.types.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "users", sa.Column("erased_at", quiz.models.types.UTCDateTime(), nullable=True)
    )
    op.create_table(
        "guardian_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.Column("guardian_name", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("notice_version", sa.String(length=32), nullable=False),
        sa.Column("granted_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", quiz.models.types.UTCDateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "source IN ('family', 'paper_form')", name=op.f("ck_guardian_consents_source_known")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["users.id"], name=op.f("fk_guardian_consents_child_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["users.id"], name=op.f("fk_guardian_consents_guardian_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_guardian_consents_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by"], ["users.id"], name=op.f("fk_guardian_consents_withdrawn_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_consents")),
    )
    op.create_index(
        "ix_guardian_consents_child_id", "guardian_consents", ["child_id", "withdrawn_at"]
    )
    op.create_index(
        op.f("ix_guardian_consents_guardian_id"), "guardian_consents", ["guardian_id"]
    )
    op.create_table(
        "sign_in_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.CheckConstraint(
            "method IN ('password', 'sso', 'register')",
            name=op.f("ck_sign_in_records_method_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_in_records_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_records")),
    )
    op.create_index("ix_sign_in_records_user_id_at", "sign_in_records", ["user_id", "at"])
    op.create_index(op.f("ix_sign_in_records_at"), "sign_in_records", ["at"])
    # Consent to show a minor's name given before this revision becomes a recorded paper form.
    op.execute(
        "INSERT INTO guardian_consents (child_id, source, guardian_name, notice_version, "
        "granted_at) SELECT id, 'paper_form', '（迁移前记录）', 'before-0017', created_at "
        "FROM users WHERE show_full_name"
    )


def downgrade():
    op.drop_table("sign_in_records")
    op.drop_table("guardian_consents")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("consent_at")
        batch_op.drop_column("consent_version")
    # SQLite's batch mode rebuilds the table and cannot carry an expression index across.
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username_lower ON users (lower(username))"
    )
