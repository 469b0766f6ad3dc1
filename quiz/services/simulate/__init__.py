"""`flask demo simulate-year`: a city's history written fast, obeying live traffic's rules.

Used by the tests at small N and by `python -m bench year` at large N. It adds people and their
days to whatever is there (ids follow the existing ones); the questions are the active ones of
the bank (a day's set is drawn from them, or an existing set of that day is kept).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from quiz.errors import Conflict
from quiz.extensions import db
from quiz.models import DailySet, Question
from quiz.services.simulate.campaign import (
    SimCampaign,
    plan_campaign,
    play_attempt,
    write_campaign,
)
from quiz.services.simulate.economy import Economy
from quiz.services.simulate.history import (
    ANSWER_COLUMNS,
    DAY_COLUMNS,
    LEDGER_COLUMNS,
    Batch,
    Bonuses,
    Mistakes,
    SimQuestion,
    play_day,
)
from quiz.services.simulate.population import Player, create_people, create_staff
from quiz.services.simulate.writer import RowWriter, advance_sequences, next_ids

TABLES = (
    "teams",
    "users",
    "daily_sets",
    "quiz_days",
    "answers",
    "ledger_entries",
    "mistakes",
    "prizes",
    "stock_movements",
    "redemptions",
    "question_reports",
    "account_holds",
    "campaigns",
    "campaign_attempts",
    "campaign_answers",
)
FLUSH_ROWS = 50_000
MISTAKE_COLUMNS = (
    "id",
    "user_id",
    "question_id",
    "category",
    "wrong_count",
    "last_wrong_at",
    "last_wrong_on",
)


class NoQuestions(Conflict):
    """The simulation needs active questions to draw each day's set from."""

    code = "no_questions"


@dataclass(frozen=True)
class CityShape:
    players: int
    days: int
    seed: int
    last_day: date  # the simulated history ends that day (usually yesterday)
    districts: list[str]
    daily_count: int
    points_correct: int
    tz: ZoneInfo
    bonuses: Bonuses = Bonuses()
    family_max: int = 6
    report_suspend_at: int = 5

    @classmethod
    def of(
        cls, rules, districts, *, last_day: date, players: int, days: int, seed: int
    ) -> CityShape:
        """A city under the service's rules and districts whose history ends on `last_day`."""
        return cls(
            players=players,
            days=days,
            seed=seed,
            last_day=last_day,
            districts=list(districts),
            daily_count=rules.daily_count,
            points_correct=rules.points_correct,
            tz=rules.tz,
            bonuses=Bonuses(
                perfect=rules.bonus_perfect,
                streak=rules.bonus_streak,
                streak_cap=rules.bonus_streak_cap,
                family=rules.bonus_family,
            ),
            family_max=rules.family_max,
            report_suspend_at=rules.report_suspend_at,
        )


@dataclass
class Simulated:
    players: int
    days: int
    rows: dict[str, int] = field(default_factory=dict)


def _questions(points_correct: int, rng: random.Random) -> list[SimQuestion]:
    rows = db.session.execute(
        select(Question.id, Question.category, Question.answer, Question.options, Question.points)
        .where(Question.active.is_(True))
        .order_by(Question.id)
    ).all()
    out = []
    for qid, category, answer, options, points in rows:
        keys = [key for key, _ in options]
        wrong = next((k for k in keys if k not in answer), None)
        if wrong is None:
            continue
        ease = rng.uniform(0.7, 1.05)
        out.append(SimQuestion(qid, category, answer, wrong, points or points_correct, ease))
    if not out:
        raise NoQuestions("题库里没有可用的题目：先导入题库（flask seed）。")
    return out


def _daily_sets(
    writer: RowWriter,
    shape: CityShape,
    days: list[date],
    questions,
    rng,
    now: datetime,
    campaign: SimCampaign | None = None,
) -> dict[date, list[SimQuestion]]:
    """Each day's set: the stored one if that day has one, else a fresh draw (written), without
    the running campaign's questions if the rest still fill a set (as the live draw does)."""
    by_id = {q.id: q for q in questions}
    stored = dict(
        db.session.execute(
            select(DailySet.day, DailySet.question_ids).where(
                DailySet.day >= days[0], DailySet.day <= days[-1]
            )
        ).all()
    )
    sets, rows, next_id = {}, [], next_ids(["daily_sets"])["daily_sets"]
    count = min(shape.daily_count, len(questions))
    held = campaign.held_ids() if campaign else set()
    kept = [q for q in questions if q.id not in held]
    for day in days:
        known = [by_id[i] for i in stored.get(day, []) if i in by_id]
        if day in stored:
            sets[day] = known
            continue
        runs = campaign is not None and campaign.runs_on(day) and len(kept) >= count
        sets[day] = rng.sample(kept if runs else questions, count)
        rows.append((next_id, day, [q.id for q in sets[day]], now))
        next_id += 1
    rows = [(i, d, _json(ids), at) for i, d, ids, at in rows]
    writer.write("daily_sets", ("id", "day", "question_ids", "created_at"), rows)
    return sets


def _json(ids: list[int]) -> str:
    return "[" + ", ".join(str(i) for i in ids) + "]"


def _flush(writer: RowWriter, batch: Batch) -> None:
    writer.write("quiz_days", DAY_COLUMNS, batch.days)
    writer.write("answers", ANSWER_COLUMNS, batch.answers)
    writer.write("ledger_entries", LEDGER_COLUMNS, batch.ledger)
    batch.days, batch.answers, batch.ledger = [], [], []


def _finish(writer: RowWriter, people: list[Player], mistakes: Mistakes, first_id: int) -> None:
    """The mistakes, then each player's balance and streak (the sums of what was written)."""
    writer.write(
        "mistakes",
        MISTAKE_COLUMNS,
        [
            (first_id + n, uid, qid, *row)
            for n, ((uid, qid), row) in enumerate(sorted(mistakes.rows.items()))
        ],
    )
    writer.update_many(
        "users",
        ("balance", "streak", "streak_day"),
        [(p.balance, p.streak, p.streak_day) + (p.id,) for p in people if p.balance or p.streak],
    )


def _economy(shape: CityShape, batch: Batch, staff, people, *, days, questions, created):
    """The shop, the staff who run it and the holds they will put, before the first day."""
    economy = Economy(
        batch,
        random.Random(f"{shape.seed}/economy"),  # the answers stay those of the seed
        shape.tz,
        staff,
        days,
        created,
        suspend_at=shape.report_suspend_at,
    )
    economy.stock_shelves(len(people))
    economy.choose_holds(people)
    economy.read_versions([q.id for q in questions])
    return economy


def _play(shape, writer, people, days, sets, economy, campaign, rng) -> Mistakes:
    """The days in order: staff work that falls due, then each player's day and what follows."""
    batch, mistakes, by_id = economy.batch, Mistakes(), {p.id: p for p in people}
    for day in days:
        economy.start_day(day, by_id)
        running = campaign is not None and campaign.runs_on(day)
        for player in people:
            if not (sets[day] and player.plays(day, rng)):
                continue
            played = play_day(player, day, sets[day], batch, mistakes, rng, shape.tz, shape.bonuses)
            economy.after_play(player, day, played)
            if running:
                play_attempt(campaign, player, played, sets[day], batch, mistakes, economy.rng, day)
        if batch.size() >= FLUSH_ROWS:
            _flush(writer, batch)
    _flush(writer, batch)
    return mistakes


def simulate_year(shape: CityShape, *, now: datetime) -> Simulated:
    """Write `shape.players` people and `shape.days` days of their play ending `last_day`."""
    rng = random.Random(shape.seed)
    writer = RowWriter()
    questions = _questions(shape.points_correct, rng)
    days = [shape.last_day - timedelta(days=n) for n in range(shape.days - 1, -1, -1)]
    ids = next_ids(TABLES)
    tag = f"y{ids['users']}"
    created = datetime.combine(days[0] - timedelta(days=1), datetime.min.time(), now.tzinfo)
    people = create_people(
        writer,
        rng,
        players=shape.players,
        first_ids=ids,
        districts=shape.districts,
        days=days,
        tag=tag,
        now=created,
        family_max=shape.family_max,
    )
    staff = create_staff(writer, first_id=ids["users"] + len(people), tag=tag, now=created)
    batch = Batch(ids)
    campaign = plan_campaign(batch, questions, days, shape.tz, staff["admin"])
    sets = _daily_sets(writer, shape, days, questions, rng, now, campaign)
    economy = _economy(shape, batch, staff, people, days=days, questions=questions, created=created)
    mistakes = _play(shape, writer, people, days, sets, economy, campaign, rng)
    if campaign is not None:
        write_campaign(writer, campaign, created)
    economy.write(writer, created)
    _finish(writer, people, mistakes, ids["mistakes"])
    advance_sequences(TABLES)
    return Simulated(players=shape.players, days=shape.days, rows=dict(writer.written))
