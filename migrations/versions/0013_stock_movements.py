"""stock movements: every change to a prize's stock is recorded

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29

"""

from alembic import op
import sqlalchemy as sa

import quiz.models.types


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prize_id", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("stock_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("memo", sa.String(length=255), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", quiz.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("delta <> 0", name=op.f("ck_stock_movements_delta_non_zero")),
        sa.CheckConstraint(
            "stock_after >= 0", name=op.f("ck_stock_movements_stock_after_non_negative")
        ),
        sa.CheckConstraint(
            "reason IN ('initial', 'restock', 'redeem', 'cancel')",
            name=op.f("ck_stock_movements_reason_known"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_stock_movements_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["prize_id"],
            ["prizes.id"],
            name=op.f("fk_stock_movements_prize_id_prizes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index("ix_stock_movements_prize_id_id", ["prize_id", "id"], unique=False)
    # The stock already on the shelves becomes each prize's opening movement, so a prize's
    # movements always add up to its stock.
    op.execute(
        "INSERT INTO stock_movements (prize_id, delta, stock_after, reason, memo, created_at) "
        "SELECT id, stock, stock, 'initial', '迁移时的库存', updated_at FROM prizes WHERE stock > 0"
    )


def downgrade():
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_prize_id_id")
    op.drop_table("stock_movements")
