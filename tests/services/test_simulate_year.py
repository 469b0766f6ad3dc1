"""The year simulator writes a history that obeys live traffic's invariants, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import Answer, DailySet, LedgerEntry, Mistake, QuizDay, User
from quiz.services import ledger
from tests.services.city import simulated_city


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
        select(Answer.user_id, Answer.day, Answer.question_id, Answer.points).where(
            Answer.points > 0
        )
    ).all()
    entries = dict(db.session.execute(select(LedgerEntry.idempotency_key, LedgerEntry.delta)).all())
    assert len(entries) == len(earning)
    for uid, day, qid, points in earning:
        assert entries[f"quiz:{uid}:{day.isoformat()}:{qid}"] == points


def test_mistakes_count_each_users_wrong_answers_per_question(app, factory):
    simulated_city(app, factory)
    wrong = dict(
        (((uid, qid), n))
        for uid, qid, n in db.session.execute(
            select(Answer.user_id, Answer.question_id, func.count())
            .where(Answer.correct.is_(False))
            .group_by(Answer.user_id, Answer.question_id)
        )
    )
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
