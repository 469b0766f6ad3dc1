"""The draw: each day's set of questions, today's set cached as cards, and the schedule.

A day's set is drawn once (seeded by the server's draw secret and the day, so every worker and a
restart draw the same) from the active questions, spread over categories, unless an admin
scheduled it. `TodaysSet` keeps today's cards in each worker so a fetch costs no query. Nothing
here commits.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from quiz.clock import day_bounds, local_day
from quiz.errors import AppError, Conflict, ValidationFailed
from quiz.extensions import db
from quiz.models import DailySet, Question
from quiz.services import (
    answering,
    question_pool,
)
from quiz.services.answering import (  # noqa: F401  (the daily quiz's names for them)
    AlreadyAnswered,
    AnswerResult,
    QuestionCard,
    Rules,
    validate_choices,
)
from quiz.services.sql import insert_on_conflict
from quiz.writing import will_write

MAX_SET_SIZE = 20
# A drawn day's multiple-choice questions: each right option is a tap, and a day stays short
# (docs/players.md, "A new user's first day"). An admin's schedule may hold more.
MULTIPLE_PER_DAY = 1


class NoQuestions(AppError):
    """The bank has no active questions to draw a day from."""

    status = 503
    code = "no_questions"
    title = "No questions available"


class ScheduleLocked(Conflict):
    """A past or already-started day cannot be rescheduled."""

    code = "schedule_locked"
    title = "Day already started"


def choose_questions(day: date, rules: Rules) -> list[int]:
    """Draw the day's questions: deterministic for the day, the bank and QUIZ_DRAW_SECRET
    (so every worker draws the same set, and nobody without the secret can), fresh, spread out.

    Questions used in the previous `no_repeat_days` are avoided while enough others remain;
    when they do not, the least recently used are taken. Categories are drawn round-robin so a
    day mixes topics. Two questions marked exclusive in the bundled bank (one's stem states the
    other's answer) never share a day, even if the day then has fewer questions. Questions of a
    campaign running on the day are left out while the rest of the bank fills a day. A day holds
    at most `MULTIPLE_PER_DAY` multiple-choice questions while the bank has others to fill it.
    """
    columns = (Question.id, Question.category, Question.content_hash, Question.type)
    suspended = question_pool.suspended_ids(question_pool.suspension_of(rules))
    active = db.session.execute(question_pool.drawable(suspended, *columns)).all()
    if len(active) < rules.daily_count and suspended:
        # Reports never empty the draw: the least reported suspended questions come back.
        back = list(reversed(suspended))[: rules.daily_count - len(active)]
        active += db.session.execute(
            question_pool.drawable((), *columns).where(Question.id.in_(back))
        ).all()
    if not active:
        raise NoQuestions("题库中没有可用的题目。")
    active = _without_campaign_questions(active, day, rules)
    window_start = day - timedelta(days=rules.no_repeat_days)
    last_used: dict[int, date] = {}
    for set_day, ids in db.session.execute(
        select(DailySet.day, DailySet.question_ids).where(
            DailySet.day >= window_start, DailySet.day < day
        )
    ):
        for qid in ids:
            last_used[qid] = max(set_day, last_used.get(qid, set_day))
    rng = answering.seeded_rng(rules.draw_secret, day.isoformat())
    return _draw(active, last_used, min(rules.daily_count, len(active)), rng)


def _draw(active, last_used: dict[int, date], count: int, rng: random.Random) -> list[int]:
    """`count` of the `active` rows (id, category, content_hash, type): fresh ones spread over
    categories first, then (not enough fresh) the ones used longest ago; the multiple-choice
    limit is kept while those fill the day, and given up only when they cannot."""
    clashes = question_pool.clashes(active)
    multiple = {qid for qid, _, _, kind in active if kind == "multiple"}

    def fits(qid: int, chosen: list[int]) -> bool:
        return not clashes.get(qid, frozenset()).intersection(chosen)

    def fits_the_limit(qid: int, chosen: list[int]) -> bool:
        if qid in multiple and len(multiple.intersection(chosen)) >= MULTIPLE_PER_DAY:
            return False
        return fits(qid, chosen)

    fresh = [(qid, cat) for qid, cat, _, _ in active if qid not in last_used]
    stale = sorted(
        (qid for qid, _, _, _ in active if qid in last_used), key=lambda qid: (last_used[qid], qid)
    )
    chosen: list[int] = []
    for rule in (fits_the_limit, fits):
        chosen = _spread(fresh, count, rng, rule, chosen)
        for qid in stale:  # not enough fresh questions: reuse the ones used longest ago
            if len(chosen) == count:
                break
            if qid not in chosen and rule(qid, chosen):
                chosen.append(qid)
        if len(chosen) == count:
            break
    return chosen


def _without_campaign_questions(active, day: date, rules: Rules):
    """Leave out the questions of campaigns running on `day`, so the daily quiz does not give
    them away — unless the bank would then be too small for a day's set."""
    start, end = day_bounds(day, rules.tz)
    held = question_pool.held_by_campaigns(start, end)
    if not held:
        return active
    kept = [row for row in active if row[0] not in held]
    return kept if len(kept) >= min(rules.daily_count, len(active)) else active


def _spread(
    pool: list[tuple[int, str]], count: int, rng: random.Random, fits, chosen: list[int]
) -> list[int]:
    """`chosen` topped up to `count` from `pool`, a category at a time, with questions that
    `fits(qid, chosen)`."""
    by_category: dict[str, list[int]] = defaultdict(list)
    for qid, category in pool:
        if qid not in chosen:
            by_category[category].append(qid)
    categories = sorted(by_category)
    rng.shuffle(categories)
    for ids in by_category.values():
        rng.shuffle(ids)
    chosen = list(chosen)
    while len(chosen) < count and any(by_category.values()):
        for category in categories:
            if by_category[category] and len(chosen) < count:
                qid = by_category[category].pop()
                if fits(qid, chosen):
                    chosen.append(qid)
    return chosen


def daily_set(day: date, rules: Rules, *, now: datetime) -> DailySet:
    """The set for `day`, drawn and stored on first use; racing workers end up with one."""
    found = db.session.scalar(select(DailySet).where(DailySet.day == day))
    if found is not None:
        return found
    chosen = choose_questions(day, rules)
    will_write(db.session)
    # Two workers racing at midnight: one row wins, both read it back.
    db.session.execute(
        insert_on_conflict(DailySet)
        .values(day=day, question_ids=chosen, created_at=now)
        .on_conflict_do_nothing(index_elements=[DailySet.day])
    )
    return db.session.scalar(select(DailySet).where(DailySet.day == day))


@dataclass(frozen=True)
class DayPlan:
    """A day's set as admins see it: its questions (with answers), and whether an admin fixed
    it (rather than the draw)."""

    day: date
    questions: list[Question]
    scheduled: bool


def plan_of(day_set: DailySet | None, day: date) -> DayPlan:
    if day_set is None:
        return DayPlan(day, [], False)
    return DayPlan(day_set.day, questions_of(day_set), day_set.scheduled_by is not None)


def scheduled_plan(day_set: DailySet, rules: Rules) -> ScheduledPlan:
    """A day just scheduled, saying which of its questions a campaign running that day holds
    (campaign attempts will not draw them before the day; attempts drawn earlier are refused
    them until the user has answered them in the daily quiz)."""
    start, end = day_bounds(day_set.day, rules.tz)
    held = question_pool.held_by_campaigns(start, end)
    plan = ScheduledPlan(*vars(plan_of(day_set, day_set.day)).values())
    overlapping = sorted(qid for qid in day_set.question_ids if qid in held)
    if overlapping:  # shown in the response only when there is something to say
        plan.overlapping_question_ids = overlapping
    return plan


@dataclass
class ScheduledPlan:
    day: date
    questions: list[Question]
    scheduled: bool


def questions_of(day_set: DailySet) -> list[Question]:
    return questions_by_id(day_set.question_ids)


def questions_by_id(ids) -> list[Question]:
    """These questions, in the order of `ids`."""
    by_id = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    return [by_id[qid] for qid in ids if qid in by_id]


@dataclass(frozen=True)
class _Cards:
    ids: tuple[int, ...]
    cards: tuple[QuestionCard, ...]
    checked: float  # monotonic seconds


_CARD_COLUMNS = select(
    Question.id,
    Question.type,
    Question.stem,
    Question.options,
    Question.answer,
    Question.explanation,
    Question.category,
    Question.points,
    Question.version,
)


class TodaysSet:
    """Today's set, kept per app (never shared between apps in a process): its ids, its
    questions as the answering core reads them, and its rendering for players.

    The set's ids are fixed once its day has started, so they are remembered per day. Its
    questions can still be edited: their columns are read again (one query on primary keys, no
    ORM objects) at most every `recheck_seconds` per worker, and rendered again only when they
    changed; the worker that saves an edit forgets its copy at once. So a fix shows at once to
    the editor and within a second everywhere else, the costly render (the schema dump) is done
    once per version, and most reads and answers add no query for their questions.
    """

    def __init__(self, recheck_seconds: float = 1.0, monotonic=time.monotonic):
        self._day: tuple[date, tuple[int, ...]] | None = None
        self._cards: _Cards | None = None
        self._rendered: tuple[tuple[QuestionCard, ...], object] | None = None
        self._recheck, self._monotonic = recheck_seconds, monotonic

    def question_ids(self, day: date, rules: Rules, *, now: datetime) -> tuple[int, ...]:
        known = self._day
        if known is None or known[0] != day:
            known = (day, tuple(daily_set(day, rules, now=now).question_ids))
            self._day = known
        return known[1]

    def forget(self) -> None:
        """Drop the questions read (after an edit to one): the next read reads them anew."""
        self._cards = None

    def questions(self, ids: tuple[int, ...]) -> tuple[QuestionCard, ...]:
        """These questions (in the order of `ids`, missing ones left out), re-read at most every
        `recheck_seconds`."""
        hit = self._cards
        at = self._monotonic()
        if hit is not None and hit.ids == ids and at - hit.checked < self._recheck:
            return hit.cards
        rows = {
            row.id: row for row in db.session.execute(_CARD_COLUMNS.where(Question.id.in_(ids)))
        }
        cards = tuple(QuestionCard.of(rows[qid]) for qid in ids if qid in rows)
        if hit is not None and hit.cards == cards:
            cards = hit.cards
        self._cards = _Cards(ids, cards, at)
        return cards

    def presented(self, ids: tuple[int, ...], render):
        """`render(questions)` of these questions, reused until one of them changes."""
        cards = self.questions(ids)
        done = self._rendered
        if done is not None and done[0] is cards:
            return done[1]
        value = render(cards)
        self._rendered = (cards, value)
        return value


def schedule(
    day: date, question_ids: list[int], rules: Rules, *, admin_id: int, now: datetime
) -> DailySet:
    """An admin fixes a future day's questions."""
    today = local_day(now, rules.tz)
    if day <= today:
        raise ScheduleLocked("只能安排明天及以后的题目；今天和过去的日期不能再改。")
    errors = []
    if not 1 <= len(question_ids) <= MAX_SET_SIZE:
        errors.append({"field": "question_ids", "message": f"题目数须在 1 到 {MAX_SET_SIZE} 之间"})
    if len(set(question_ids)) != len(question_ids):
        errors.append({"field": "question_ids", "message": "题目不能重复"})
    found = {
        q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(question_ids)))
    }
    for index, qid in enumerate(question_ids):
        if qid not in found:
            errors.append({"field": f"question_ids.{index}", "message": f"题目 {qid} 不存在"})
        elif not found[qid].active:
            errors.append({"field": f"question_ids.{index}", "message": f"题目 {qid} 已停用"})
    if errors:
        raise ValidationFailed("题目安排有误。", errors=errors)
    existing = db.session.scalar(select(DailySet).where(DailySet.day == day).with_for_update())
    if existing is None:
        existing = DailySet(
            day=day, question_ids=list(question_ids), scheduled_by=admin_id, created_at=now
        )
        db.session.add(existing)
    else:
        existing.question_ids = list(question_ids)
        existing.scheduled_by = admin_id
    db.session.flush()
    return existing
