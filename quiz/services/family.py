"""小手拉大手: family members' daily completions earn their reporter a bonus.

The daily quiz calls `on_day_completed` in the same transaction as the answer that completes
a member's day. The ledger key `family:{member}:{day}` makes the bonus once per member per day
however often it is called; only the first QUIZ_FAMILY_MAX members (by sign-up) count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.models.account import Role
from quiz.models.ledger import LedgerKind
from quiz.services.ledger import post_entry

DEFAULT_FAMILY_MAX = 6  # QUIZ_FAMILY_MAX's default


def bonus_key(member_id: int, day: date) -> str:
    return f"family:{member_id}:{day.isoformat()}"


def on_day_completed(
    member, day: date, *, now: datetime, bonus: int, family_max: int = DEFAULT_FAMILY_MAX
) -> int:
    """Credit the member's reporter (once per member per day). Returns the points awarded."""
    if bonus <= 0 or member.family_reporter_id is None:
        return 0
    reporter = db.session.get(User, member.family_reporter_id)
    if reporter is None or reporter.role != Role.REPORTER:
        return 0  # the inviter left their team: no bonus while they are not a reporter
    earlier = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.family_reporter_id == reporter.id, User.id < member.id)
    )
    if earlier >= family_max:
        return 0
    posted = post_entry(
        reporter.id,
        bonus,
        LedgerKind.FAMILY_BONUS,
        key=bonus_key(member.id, day),
        now=now,
        ref=f"family:{member.id}",
        memo=f"家人 {member.display_name} 完成 {day.isoformat()} 答题",
    )
    return bonus if posted.created else 0


def family_of(reporter: User, *, today: date, family_max: int) -> dict:
    """The reporter's family and how each member has taken part (from the bonus entries)."""
    members = list(
        db.session.scalars(
            select(User).where(User.family_reporter_id == reporter.id).order_by(User.id)
        )
    )
    days: dict[int, set[date]] = {m.id: set() for m in members}
    earned = {m.id: 0 for m in members}
    entries = db.session.execute(
        select(LedgerEntry.idempotency_key, LedgerEntry.delta).where(
            LedgerEntry.user_id == reporter.id, LedgerEntry.kind == LedgerKind.FAMILY_BONUS
        )
    )
    for key, delta in entries:
        _, member_id, day = key.split(":")
        if int(member_id) in days:
            days[int(member_id)].add(date.fromisoformat(day))
            earned[int(member_id)] += delta
    week_start = today - timedelta(days=today.weekday())
    rows = []
    for m in members:
        done = days[m.id]
        rows.append(
            {
                "id": m.id,
                "display_name": m.display_name,
                "joined_at": m.created_at,
                "completed_today": today in done,
                "days_this_week": sum(1 for d in done if week_start <= d <= today),
                "days_total": len(done),
                "last_completed": max(done) if done else None,
                "points_earned": earned[m.id],
            }
        )
    return {
        "invite_code": reporter.invite_code,
        "max_members": family_max,
        "completed_today": sum(1 for r in rows if r["completed_today"]),
        "members": rows,
    }
