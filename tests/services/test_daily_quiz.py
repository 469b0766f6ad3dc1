"""The daily quiz rules: the day, the set, scoring, bonuses, streaks, caps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from quiz.errors import ValidationFailed
from quiz.extensions import db
from quiz.models import Answer, DailySet, LedgerEntry, User
from quiz.runtime import runtime_of
from quiz.services import daily_quiz, draw, ledger
from quiz.services.daily_quiz import AlreadyAnswered, NotInToday, Rules
from quiz.services.draw import ScheduleLocked

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
CATEGORIES = ["垃圾分类", "交通文明", "志愿服务", "健康与公共卫生", "生态环保"]


@pytest.fixture
def rules(app) -> Rules:
    return runtime_of(app).rules


@pytest.fixture
def bank(factory):
    """20 single questions (answer A) over 5 categories."""
    return [factory.question(category=CATEGORIES[i % 5], answer="A") for i in range(20)]


def answer_all(user, rules, now, *, wrong=()):
    day = daily_quiz.local_day(now, rules.tz)
    day_set = draw.daily_set(day, rules, now=now)
    results = []
    for qid in day_set.question_ids:
        results.append(
            daily_quiz.submit_answer(user, qid, ["B" if qid in wrong else "A"], rules, now=now)
        )
    db.session.commit()
    return day_set, results


def test_the_day_follows_shanghai_time_not_utc(rules):
    late = datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    early = datetime(2026, 11, 23, 16, 0, 1, tzinfo=UTC)  # 00:00:01 the next day
    assert daily_quiz.local_day(late, rules.tz).isoformat() == "2026-11-23"
    assert daily_quiz.local_day(early, rules.tz).isoformat() == "2026-11-24"


def test_answers_either_side_of_midnight_belong_to_different_days(factory, bank, rules):
    user = factory.user()
    late = datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)
    first = draw.daily_set(daily_quiz.local_day(late, rules.tz), rules, now=late)
    daily_quiz.submit_answer(user, first.question_ids[0], ["A"], rules, now=late)
    early = late + timedelta(seconds=2)
    second = draw.daily_set(daily_quiz.local_day(early, rules.tz), rules, now=early)
    daily_quiz.submit_answer(user, second.question_ids[0], ["A"], rules, now=early)
    db.session.commit()
    days = sorted(d.isoformat() for d in db.session.scalars(select(Answer.day)))
    assert days == ["2026-11-23", "2026-11-24"]


def test_the_set_has_the_configured_count_spread_over_categories(bank, rules, clock):
    day_set = draw.daily_set(clock.now().date(), rules, now=clock.now())
    questions = draw.questions_of(day_set)
    assert len(questions) == 5
    assert len({q.category for q in questions}) == 5


def test_the_set_is_stored_once_and_the_same_on_every_call(bank, rules, clock):
    day = clock.now().date()
    first = draw.daily_set(day, rules, now=clock.now()).question_ids
    db.session.commit()
    again = draw.daily_set(day, rules, now=clock.now()).question_ids
    assert first == again
    assert db.session.scalar(select(func.count()).select_from(DailySet)) == 1


def test_the_draw_is_deterministic_for_a_day_and_a_bank(bank, rules, clock):
    day = clock.now().date()
    assert draw.choose_questions(day, rules) == draw.choose_questions(day, rules)


def test_no_question_repeats_within_the_window_while_the_bank_allows(bank, rules, clock):
    seen = []
    for offset in range(4):  # 4 days × 5 = 20 questions = the whole bank
        day = clock.now().date() + timedelta(days=offset)
        seen += draw.daily_set(day, rules, now=clock.now()).question_ids
    assert len(seen) == len(set(seen)) == 20


def test_when_the_bank_runs_out_the_least_recently_used_come_back(bank, rules, clock):
    first_day = clock.now().date()
    sets = [
        draw.daily_set(first_day + timedelta(days=d), rules, now=clock.now()).question_ids
        for d in range(5)
    ]
    assert sorted(sets[4]) == sorted(sets[0])


def test_a_drawn_day_holds_at_most_one_multiple_choice_question_while_others_can_fill_it(
    factory, rules, clock
):
    for i in range(10):
        factory.question(type="multiple", answer="ABCD", category=CATEGORIES[i % 5])
    others = {factory.question(category=CATEGORIES[i % 5]).id for i in range(8)}
    multiple_per_day = []
    for offset in range(6):  # the 8 others run out of fresh ones on day 3: stale ones come back
        day = clock.now().date() + timedelta(days=offset)
        ids = draw.daily_set(day, rules, now=clock.now()).question_ids
        assert len(ids) == 5
        multiple_per_day.append(len(set(ids) - others))
    # The draw is random: a day may draw none of the ten (five of the eight others, ~0.7 %),
    # never more than the limit, and over six days some.
    assert max(multiple_per_day) == draw.MULTIPLE_PER_DAY, multiple_per_day


def test_multiple_choice_questions_fill_a_day_the_other_questions_cannot(factory, rules, clock):
    multiple = {factory.question(type="multiple", answer="AB").id for _ in range(4)}
    judge = factory.question(type="judge")
    ids = draw.daily_set(clock.now().date(), rules, now=clock.now()).question_ids
    assert sorted(ids) == sorted(multiple | {judge.id})


def test_inactive_questions_are_never_drawn(factory, rules, clock):
    active = [factory.question(category="交通文明") for _ in range(3)]
    for _ in range(5):
        factory.question(active=False)
    ids = draw.daily_set(clock.now().date(), rules, now=clock.now()).question_ids
    assert sorted(ids) == sorted(q.id for q in active)


def test_a_correct_single_answer_earns_the_default_points(factory, bank, rules, clock):
    user = factory.user()
    day_set = draw.daily_set(clock.now().date(), rules, now=clock.now())
    result = daily_quiz.submit_answer(user, day_set.question_ids[0], ["A"], rules, now=clock.now())
    assert result.correct and result.points_awarded == 10 and result.balance == 10
    assert result.correct_choices == ["A"] and result.explanation


def test_a_questions_own_points_override_the_default(factory, rules, clock):
    question = factory.question(points=25)
    user = factory.user()
    draw.daily_set(clock.now().date(), rules, now=clock.now())
    result = daily_quiz.submit_answer(user, question.id, ["A"], rules, now=clock.now())
    assert result.points_awarded == 25 + 20  # the day's only question: perfect bonus too


def test_a_multiple_choice_answer_must_match_the_whole_set(factory, rules, clock):
    question = factory.question(type="multiple", answer="ACD")
    factory.question(type="multiple", answer="AB")
    users = [factory.user() for _ in range(4)]
    draw.daily_set(clock.now().date(), rules, now=clock.now())
    submit = lambda u, c: daily_quiz.submit_answer(u, question.id, c, rules, now=clock.now())  # noqa: E731
    assert submit(users[0], ["D", "A", "C"]).correct
    assert not submit(users[1], ["A", "C"]).correct
    assert not submit(users[2], ["A", "B", "C", "D"]).correct
    assert submit(users[3], ["a", "c", "d"]).correct


def test_a_judge_question_is_scored_on_a_or_b(factory, rules, clock):
    question = factory.question(type="judge", answer="B")
    user, other = factory.user(), factory.user()
    draw.daily_set(clock.now().date(), rules, now=clock.now())
    assert daily_quiz.submit_answer(user, question.id, ["B"], rules, now=clock.now()).correct
    assert not daily_quiz.submit_answer(other, question.id, ["A"], rules, now=clock.now()).correct


@pytest.mark.parametrize("choices", [[], ["E"], ["A", "B"], [""]])
def test_invalid_choices_are_refused_and_record_nothing(factory, bank, rules, clock, choices):
    user = factory.user()
    day_set = draw.daily_set(clock.now().date(), rules, now=clock.now())
    with pytest.raises(ValidationFailed):
        daily_quiz.submit_answer(user, day_set.question_ids[0], choices, rules, now=clock.now())
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_a_question_not_in_today_is_refused(factory, bank, rules, clock):
    user = factory.user()
    day_set = draw.daily_set(clock.now().date(), rules, now=clock.now())
    other = next(q for q in bank if q.id not in day_set.question_ids)
    with pytest.raises(NotInToday):
        daily_quiz.submit_answer(user, other.id, ["A"], rules, now=clock.now())


def test_a_second_answer_to_the_same_question_is_refused_and_credits_nothing(
    factory, bank, rules, clock
):
    user = factory.user()
    qid = draw.daily_set(clock.now().date(), rules, now=clock.now()).question_ids[0]
    daily_quiz.submit_answer(user, qid, ["A"], rules, now=clock.now())
    db.session.commit()
    with pytest.raises(AlreadyAnswered):
        daily_quiz.submit_answer(user, qid, ["B"], rules, now=clock.now())
    db.session.rollback()
    assert db.session.get(User, user.id).balance == 10


def test_a_perfect_day_earns_the_perfect_bonus_on_the_completing_answer(
    factory, bank, rules, clock
):
    user = factory.user()
    _, results = answer_all(user, rules, clock.now())
    assert [r.completed for r in results] == [False] * 4 + [True]
    assert results[-1].bonus_awarded == 20
    assert results[-1].points_awarded == 30
    assert db.session.get(User, user.id).balance == 5 * 10 + 20


def test_a_day_with_a_wrong_answer_gets_no_perfect_bonus(factory, bank, rules, clock):
    user = factory.user()
    day_set = draw.daily_set(clock.now().date(), rules, now=clock.now())
    _, results = answer_all(user, rules, clock.now(), wrong={day_set.question_ids[1]})
    assert results[-1].bonus_awarded == 0
    assert db.session.get(User, user.id).balance == 40


def test_the_streak_bonus_grows_by_day_and_is_capped(factory, bank, rules, clock):
    user = factory.user()
    bonuses = []
    for _ in range(9):
        _, results = answer_all(user, rules, clock.now())
        bonuses.append(results[-1].bonus_awarded - 20)
        clock.advance(days=1)
    assert bonuses == [0, 5, 10, 15, 20, 25, 30, 30, 30]
    assert db.session.get(User, user.id).streak == 9


def test_a_missed_day_breaks_the_streak(factory, bank, rules, clock):
    user = factory.user()
    answer_all(user, rules, clock.now())
    clock.advance(days=1)
    answer_all(user, rules, clock.now())
    clock.advance(days=2)
    _, results = answer_all(user, rules, clock.now())
    assert results[-1].bonus_awarded == 20  # perfect only: the streak restarted at 1
    assert db.session.get(User, user.id).streak == 1


def test_the_daily_cap_clips_quiz_points(factory, bank, app, clock):
    capped = Rules.from_config({**app.config, "QUIZ_DAILY_CAP": 35})
    user = factory.user()
    _, results = answer_all(user, capped, clock.now())
    assert [r.points_awarded for r in results] == [10, 10, 10, 5, 0]
    assert db.session.get(User, user.id).balance == 35
    progress = daily_quiz.progress(user, capped, now=clock.now())
    assert {"task": "quiz_points", "title": "答题积分", "current": 35, "max": 35} in progress[
        "tasks"
    ]


def test_scheduling_a_future_day_fixes_its_set(factory, bank, rules, clock):
    admin = factory.user(role="admin")
    tomorrow = clock.now().date() + timedelta(days=1)
    ids = [bank[3].id, bank[7].id]
    draw.schedule(tomorrow, ids, rules, admin_id=admin.id, now=clock.now())
    clock.advance(days=1)
    assert draw.daily_set(tomorrow, rules, now=clock.now()).question_ids == ids


@pytest.mark.parametrize("offset", [0, -1])
def test_today_and_past_days_cannot_be_rescheduled(factory, bank, rules, clock, offset):
    admin = factory.user(role="admin")
    with pytest.raises(ScheduleLocked):
        draw.schedule(
            clock.now().date() + timedelta(days=offset),
            [bank[0].id],
            rules,
            admin_id=admin.id,
            now=clock.now(),
        )


def test_scheduling_refuses_unknown_inactive_and_duplicate_questions(factory, bank, rules, clock):
    admin = factory.user(role="admin")
    inactive = factory.question(active=False)
    tomorrow = clock.now().date() + timedelta(days=1)
    for ids in ([999999], [inactive.id], [bank[0].id, bank[0].id], [], list(range(1, 30))):
        with pytest.raises(ValidationFailed):
            draw.schedule(tomorrow, ids, rules, admin_id=admin.id, now=clock.now())


def test_every_credit_leaves_a_ledger_entry_summing_to_the_balance(factory, bank, rules, clock):
    user = factory.user()
    for _ in range(3):
        answer_all(user, rules, clock.now())
        clock.advance(days=1)
    total = db.session.scalar(
        select(func.sum(LedgerEntry.delta)).where(LedgerEntry.user_id == user.id)
    )
    assert total == db.session.get(User, user.id).balance
    assert ledger.mismatches() == []


def test_questions_marked_exclusive_in_the_bundled_bank_never_share_a_day(app, rules):
    import question_bank
    from quiz.models import Question
    from quiz.services import banks

    banks.import_bundled(now=NOW)
    db.session.commit()
    id_of = dict(db.session.execute(select(Question.content_hash, Question.id)).all())
    pairs = {
        frozenset((id_of[a], id_of[b]))
        for a, others in question_bank.bundled_exclusions().items()
        for b in others
    }
    assert pairs  # the bundled bank does mark some
    tight = Rules(tz=rules.tz, daily_count=12, no_repeat_days=30)
    day = daily_quiz.local_day(NOW, rules.tz)
    for offset in range(90):
        chosen = set(draw.daily_set(day + timedelta(days=offset), tight, now=NOW).question_ids)
        assert len(chosen) == 12
        assert not [pair for pair in pairs if pair <= chosen], day + timedelta(days=offset)


def _synchronous_commit() -> str:
    return db.session.execute(text("SHOW synchronous_commit")).scalar()


def test_an_answer_commits_without_waiting_for_the_disk_on_postgresql_only_for_itself(
    app, backend, factory, rules, bank
):
    if backend != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    user = factory.user()
    db.session.execute(text("SET synchronous_commit TO on"))  # the server default, whatever CI's
    # The connection the answer runs on: after the commit the pool may hand the session
    # another one, whose setting is the server's (CI's cluster runs with it off).
    dbapi = db.session.connection().connection.dbapi_connection
    day_set = draw.daily_set(daily_quiz.local_day(NOW, rules.tz), rules, now=NOW)
    daily_quiz.submit_answer(user, day_set.question_ids[0], ["A"], rules, now=NOW)
    assert _synchronous_commit() == "off"
    db.session.commit()
    with dbapi.cursor() as cursor:
        after = cursor.execute("SHOW synchronous_commit").fetchone()[0]
    dbapi.rollback()
    assert after == "on"  # SET LOCAL: the next transaction is durable again


def test_durable_answers_keep_the_servers_setting(app, backend, factory, rules, bank):
    if backend != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    user = factory.user()
    db.session.execute(text("SET synchronous_commit TO on"))
    durable = Rules(tz=rules.tz, durable_answers=True)
    day_set = draw.daily_set(daily_quiz.local_day(NOW, rules.tz), durable, now=NOW)
    daily_quiz.submit_answer(user, day_set.question_ids[0], ["A"], durable, now=NOW)
    assert _synchronous_commit() == "on"


def test_an_answer_that_fails_midway_leaves_nothing_behind(app, factory, rules, bank):
    user = factory.user()
    day_set = draw.daily_set(daily_quiz.local_day(NOW, rules.tz), rules, now=NOW)
    db.session.commit()
    first = day_set.question_ids[0]
    daily_quiz.submit_answer(user, first, ["A"], rules, now=NOW)
    db.session.flush()
    with pytest.raises(AlreadyAnswered):
        daily_quiz.submit_answer(user, first, ["A"], rules, now=NOW)  # the duplicate guard trips
    db.session.rollback()  # as the request's unit of work does on the 409
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert db.session.get(User, user.id).balance == 0
    assert ledger.mismatches() == []


def test_another_workers_copy_of_todays_set_follows_an_edit_within_its_recheck(app, factory):
    from quiz.services.draw import TodaysSet

    question = factory.question(stem="原来的题干")
    db.session.commit()
    ticks = [100.0]
    worker = TodaysSet(recheck_seconds=1.0, monotonic=lambda: ticks[0])
    renders = []

    def render(rows):
        renders.append(1)
        return [r.stem for r in rows]

    assert worker.presented((question.id,), render) == ["原来的题干"]
    question.stem = "更正后的题干"
    db.session.commit()
    ticks[0] += 0.5
    assert worker.presented((question.id,), render) == ["原来的题干"]  # within its recheck
    ticks[0] += 0.6
    assert worker.presented((question.id,), render) == ["更正后的题干"]
    ticks[0] += 1.5
    assert worker.presented((question.id,), render) == ["更正后的题干"]
    assert len(renders) == 2  # rendered once per version, not once per check
