"""The year simulator writes a history that obeys live traffic's invariants, on both databases."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quiz.clock import day_bounds
from quiz.extensions import db
from quiz.models import (
    STAFF_ROLES,
    AccountHold,
    Answer,
    Campaign,
    CampaignAnswer,
    CampaignAttempt,
    DailySet,
    LedgerEntry,
    Mistake,
    Question,
    QuestionReport,
    QuizDay,
    User,
)
from quiz.models.account import is_minor
from quiz.models.shop import Prize, Redemption, StockMovement
from quiz.runtime import runtime_of
from quiz.services import campaign_board, fairplay, ledger, question_reports, shop, suspects
from tests.services.city import simulated_city

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)


def test_every_balance_equals_the_sum_of_its_ledger_entries(app, factory):
    _, done = simulated_city(app, factory)
    assert done.rows["answers"] > 100
    assert ledger.mismatches() == []
    assert db.session.scalar(select(func.sum(User.balance))) > 0


def test_each_user_answers_a_question_at_most_once_a_day(app, factory):
    simulated_city(app, factory)
    keys = select(Answer.user_id, Answer.question_id, Answer.day).distinct().subquery()
    assert db.session.scalar(select(func.count()).select_from(keys)) == db.session.scalar(
        select(func.count()).select_from(Answer)
    )


def test_every_answer_is_one_of_its_days_set(app, factory):
    simulated_city(app, factory)
    sets = dict(db.session.execute(select(DailySet.day, DailySet.question_ids)).all())
    for day, question_id in db.session.execute(select(Answer.day, Answer.question_id)):
        assert question_id in sets[day]


def test_each_day_row_counts_its_answers_right_answers_and_points(app, factory):
    simulated_city(app, factory)
    right = func.sum(func.cast(Answer.correct, db.Integer))
    sums = {
        (uid, day): (n, int(c), int(p))
        for uid, day, n, c, p in db.session.execute(
            select(
                Answer.user_id, Answer.day, func.count(), right, func.sum(Answer.points)
            ).group_by(Answer.user_id, Answer.day)
        )
    }
    days = db.session.execute(
        select(QuizDay.user_id, QuizDay.day, QuizDay.answered, QuizDay.correct, QuizDay.points)
    ).all()
    assert len(days) == len(sums)
    for uid, day, answered, correct, points in days:
        assert sums[(uid, day)] == (answered, correct, points)


def test_a_completed_day_is_one_with_every_question_answered(app, factory):
    simulated_city(app, factory)
    for answered, total, completed in db.session.execute(
        select(QuizDay.answered, QuizDay.total, QuizDay.completed_at)
    ):
        assert (completed is not None) == (answered == total)


def test_each_earning_answer_has_its_ledger_entry_under_the_live_key(app, factory):
    simulated_city(app, factory)
    earning = db.session.execute(
        select(Answer.user_id, Answer.day, Answer.question_id, Answer.points - Answer.bonus).where(
            Answer.points > Answer.bonus
        )
    ).all()
    entries = dict(
        db.session.execute(
            select(LedgerEntry.idempotency_key, LedgerEntry.delta).where(
                LedgerEntry.kind == "quiz_correct"
            )
        ).all()
    )
    assert len(entries) == len(earning)
    for uid, day, qid, points in earning:
        assert entries[f"quiz:{uid}:{day.isoformat()}:{qid}"] == points


def test_mistakes_count_each_users_wrong_answers_per_question(app, factory):
    simulated_city(app, factory)
    wrong = Counter(
        {
            (uid, qid): n
            for uid, qid, n in db.session.execute(
                select(Answer.user_id, Answer.question_id, func.count())
                .where(Answer.correct.is_(False))
                .group_by(Answer.user_id, Answer.question_id)
            )
        }
    )
    for uid, qid in db.session.execute(  # a campaign's wrong answers count too
        select(CampaignAttempt.user_id, CampaignAnswer.question_id)
        .join(CampaignAttempt, CampaignAttempt.id == CampaignAnswer.attempt_id)
        .where(CampaignAnswer.correct.is_(False))
    ):
        wrong[(uid, qid)] += 1
    mistakes = {
        (uid, qid): n
        for uid, qid, n in db.session.execute(
            select(Mistake.user_id, Mistake.question_id, Mistake.wrong_count)
        )
    }
    assert mistakes == wrong


def test_habits_make_some_players_play_far_more_days_than_others(app, factory):
    simulated_city(app, factory, players=60, days=28)
    per_user = sorted(
        n
        for (n,) in db.session.execute(
            select(func.count()).select_from(QuizDay).group_by(QuizDay.user_id)
        )
    )
    assert per_user[-1] >= 20
    assert per_user[0] <= 10


def test_ids_continue_so_live_rows_can_follow_the_simulated_ones(app, factory, client):
    simulated_city(app, factory, players=5, days=3)
    user = factory.user()
    assert user.id > db.session.scalar(select(func.max(QuizDay.user_id)))


def test_the_command_simulates_and_rolls_up(app, factory):
    for n in range(6):
        factory.question(category="反诈" if n % 2 else "消防")
    result = app.test_cli_runner().invoke(
        args=["demo", "simulate-year", "--players", "12", "--days", "5", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "simulated 12 players over 5 days" in result.output
    assert "rollups refreshed through" in result.output
    assert ledger.mismatches() == []


def _entries(kind: str) -> dict[str, tuple[int, int, int | None]]:
    """The entries of a kind by key: (user, delta, actor)."""
    return {
        key: (uid, delta, actor)
        for key, uid, delta, actor in db.session.execute(
            select(
                LedgerEntry.idempotency_key,
                LedgerEntry.user_id,
                LedgerEntry.delta,
                LedgerEntry.actor_id,
            ).where(LedgerEntry.kind == kind)
        )
    }


def test_a_completed_days_bonus_is_its_perfect_and_streak_entries(app, factory):
    simulated_city(app, factory)
    bonuses = defaultdict(int)
    for key, (uid, delta, _) in _entries("quiz_bonus").items():
        bonuses[(uid, key.rsplit(":", 1)[1])] += delta
    days = db.session.execute(
        select(QuizDay.user_id, QuizDay.day, QuizDay.bonus, QuizDay.correct, QuizDay.total).where(
            QuizDay.completed_at.is_not(None)
        )
    ).all()
    perfect = _entries("quiz_bonus")
    assert sum(1 for key in perfect if key.startswith("streak:")) > 0
    for uid, day, bonus, correct, total in days:
        assert bonuses.pop((uid, day.isoformat()), 0) == bonus
        assert (f"perfect:{uid}:{day}" in perfect) == (correct == total)
    assert bonuses == {}  # no bonus for a day left unfinished


def test_the_completing_answer_carries_the_days_bonus(app, factory):
    simulated_city(app, factory)
    by_day = dict(
        (((uid, day), b))
        for uid, day, b in db.session.execute(select(QuizDay.user_id, QuizDay.day, QuizDay.bonus))
    )
    carried = Counter()
    for uid, day, bonus in db.session.execute(
        select(Answer.user_id, Answer.day, Answer.bonus).where(Answer.bonus > 0)
    ):
        carried[(uid, day)] += bonus
    assert carried == Counter({k: v for k, v in by_day.items() if v})


def test_family_bonuses_go_to_the_reporter_who_invited_the_member(app, factory):
    simulated_city(app, factory, players=60)
    inviter = dict(
        db.session.execute(
            select(User.id, User.family_reporter_id).where(User.family_reporter_id.is_not(None))
        ).all()
    )
    family = _entries("family_bonus")
    assert family
    for key, (uid, delta, _) in family.items():
        member = int(key.split(":")[1])
        assert inviter[member] == uid and delta == 5
        assert db.session.get(User, uid).role == "reporter"


def _busy_city(app, factory):
    """Four weeks of 80 players: a seed whose year has every fate of a redemption."""
    return simulated_city(app, factory, players=80, days=28, seed=1)


def test_stock_equals_its_movements_and_never_goes_below_zero(app, factory):
    _busy_city(app, factory)
    prizes = db.session.scalars(select(Prize)).all()
    assert prizes
    for prize in prizes:
        moves = db.session.execute(
            select(StockMovement.delta, StockMovement.stock_after)
            .where(StockMovement.prize_id == prize.id)
            .order_by(StockMovement.id)
        ).all()
        running = 0
        for delta, after in moves:
            running += delta
            assert after == running >= 0
        assert prize.stock == running >= 0


def test_each_redemption_is_paid_moved_and_refunded_as_the_shop_does(app, factory):
    _busy_city(app, factory)
    redeemed, refunded = _entries("redeem"), _entries("refund")
    reasons = {
        (ref, reason)
        for ref, reason in db.session.execute(select(StockMovement.ref, StockMovement.reason))
    }
    rows = db.session.scalars(select(Redemption)).all()
    statuses = Counter(r.status for r in rows)
    assert statuses["fulfilled"] > 0 and statuses["cancelled"] > 0
    assert len(redeemed) == len(rows)
    for r in rows:
        assert redeemed[f"redeem:{r.id}"][:2] == (r.user_id, -r.cost)
        assert (f"redemption:{r.id}", "redeem") in reasons
        cancelled = r.status == "cancelled"
        assert (f"refund:{r.id}" in refunded) == cancelled
        assert ((f"redemption:{r.id}", "cancel") in reasons) == cancelled
        if cancelled:
            uid, delta, actor = refunded[f"refund:{r.id}"]
            assert (uid, delta) == (r.user_id, r.cost) and r.cancelled_at > r.created_at
            assert actor == (None if r.cancelled_by == r.user_id else r.cancelled_by)
        if r.status == "fulfilled":
            assert db.session.get(User, r.fulfilled_by).role in STAFF_ROLES
        assert not is_minor(r.user.role, r.user.invite_code)
    assert len(refunded) == statuses["cancelled"]


def test_no_prize_is_redeemed_past_its_per_user_limit(app, factory):
    _busy_city(app, factory)
    live = Counter(
        (r.user_id, r.prize_id)
        for r in db.session.scalars(select(Redemption).where(Redemption.status != "cancelled"))
    )
    limits = dict(db.session.execute(select(Prize.id, Prize.per_user_limit)).all())
    assert live
    for (_, prize_id), n in live.items():
        assert limits[prize_id] is None or n <= limits[prize_id]


def test_question_reports_come_from_players_who_answered_and_some_are_resolved(app, factory):
    shape, _ = _busy_city(app, factory)
    reports = db.session.scalars(select(QuestionReport)).all()
    statuses = Counter(r.status for r in reports)
    assert statuses["open"] > 0 and statuses["resolved"] > 0
    open_per_question = Counter(r.question_id for r in reports if r.status == "open")
    assert max(open_per_question.values()) < shape.report_suspend_at
    assert len({(r.user_id, r.question_id) for r in reports}) == len(reports)
    for r in reports:
        assert question_reports.has_answered(r.user_id, r.question_id)
        if r.status == "resolved":
            assert r.resolution in ("fixed", "rejected") and r.resolved_at > r.created_at
            assert db.session.get(User, r.resolved_by).role in STAFF_ROLES


def test_holds_are_written_as_fair_play_writes_them_and_some_are_lifted(app, factory):
    _busy_city(app, factory)
    history = defaultdict(list)
    for hold in db.session.scalars(select(AccountHold).order_by(AccountHold.id)):
        history[hold.user_id].append(hold.action)
    assert len(history) >= 2
    for uid, actions in history.items():
        assert actions in (["hold"], ["hold", "release"])
        user = db.session.get(User, uid)
        assert (user.held_at is not None) == (actions == ["hold"])
    held = {u.id for u in fairplay.held_accounts()}
    assert held == {uid for uid, actions in history.items() if actions == ["hold"]}


def test_no_redemption_is_made_or_handed_over_while_its_owner_is_held(app, factory):
    _busy_city(app, factory)
    spans = defaultdict(list)
    for hold in db.session.scalars(select(AccountHold).order_by(AccountHold.id)):
        if hold.action == "hold":
            spans[hold.user_id].append([hold.created_at, None])
        else:
            spans[hold.user_id][-1][1] = hold.created_at
    for r in db.session.scalars(select(Redemption).where(Redemption.user_id.in_(list(spans)))):
        for start, end in spans[r.user_id]:
            for at in (r.created_at, r.fulfilled_at):
                assert at is None or not (start <= at and (end is None or at < end))


def test_the_staff_reports_read_the_simulated_year(app, factory):
    shape, _ = _busy_city(app, factory)
    tz = shape.tz
    rows = suspects.suspects(
        shape.last_day - timedelta(days=6),
        shape.last_day,
        day_bounds=lambda d: day_bounds(d, tz),
        accounts_per_ip=3,
    )
    assert isinstance(rows, list)
    for status in ("open", "resolved"):
        assert question_reports.queue_items(status, after_id=None, limit=50, min_answers=1)
    redemptions = list(shop.search_redemptions(tz=tz))
    assert redemptions
    assert shop.redemptions_csv(redemptions, tz).count("\n") >= len(redemptions)
    assert fairplay.with_holds(fairplay.held_accounts())


def test_a_campaign_runs_in_the_year_and_its_attempts_add_up(app, factory):
    _busy_city(app, factory)
    (campaign,) = db.session.scalars(select(Campaign)).all()
    attempts = db.session.scalars(select(CampaignAttempt)).all()
    assert len(attempts) > 10
    numbers = defaultdict(list)
    for attempt in attempts:
        numbers[attempt.user_id].append(attempt.number)
        assert campaign.starts_at <= attempt.started_at <= campaign.ends_at
        answers = db.session.scalars(
            select(CampaignAnswer).where(CampaignAnswer.attempt_id == attempt.id)
        ).all()
        assert len(answers) == attempt.answered <= len(attempt.question_ids)
        assert sum(a.correct for a in answers) == attempt.correct
        assert sum(a.points for a in answers) == attempt.points
        assert {a.question_id for a in answers} <= set(attempt.question_ids)
        assert (attempt.finished_at is not None) == (attempt.answered == len(attempt.question_ids))
        assert all(a.created_at <= attempt.deadline for a in answers)
    for user_numbers in numbers.values():
        assert sorted(user_numbers) == list(range(1, len(user_numbers) + 1))
        assert len(user_numbers) <= campaign.attempts_allowed


def test_campaign_points_pay_each_users_best_level_once(app, factory):
    _busy_city(app, factory)
    (campaign,) = db.session.scalars(select(Campaign)).all()
    best = defaultdict(int)
    for uid, correct in db.session.execute(
        select(CampaignAttempt.user_id, CampaignAttempt.correct)
    ):
        best[uid] = max(best[uid], correct)
    paid = defaultdict(set)
    for key, (uid, delta, _) in _entries("campaign_points").items():
        assert delta == campaign.points_per_correct
        paid[uid].add(int(key.rsplit(":", 1)[1]))
    assert paid
    assert {uid: levels for uid, levels in paid.items()} == {
        uid: set(range(1, n + 1)) for uid, n in best.items() if n
    }


def test_no_campaign_question_is_drawn_from_its_days_daily_set(app, factory):
    _busy_city(app, factory)
    (campaign,) = db.session.scalars(select(Campaign)).all()
    sets = dict(db.session.execute(select(DailySet.day, DailySet.question_ids)).all())
    pool = set(
        db.session.scalars(select(Question.id).where(Question.category == campaign.category)).all()
    )
    tz = runtime_of(app).rules.tz
    for attempt in db.session.scalars(select(CampaignAttempt)):
        day = attempt.started_at.astimezone(tz).date()
        assert not set(attempt.question_ids) & set(sets[day])
        assert set(attempt.question_ids) <= pool
        assert not pool & set(sets[day])  # the daily draw left the campaign's questions out


def test_the_campaign_board_reads_the_simulated_attempts(app, factory):
    _busy_city(app, factory)
    (campaign,) = db.session.scalars(select(Campaign)).all()
    viewer = db.session.scalars(select(User).where(User.role == "admin")).first()
    standing = campaign_board.leaderboard(campaign.id, viewer, limit=10)
    assert standing.entries and standing.entries[0]["rank"] == 1
