"""The rollups never disagree with the raw rows: every report reads the same figures with the
days summed as without them, whatever the range, the timer or a correction of past answers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import delete, func, select, update

from quiz.clock import local_day
from quiz.extensions import db
from quiz.models import (
    Answer,
    PeopleDay,
    PeopleMonth,
    QuestionDay,
    QuestionMedian,
    QuizDay,
    RollupState,
)
from quiz.models.rollup import NEVER
from quiz.runtime import runtime_of
from quiz.services import participation, question_stats, reports, rollups
from tests.services.city import simulated_city

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)


def _today(app):
    return local_day(runtime_of(app).clock.now(), runtime_of(app).rules.tz)


def _every_report(date_from, date_to) -> dict:
    districts = current_app.config["QUIZ_DISTRICTS"]
    return {
        "category": reports.awareness(date_from, date_to, "category"),
        "district": reports.awareness(date_from, date_to, "district"),
        "practice": reports.awareness(date_from, date_to, "category", include_practice=True),
        "questions": reports.question_rates(date_from, date_to, limit=10_000),
        "participation": reports.participation(date_from, date_to),
        "districts": participation.participation_by(
            "district", date_from, date_to, districts=districts
        ),
        "teams": participation.participation_by("team", date_from, date_to, districts=districts),
        "question stats": question_stats.stats_for(None, min_answers=1),
    }


def _raw(date_from, date_to) -> dict:
    """The same reports with no rollup held: every figure from the raw rows."""
    with db.session.begin_nested() as savepoint:
        db.session.execute(RollupState.__table__.delete())
        figures = _every_report(date_from, date_to)
        savepoint.rollback()
    return figures


def _refresh(app, **kwargs):
    done = rollups.refresh(today=_today(app), now=runtime_of(app).clock.now(), **kwargs)
    db.session.commit()
    return done


@pytest.fixture
def city(app, factory):
    simulated_city(app, factory, players=30, days=20)
    return _today(app)


def test_reports_read_the_same_figures_from_the_rollups_as_from_the_raw_rows(app, city):
    raw = _raw(city - timedelta(days=30), city)
    assert raw["category"] and raw["questions"] and raw["participation"]
    assert _refresh(app).days == 20
    assert _every_report(city - timedelta(days=30), city) == raw


@pytest.mark.parametrize(
    ("back_from", "back_to"),
    [(19, 10), (5, 1), (1, 1), (3, 0), (0, 0), (40, 25)],
    ids=["early-days", "last-days", "yesterday-only", "across-today", "today-only", "before-any"],
)
def test_any_range_reads_the_same_with_and_without_rollups(app, city, back_from, back_to):
    _refresh(app)
    date_from, date_to = city - timedelta(days=back_from), city - timedelta(days=back_to)
    assert _every_report(date_from, date_to) == _raw(date_from, date_to)


def test_a_second_refresh_the_same_day_sums_nothing(app, city):
    _refresh(app)
    done = _refresh(app)
    assert done.days == 0
    assert done.through == city - timedelta(days=1)


def test_todays_answers_count_at_once_and_join_the_rollups_after_midnight(
    app, city, factory, as_user
):
    _refresh(app)
    player = as_user(factory.user(district=app.config["QUIZ_DISTRICTS"][0]))
    today = player.get("/api/v1/quiz/today").get_json()
    for question in today["questions"][:3]:
        player.post(
            "/api/v1/quiz/today/answers", json={"question_id": question["id"], "choices": "A"}
        )
    db.session.commit()
    week = (city - timedelta(days=6), city)
    assert _every_report(*week) == _raw(*week)
    runtime_of(app).clock.set(
        runtime_of(app).clock.now() + timedelta(days=1)
    )  # the next day, 10:00
    assert _every_report(*week) == _raw(*week)
    assert _refresh(app).days == 1
    assert rollups.through() == city
    assert _every_report(*week) == _raw(*week)


def test_a_day_summed_just_before_midnight_stays_exact_at_the_edge(app, city):
    tz = runtime_of(app).rules.tz
    midnight = runtime_of(app).clock.now().astimezone(tz).replace(
        hour=0, minute=0, second=0
    ) + timedelta(days=1)
    runtime_of(app).clock.set(midnight - timedelta(seconds=1))
    assert _refresh(app).through == city - timedelta(days=1)
    runtime_of(app).clock.set(midnight)
    assert _refresh(app).through == city
    assert _every_report(city - timedelta(days=3), city + timedelta(days=1)) == _raw(
        city - timedelta(days=3), city + timedelta(days=1)
    )


CORRECTIONS = {
    "re-scored": lambda day: update(Answer).where(Answer.day == day).values(correct=True),
    "re-timed": lambda day: update(Answer).where(Answer.day == day).values(interval_ms=1),
    "deleted": lambda day: delete(Answer).where(Answer.day == day, Answer.correct.is_(False)),
}


@pytest.mark.parametrize("change", list(CORRECTIONS))
def test_a_correction_of_past_answers_is_summed_again_from_its_day(app, city, change):
    _refresh(app)
    day = city - timedelta(days=4)
    db.session.execute(CORRECTIONS[change](day))
    db.session.commit()
    span = (city - timedelta(days=10), city)
    assert _every_report(*span) != _raw(*span)  # stale until summed again
    _refresh(app, since=day)
    assert _every_report(*span) == _raw(*span)


def test_each_rolled_question_day_equals_a_count_of_its_answers(app, city):
    _refresh(app)
    for day, qid, n, right in db.session.execute(
        select(QuestionDay.day, QuestionDay.question_id, QuestionDay.answers, QuestionDay.correct)
    ):
        answers = db.session.scalars(
            select(Answer.correct).where(Answer.day == day, Answer.question_id == qid)
        ).all()
        assert (n, right) == (len(answers), sum(answers))


def test_the_refresh_command_sums_the_finished_days(app, city):
    result = app.test_cli_runner().invoke(args=["rollups", "refresh"])
    assert result.exit_code == 0, result.output
    assert f"through {city - timedelta(days=1)}: 20 days" in result.output
    again = app.test_cli_runner().invoke(
        args=["rollups", "refresh", "--since", str(city - timedelta(days=2))]
    )
    assert "2 days summed now" in again.output


@pytest.mark.parametrize(
    ("back_from", "back_to"),
    [(53, 23), (69, 1), (60, 0), (53, 22), (52, 23), (66, 40), (45, 3), (69, 0)],
    ids=[
        "october",
        "with-october",
        "to-today",
        "october-and-a-day",
        "october-less-a-day",
        "mid-september-to-mid-october",
        "mid-october-to-november",
        "everything",
    ],
)
def test_ranges_over_whole_months_count_the_same_people(app, factory, back_from, back_to):
    simulated_city(app, factory, players=25, days=70)
    city = _today(app)
    _refresh(app)
    date_from, date_to = city - timedelta(days=back_from), city - timedelta(days=back_to)
    assert rollups.people_split(date_from, date_to)[0] or back_from < 53 or back_to > 30
    assert _every_report(date_from, date_to) == _raw(date_from, date_to)


def _people_recount() -> tuple[Counter, set]:
    """`PeopleDay` and `PeopleMonth` recomputed in Python from the answers and days."""
    acts: dict[tuple, set] = {}
    for day, category, district, uid in db.session.execute(
        select(Answer.day, Answer.category, Answer.district, Answer.user_id)
    ):
        acts.setdefault(("category", category, uid), set()).add(day)
        acts.setdefault(("district", district or "", uid), set()).add(day)
    for day, uid in db.session.execute(
        select(QuizDay.day, QuizDay.user_id).where(QuizDay.completed_at.is_not(None))
    ):
        acts.setdefault(("completed", "", uid), set()).add(day)
    people_days, months = Counter(), set()
    for (scope, key, uid), days in acts.items():
        ordered = sorted(days)
        for prev, day in zip([NEVER, *ordered], ordered, strict=False):
            if scope != "completed":
                people_days[(scope, day, key, prev)] += 1
        for month in sorted({d.replace(day=1) for d in ordered}):
            inside = [d for d in ordered if d.replace(day=1) == month]
            before = max([d for d in ordered if d < month], default=NEVER)
            months.add((month, scope, key, uid, inside[0], inside[-1], before))
    return people_days, months


def test_each_people_rollup_equals_a_recount_of_the_raw_rows(app, factory):
    simulated_city(app, factory, players=25, days=70)
    _refresh(app)
    people_days, months = _people_recount()
    stored_days = {
        (scope, day, key, prev): n
        for scope, day, key, prev, n in db.session.execute(
            select(PeopleDay.scope, PeopleDay.day, PeopleDay.key, PeopleDay.prev, PeopleDay.people)
        )
    }
    assert stored_days == dict(people_days)
    stored_months = set(
        db.session.execute(
            select(
                PeopleMonth.month,
                PeopleMonth.scope,
                PeopleMonth.key,
                PeopleMonth.user_id,
                PeopleMonth.first_day,
                PeopleMonth.last_day,
                PeopleMonth.before,
            )
        )
    )
    assert stored_months == months


def test_each_stored_median_equals_the_middle_of_the_finished_days_answers(app, city):
    _refresh(app)
    stored = db.session.execute(select(QuestionMedian)).scalars().all()
    assert stored
    for row in stored:
        times = sorted(
            db.session.scalars(
                select(Answer.interval_ms).where(
                    Answer.question_id == row.question_id,
                    Answer.interval_ms.is_not(None),
                    Answer.day < city,
                )
            )
        )
        n = len(times)
        assert (row.timed, row.low, row.high) == (n, times[(n - 1) // 2], times[n // 2])
        assert row.below == sum(1 for t in times if t < row.low)


@pytest.mark.parametrize(
    "intervals",
    [[1] * 9, [10**7] * 9, [1, 10**7], [1] * 40 + [10**7] * 3, [5000]],
    ids=["all-below", "all-above", "one-each-side", "many-below", "one"],
)
def test_the_median_with_todays_answers_equals_the_raw_median(app, city, factory, intervals):
    _refresh(app)
    question_id = db.session.scalar(select(func.min(QuestionMedian.question_id)))
    category = db.session.scalar(select(Answer.category).where(Answer.question_id == question_id))
    for ms in intervals:
        player = factory.user()
        db.session.add(
            Answer(
                user_id=player.id,
                question_id=question_id,
                day=city,
                choices="A",
                correct=False,
                points=0,
                bonus=0,
                category=category,
                interval_ms=ms,
                created_at=runtime_of(app).clock.now(),
            )
        )
    db.session.commit()
    times = sorted(
        db.session.scalars(
            select(Answer.interval_ms).where(
                Answer.question_id == question_id, Answer.interval_ms.is_not(None)
            )
        )
    )
    n = len(times)
    expected = round((times[(n - 1) // 2] + times[n // 2]) / 2)
    figures = question_stats.stats_for([question_id], min_answers=1)[question_id]
    assert figures.median_answer_ms == expected
    assert _every_report(city - timedelta(days=3), city) == _raw(city - timedelta(days=3), city)


def test_after_a_refresh_postgresql_plans_on_the_months_people_it_just_wrote(app, backend, city):
    """The people-by-day count joins the month's people just written: planned on statistics that
    never saw that month (every 1st of the month) PostgreSQL expected one row and ran a nested
    loop over people × days (minutes to hours at 20 k players a day)."""
    if backend != "postgresql":
        pytest.skip("the statistics are PostgreSQL's planner's")
    _refresh(app)
    newest = db.session.scalar(select(func.max(PeopleMonth.month)))
    written = db.session.scalar(select(func.count()).where(PeopleMonth.month == newest))
    month_people = select(PeopleMonth.user_id).where(PeopleMonth.month == newest)
    sql = month_people.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN {sql}").all()
    assert written > 30
    estimated = int(plan[0][0].split("rows=")[1].split()[0])
    assert estimated >= written // 2, plan
