"""小手拉大手: family members' daily completions earn their reporter a bonus.

Filled in by the young-reporters issue; the daily quiz calls `on_day_completed` in the same
transaction as the answer that completes a member's day.
"""

from __future__ import annotations

from datetime import date, datetime


def on_day_completed(member, day: date, *, now: datetime, bonus: int) -> int:
    """Credit the member's reporter (once per member per day). Returns the points awarded."""
    return 0
