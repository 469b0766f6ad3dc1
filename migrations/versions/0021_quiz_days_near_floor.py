"""each day counts its answers near the interval floor (the suspects report sums the days
instead of reading a range's answers)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

The days of the suspects report's longest range (92 days, up to the newest day) are counted
from their answers here, against the band of the default floor (QUIZ_MIN_ANSWER_MS 1500:
below 2 s); days answered from now on count against the floor in force when each answer came.
Older days keep 0: the report does not reach them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

DEFAULT_BAND_MS = 2000  # quiz.services.answering.floor_band(1500)
REACH_DAYS = 92  # quiz.services.suspects.MAX_SPAN_DAYS


def upgrade():
    with op.batch_alter_table("quiz_days") as batch:
        batch.add_column(sa.Column("near_floor", sa.Integer(), server_default="0", nullable=False))
    since = (
        f"(SELECT max(day) FROM quiz_days) - {REACH_DAYS}"
        if op.get_bind().dialect.name == "postgresql"
        else f"(SELECT date(max(day), '-{REACH_DAYS} days') FROM quiz_days)"
    )
    # One pass over the reach's answers (by their day index), grouped per person and day.
    op.execute(
        "UPDATE quiz_days SET near_floor = near.answers FROM ("
        " SELECT user_id, day, count(*) AS answers FROM answers"
        f" WHERE day >= {since} AND interval_ms < {DEFAULT_BAND_MS}"
        " GROUP BY user_id, day"
        ") AS near WHERE quiz_days.user_id = near.user_id AND quiz_days.day = near.day"
    )


def downgrade():
    with op.batch_alter_table("quiz_days") as batch:
        batch.drop_column("near_floor")
