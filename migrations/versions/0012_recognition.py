"""recognition: certificates and participation targets

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("issued_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_certificates_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint(
            "user_id", "kind", "subject", name=op.f("uq_certificates_user_id_kind_subject")
        ),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_user_id"), ["user_id"], unique=False)

    op.create_table(
        "participation_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("updated_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "scope IN ('district', 'team')", name=op.f("ck_participation_targets_scope_known")
        ),
        sa.CheckConstraint(
            "target >= 0", name=op.f("ck_participation_targets_target_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_participation_targets_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participation_targets")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_participation_targets_scope_key")),
    )


def downgrade():
    op.drop_table("participation_targets")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_user_id"))
    op.drop_table("certificates")
