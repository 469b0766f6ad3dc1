"""partners: the news app's mall spends points over a signed API (debits, refunds, nonces)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("allowed_ips", sa.JSON(), nullable=False),
        sa.Column("daily_debit_limit", sa.Integer(), nullable=True),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("secret_salt", sa.String(length=64), nullable=False),
        sa.Column("previous_salt", sa.String(length=64), nullable=True),
        sa.Column("previous_valid_until", quiz.models.types.UTCDateTime(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'suspended')", name=op.f("ck_partners_status_known")
        ),
        sa.CheckConstraint(
            "daily_debit_limit IS NULL OR daily_debit_limit > 0",
            name=op.f("ck_partners_daily_limit_positive"),
        ),
        sa.CheckConstraint("requests_per_minute > 0", name=op.f("ck_partners_rate_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_partners_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
        sa.UniqueConstraint("name", name=op.f("uq_partners_name")),
    )
    op.create_table(
        "partner_debits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=128), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("memo", sa.String(length=128), nullable=True),
        sa.Column("refunded", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_partner_debits_points_positive")),
        sa.CheckConstraint(
            "refunded >= 0 AND refunded <= points",
            name=op.f("ck_partner_debits_refunded_within_points"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_partner_debits_ledger_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_debits_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_partner_debits_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_debits")),
        sa.UniqueConstraint(
            "partner_id", "order_id", name=op.f("uq_partner_debits_partner_id_order_id")
        ),
    )
    with op.batch_alter_table("partner_debits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_debits_partner_id_created_at", ["partner_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partner_debits_user_id"), ["user_id"], unique=False)

    op.create_table(
        "partner_nonces",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_nonces_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", "nonce", name=op.f("pk_partner_nonces")),
    )
    with op.batch_alter_table("partner_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_nonces_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "partner_request_counts",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_request_counts_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "partner_id", "window_start", name=op.f("pk_partner_request_counts")
        ),
    )
    op.create_table(
        "partner_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("debit_id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("points > 0", name=op.f("ck_partner_refunds_points_positive")),
        sa.ForeignKeyConstraint(
            ["debit_id"],
            ["partner_debits.id"],
            name=op.f("fk_partner_refunds_debit_id_partner_debits"),
        ),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_partner_refunds_ledger_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_refunds_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_refunds")),
        sa.UniqueConstraint(
            "partner_id", "refund_id", name=op.f("uq_partner_refunds_partner_id_refund_id")
        ),
    )
    with op.batch_alter_table("partner_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_refunds_debit_id"), ["debit_id"], unique=False)
        batch_op.create_index(
            "ix_partner_refunds_partner_id_created_at", ["partner_id", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("partner_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_refunds_partner_id_created_at")
        batch_op.drop_index(batch_op.f("ix_partner_refunds_debit_id"))

    op.drop_table("partner_refunds")
    op.drop_table("partner_request_counts")
    with op.batch_alter_table("partner_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_nonces_expires_at"))

    op.drop_table("partner_nonces")
    with op.batch_alter_table("partner_debits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_debits_user_id"))
        batch_op.drop_index("ix_partner_debits_partner_id_created_at")

    op.drop_table("partner_debits")
    op.drop_table("partners")
