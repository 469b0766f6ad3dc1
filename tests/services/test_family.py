"""小手拉大手: the family bonus, called as the daily quiz calls it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import LedgerEntry
from quiz.runtime import runtime_of
from quiz.services import family, leaderboards

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 23)


@pytest.fixture
def reporter(factory):
    return factory.user(role="reporter", invite_code="FAMILY22")


def bonuses(user) -> list[int]:
    return list(
        db.session.scalars(
            select(LedgerEntry.delta).where(
                LedgerEntry.user_id == user.id, LedgerEntry.kind == "family_bonus"
            )
        )
    )


def test_a_linked_member_completing_the_day_earns_the_reporter_the_bonus(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    assert family.on_day_completed(mum, DAY, now=NOW, bonus=5) == 5
    db.session.commit()
    assert bonuses(reporter) == [5] and reporter.balance == 5


def test_the_bonus_is_paid_once_per_member_per_day(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    family.on_day_completed(mum, DAY, now=NOW, bonus=5)
    assert family.on_day_completed(mum, DAY, now=NOW + timedelta(hours=1), bonus=5) == 0
    db.session.commit()
    assert bonuses(reporter) == [5]


def test_the_next_day_pays_again(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    family.on_day_completed(mum, DAY, now=NOW, bonus=5)
    assert (
        family.on_day_completed(mum, DAY + timedelta(days=1), now=NOW + timedelta(days=1), bonus=5)
        == 5
    )


def test_each_member_counts_separately(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    dad = factory.user(family_reporter_id=reporter.id)
    family.on_day_completed(mum, DAY, now=NOW, bonus=5)
    family.on_day_completed(dad, DAY, now=NOW, bonus=5)
    db.session.commit()
    assert bonuses(reporter) == [5, 5]


def test_an_unlinked_user_earns_nobody_a_bonus(factory, reporter):
    stranger = factory.user()
    assert family.on_day_completed(stranger, DAY, now=NOW, bonus=5) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_members_over_the_cap_earn_no_bonus(factory, reporter):
    members = [factory.user(family_reporter_id=reporter.id) for _ in range(3)]
    paid = [family.on_day_completed(m, DAY, now=NOW, bonus=5, family_max=2) for m in members]
    assert paid == [5, 5, 0]


def test_the_cap_defaults_to_six_members_as_quiz_family_max_does(factory, reporter):
    members = [factory.user(family_reporter_id=reporter.id) for _ in range(7)]
    paid = [family.on_day_completed(m, DAY, now=NOW, bonus=5) for m in members]
    assert paid == [5] * 6 + [0]


def test_no_bonus_while_the_inviter_is_no_longer_a_reporter(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    reporter.role = "citizen"
    db.session.commit()
    assert family.on_day_completed(mum, DAY, now=NOW, bonus=5) == 0


def test_a_zero_bonus_posts_nothing(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    assert family.on_day_completed(mum, DAY, now=NOW, bonus=0) == 0
    assert bonuses(reporter) == []


def test_the_family_bonus_counts_on_the_reporters_boards(app, factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id)
    family.on_day_completed(mum, DAY, now=NOW, bonus=5)
    db.session.commit()
    standing = leaderboards.standing(
        runtime_of(app).board_store, "reporters", "day", reporter, now=NOW, limit=10
    )
    assert standing.me == {"rank": 1, "score": 5}


def test_the_family_view_shows_who_took_part_today_and_this_week(factory, reporter):
    mum = factory.user(family_reporter_id=reporter.id, display_name="妈妈")
    dad = factory.user(family_reporter_id=reporter.id, display_name="爸爸")
    family.on_day_completed(mum, DAY, now=NOW, bonus=5)
    family.on_day_completed(mum, DAY + timedelta(days=1), now=NOW + timedelta(days=1), bonus=5)
    family.on_day_completed(dad, DAY, now=NOW, bonus=5)
    db.session.commit()
    view = family.family_of(reporter, today=DAY + timedelta(days=1), family_max=6)
    rows = {m["display_name"]: m for m in view["members"]}
    assert view["completed_today"] == 1 and view["invite_code"] == "FAMILY22"
    assert rows["妈妈"]["completed_today"] and rows["妈妈"]["days_this_week"] == 2
    assert not rows["爸爸"]["completed_today"] and rows["爸爸"]["last_completed"] == DAY
