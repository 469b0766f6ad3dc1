"""The daily quiz: today's set, scoring, bonuses, streaks and history.

Every function takes the instant (`now`) and the scoring rules (`Rules`) as arguments, so a
test can walk through weeks without touching the system clock. Nothing here commits.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import question_bank
from quiz.clock import day_bounds, local_day
from quiz.errors import AppError, Conflict, NotFound, ValidationFailed
from quiz.extensions import begin_writing, db
from quiz.models import Answer, DailySet, Question, QuestionReport, QuizDay, User
from quiz.services import fairplay, family, ledger, mistakes
from quiz.services.sql import commit_without_waiting_for_disk, insert_on_conflict

MAX_SET_SIZE = 20


class AlreadyAnswered(Conflict):
    """The user has answered this question today already (a retry, a double tap, a race)."""

    code = "already_answered"
    title = "Already answered"


class NotInToday(NotFound):
    """The question is not one of today's."""

    code = "not_in_today"
    title = "Not in today's set"


class NoQuestions(AppError):
    """The bank has no active questions to draw a day from."""

    status = 503
    code = "no_questions"
    title = "No questions available"


class ScheduleLocked(Conflict):
    """A past or already-started day cannot be rescheduled."""

    code = "schedule_locked"
    title = "Day already started"


# The app's rulebook, built once in `create_app`: `app.extensions[RULES]`.
RULES = "quiz.rules"


@dataclass(frozen=True)
class Rules:
    """The quiz's rules and the service's calendar, read from the configuration once."""

    tz: ZoneInfo
    daily_count: int = 5
    no_repeat_days: int = 30
    points_correct: int = 10
    bonus_perfect: int = 20
    bonus_streak: int = 5
    bonus_streak_cap: int = 30
    bonus_family: int = 5
    family_max: int = 6
    daily_cap: int = 0  # 0: no cap
    durable_answers: bool = False  # True: answers' commits wait for the disk like every other
    # Fair play: the draw's key, each user's option order (None: off) and the answer interval.
    draw_secret: str = ""
    option_secret: bytes | None = None
    min_answer_ms: int = 0
    # Open 纠错 reports that take a question out of future draws (0: never).
    report_suspend_at: int = 5

    @classmethod
    def from_config(cls, config) -> Rules:
        return cls(
            tz=ZoneInfo(config["QUIZ_TIMEZONE"]),
            daily_count=config["QUIZ_DAILY_COUNT"],
            no_repeat_days=config["QUIZ_NO_REPEAT_DAYS"],
            points_correct=config["QUIZ_POINTS_CORRECT"],
            bonus_perfect=config["QUIZ_BONUS_PERFECT"],
            bonus_streak=config["QUIZ_BONUS_STREAK"],
            bonus_streak_cap=config["QUIZ_BONUS_STREAK_CAP"],
            bonus_family=config["QUIZ_BONUS_FAMILY"],
            family_max=config["QUIZ_FAMILY_MAX"],
            daily_cap=config["QUIZ_DAILY_CAP"],
            durable_answers=config["QUIZ_DURABLE_ANSWERS"],
            draw_secret=config["QUIZ_DRAW_SECRET"],
            option_secret=(
                _option_secret(config["QUIZ_DRAW_SECRET"])
                if config["QUIZ_SHUFFLE_OPTIONS"]
                else None
            ),
            min_answer_ms=config["QUIZ_MIN_ANSWER_MS"],
            report_suspend_at=config["QUIZ_REPORT_SUSPEND_AT"],
        )

    def options_for(self, user_id: int, question: Question) -> fairplay.OptionOrder | None:
        """How this user sees the question's options (None: in the question's own order)."""
        return fairplay.option_order(
            self.option_secret, user_id, question.id, question.type, question.option_keys
        )


@functools.lru_cache(maxsize=8)
def _option_secret(draw_secret: str) -> bytes:
    return fairplay.option_secret(draw_secret)


@dataclass
class AnswerResult:
    question_id: int
    correct: bool
    correct_choices: list[str]
    explanation: str
    points_awarded: int
    balance: int
    completed: bool
    bonus_awarded: int
    bonuses: list[dict] = field(default_factory=list)
    too_fast: bool = False


# --- today's set -------------------------------------------------------------------------


def _seeded_rng(day: date, secret: str) -> random.Random:
    # Keyed by the server's secret: with the code and the bank alone nobody can compute a day's set.
    digest = hmac.new(secret.encode(), day.isoformat().encode(), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@functools.cache
def _bundled_exclusions() -> dict[str, frozenset[str]]:
    return question_bank.bundled_exclusions()


def choose_questions(day: date, rules: Rules) -> list[int]:
    """Draw the day's questions: deterministic for the day, the bank and QUIZ_DRAW_SECRET
    (so every worker draws the same set, and nobody without the secret can), fresh, spread out.

    Questions used in the previous `no_repeat_days` are avoided while enough others remain;
    when they do not, the least recently used are taken. Categories are drawn round-robin so a
    day mixes topics. Two questions marked exclusive in the bundled bank (one's stem states the
    other's answer) never share a day, even if the day then has fewer questions. Questions of a
    campaign running on the day are left out while the rest of the bank fills a day.
    """
    stmt = select(Question.id, Question.category, Question.content_hash).where(
        Question.active.is_(True)
    )
    if rules.report_suspend_at:
        # Enough open 纠错 reports suspend a question until an admin resolves them.
        stmt = stmt.where(Question.id.not_in(suspended_questions(rules.report_suspend_at)))
    active = db.session.execute(stmt.order_by(Question.id)).all()
    if not active:
        raise NoQuestions("题库中没有可用的题目。")
    active = _without_campaign_questions(active, day, rules)
    clashes = _clashes(active)
    window_start = day - timedelta(days=rules.no_repeat_days)
    last_used: dict[int, date] = {}
    for set_day, ids in db.session.execute(
        select(DailySet.day, DailySet.question_ids).where(
            DailySet.day >= window_start, DailySet.day < day
        )
    ):
        for qid in ids:
            last_used[qid] = max(set_day, last_used.get(qid, set_day))
    rng = _seeded_rng(day, rules.draw_secret)
    fresh = [(qid, cat) for qid, cat, _ in active if qid not in last_used]
    count = min(rules.daily_count, len(active))
    chosen = _spread(fresh, count, rng, clashes)
    if len(chosen) < count:
        # Not enough fresh questions: reuse the ones used longest ago.
        stale = sorted(
            (qid for qid, _, _ in active if qid in last_used), key=lambda qid: (last_used[qid], qid)
        )
        for qid in stale:
            if len(chosen) == count:
                break
            if not clashes.get(qid, frozenset()).intersection(chosen):
                chosen.append(qid)
    return chosen


def suspended_questions(threshold: int):
    """The ids of questions with at least `threshold` open 纠错 reports (a subquery)."""
    return (
        select(QuestionReport.question_id)
        .where(QuestionReport.status == "open")
        .group_by(QuestionReport.question_id)
        .having(func.count() >= threshold)
    )


def _without_campaign_questions(active, day: date, rules: Rules):
    """Leave out the questions of campaigns running on `day`, so the daily quiz does not give
    them away — unless the bank would then be too small for a day's set."""
    from quiz.services import campaigns  # campaigns builds on this module

    start, end = day_bounds(day, rules.tz)
    held = campaigns.held_question_ids(start, end)
    if not held:
        return active
    kept = [row for row in active if row[0] not in held]
    return kept if len(kept) >= min(rules.daily_count, len(active)) else active


def _clashes(active) -> dict[int, frozenset[int]]:
    """question id → ids of active questions it must not share a day with."""
    exclusions = _bundled_exclusions()
    if not exclusions:
        return {}
    id_of = {content_hash: qid for qid, _, content_hash in active}
    out = {}
    for qid, _, content_hash in active:
        others = frozenset(id_of[h] for h in exclusions.get(content_hash, ()) if h in id_of)
        if others:
            out[qid] = others
    return out


def _spread(
    pool: list[tuple[int, str]], count: int, rng: random.Random, clashes: dict[int, frozenset[int]]
) -> list[int]:
    by_category: dict[str, list[int]] = defaultdict(list)
    for qid, category in pool:
        by_category[category].append(qid)
    categories = sorted(by_category)
    rng.shuffle(categories)
    for ids in by_category.values():
        rng.shuffle(ids)
    chosen: list[int] = []
    while len(chosen) < count and any(by_category.values()):
        for category in categories:
            if by_category[category] and len(chosen) < count:
                qid = by_category[category].pop()
                if not clashes.get(qid, frozenset()).intersection(chosen):
                    chosen.append(qid)
    return chosen


def daily_set(day: date, rules: Rules, *, now: datetime) -> DailySet:
    """The set for `day`, drawn and stored on first use; racing workers end up with one."""
    found = db.session.scalar(select(DailySet).where(DailySet.day == day))
    if found is not None:
        return found
    chosen = choose_questions(day, rules)
    begin_writing(db.session)
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


def questions_of(day_set: DailySet) -> list[Question]:
    return questions_by_id(day_set.question_ids)


def questions_by_id(ids) -> list[Question]:
    """These questions, in the order of `ids`."""
    by_id = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    return [by_id[qid] for qid in ids if qid in by_id]


# The per-app cache of the day's set, in `app.extensions[TODAYS_SET]`.
TODAYS_SET = "quiz.todays_set"


@dataclass(frozen=True)
class _Presented:
    ids: tuple[int, ...]
    key: tuple
    value: object
    checked: float  # monotonic seconds


class TodaysSet:
    """Today's set as players see it, kept per app (never shared between apps in a process).

    The set's ids are fixed once its day has started, so they are remembered per day. Its
    questions' wording can still be edited: the shown columns are read again (one query on
    primary keys, no ORM objects) at most every `recheck_seconds` per worker, and rendered again
    only when they changed; the worker that saves an edit forgets its copy at once. So a fix
    shows at once to the editor and within a second everywhere else, while the costly render
    (the schema dump) is done once per version and most requests add no query.
    """

    def __init__(self, recheck_seconds: float = 1.0, monotonic=time.monotonic):
        self._day: tuple[date, tuple[int, ...]] | None = None
        self._presented: _Presented | None = None
        self._recheck, self._monotonic = recheck_seconds, monotonic

    def question_ids(self, day: date, rules: Rules, *, now: datetime) -> tuple[int, ...]:
        known = self._day
        if known is None or known[0] != day:
            known = (day, tuple(daily_set(day, rules, now=now).question_ids))
            self._day = known
        return known[1]

    def forget(self) -> None:
        """Drop the rendered set (after an edit to a question): the next read renders anew."""
        self._presented = None

    def presented(self, ids: tuple[int, ...], render):
        """`render(questions)` of these questions (rows with id, type, stem, options and
        category, in the order of `ids`), reused until one of them changes."""
        hit = self._presented
        at = self._monotonic()
        if hit is not None and hit.ids == ids and at - hit.checked < self._recheck:
            return hit.value
        rows = {
            row.id: row
            for row in db.session.execute(
                select(
                    Question.id, Question.type, Question.stem, Question.options, Question.category
                ).where(Question.id.in_(ids))
            )
        }
        shown = [rows[qid] for qid in ids if qid in rows]
        key = tuple(
            (r.id, r.type, r.stem, tuple(tuple(o) for o in r.options), r.category) for r in shown
        )
        value = hit.value if hit is not None and hit.key == key else render(shown)
        self._presented = _Presented(ids, key, value, at)
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


# --- the user's day ----------------------------------------------------------------------


def _new_day(user_id: int, day: date, total: int):
    """INSERT of a user's empty day row (the caller adds its ON CONFLICT clause)."""
    return insert_on_conflict(QuizDay).values(
        user_id=user_id, day=day, total=total, answered=0, correct=0, points=0, bonus=0, too_fast=0
    )


def _quiz_day(user_id: int, day: date, total: int) -> QuizDay:
    """The user's row for the day, created if missing (read requests: no lock)."""
    stmt = select(QuizDay).where(QuizDay.user_id == user_id, QuizDay.day == day)
    row = db.session.scalar(stmt)
    if row is not None:
        return row
    begin_writing(db.session)
    db.session.execute(
        _new_day(user_id, day, total).on_conflict_do_nothing(
            index_elements=[QuizDay.user_id, QuizDay.day]
        )
    )
    return db.session.scalar(stmt)


def _lock_quiz_day(user_id: int, day: date, total: int) -> QuizDay:
    """Create-or-lock the user's day in one statement (ON CONFLICT DO UPDATE takes the lock)."""
    stmt = (
        _new_day(user_id, day, total)
        .on_conflict_do_update(
            index_elements=[QuizDay.user_id, QuizDay.day], set_={"total": QuizDay.total}
        )
        .returning(QuizDay)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def mark_seen(user: User, day: date, total: int, *, now: datetime) -> QuizDay:
    """Record the user's first fetch of the day (the start of their answer times)."""
    row = _quiz_day(user.id, day, total)
    if row.first_seen_at is None:
        begin_writing(db.session)
        row.first_seen_at = now
        db.session.flush()
    return row


def answers_of(user_id: int, day: date) -> list[Answer]:
    return list(
        db.session.scalars(
            select(Answer).where(Answer.user_id == user_id, Answer.day == day).order_by(Answer.id)
        )
    )


def result_of(
    answer: Answer,
    question: Question,
    *,
    balance: int,
    completed: bool,
    order: fairplay.OptionOrder | None = None,
) -> AnswerResult:
    """The answer's result as its user sees it: `correct_choices` in their own keys."""
    correct_choices = fairplay.in_user_keys(question.answer, order)
    return AnswerResult(
        question_id=question.id,
        correct=answer.correct,
        correct_choices=correct_choices,
        explanation=question.explanation,
        points_awarded=answer.points,
        balance=balance,
        completed=completed,
        bonus_awarded=answer.bonus,
        too_fast=answer.too_fast,
    )


def validate_choices(question: Question, choices: list[str]) -> str:
    keys = sorted({str(c).strip().upper() for c in choices})
    errors = []
    if not keys or keys == [""]:
        errors.append({"field": "choices", "message": "请至少选择一个选项"})
    unknown = [k for k in keys if k not in question.option_keys]
    if unknown:
        errors.append({"field": "choices", "message": f"没有选项 {','.join(unknown)}"})
    if question.type in ("single", "judge") and len(keys) > 1:
        errors.append({"field": "choices", "message": "此题只能选择一个选项"})
    if errors:
        raise ValidationFailed("答案无效。", errors=errors)
    return "".join(keys)


def submit_answer(
    user: User,
    question_id: int,
    choices: list[str],
    rules: Rules,
    *,
    now: datetime,
    question_ids: tuple[int, ...] | None = None,
) -> AnswerResult:
    """Score one answer and credit its points; the answer that completes the day adds bonuses.

    `question_ids` is the day's set when the caller already knows it (it is fixed once the
    day has started); otherwise it is read from the database.
    """
    day = local_day(now, rules.tz)
    if question_ids is None:
        question_ids = tuple(daily_set(day, rules, now=now).question_ids)
    if question_id not in question_ids:
        raise NotInToday("这道题不在今天的题目中。")
    question = db.session.get(Question, question_id)
    # The user's keys are theirs: scored and stored in the question's own keys.
    order = rules.options_for(user.id, question)
    chosen = validate_choices(question, order.question_keys(choices) if order else choices)
    if not rules.durable_answers:
        commit_without_waiting_for_disk()
    # Serialise this user's answers for the day: the row lock makes "answered" exact.
    row = _lock_quiz_day(user.id, day, len(question_ids))
    if row.answered >= row.total:
        raise AlreadyAnswered("今天的题目已经全部答完了。")

    correct = chosen == question.answer
    # Sooner than the minimum interval after the previous answer (or the first fetch; an answer
    # without any fetch has no start at all): stored and marked, worth nothing.
    since = max((t for t in (row.first_seen_at, row.last_answer_at) if t is not None), default=None)
    interval = int((now - since).total_seconds() * 1000) if since is not None else None
    too_fast = bool(rules.min_answer_ms) and (interval is None or interval < rules.min_answer_ms)
    earns = fairplay.earns_points(user.role) and not too_fast
    start, end = day_bounds(day, rules.tz)
    cap = _Cap(user.id, rules.daily_cap, start, end)
    awarded = 0
    if correct and earns:
        awarded += cap.award(
            question.points or rules.points_correct,
            "quiz_correct",
            key=f"quiz:{user.id}:{day.isoformat()}:{question_id}",
            memo=f"答对：{question.stem[:40]}",
            ref=f"question:{question_id}",
            now=now,
        )
    row.answered += 1
    row.correct += int(correct)
    row.too_fast += int(too_fast)
    row.last_answer_at = now
    bonuses: list[dict] = []
    if row.answered >= row.total:
        bonuses = _complete_day(user, row, day, rules, cap, now=now)
    bonus = sum(b["points"] for b in bonuses)
    row.points += awarded + bonus
    row.bonus += bonus
    elapsed = int((now - row.first_seen_at).total_seconds() * 1000) if row.first_seen_at else None
    answer = Answer(
        user_id=user.id,
        question_id=question_id,
        day=day,
        choices=chosen,
        correct=correct,
        points=awarded + bonus,
        bonus=bonus,
        category=question.category,
        district=user.district,
        elapsed_ms=elapsed,
        interval_ms=interval,
        too_fast=too_fast,
        created_at=now,
    )
    db.session.add(answer)
    try:
        # UNIQUE (user_id, question_id, day) is the guard: a second answer fails here and the
        # 409 rolls back the whole request, its points included.
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyAnswered("这道题今天已经答过了。") from exc
    if not correct:
        mistakes.record_wrong(user.id, question, day=day, now=now)
    # post_entry refreshed the balance inside this transaction; without a credit, the balance
    # loaded with the user at the start of the request is shown.
    result = result_of(
        answer, question, balance=user.balance, completed=row.completed_at is not None, order=order
    )
    result.bonuses = bonuses
    return result


def _complete_day(
    user: User, row: QuizDay, day: date, rules: Rules, cap: _Cap, *, now: datetime
) -> list[dict]:
    row.completed_at = now
    streak = user.streak + 1 if user.streak_day == day - timedelta(days=1) else 1
    if user.streak_day != day:
        user.streak, user.streak_day = streak, day
    # A day with a too-fast answer, or a staff member's day, pays no bonus (nor the family's).
    if row.too_fast or not fairplay.earns_points(user.role):
        return []
    bonuses = []
    if row.correct == row.total and rules.bonus_perfect:
        points = cap.award(
            rules.bonus_perfect,
            "quiz_bonus",
            key=f"perfect:{user.id}:{day}",
            memo="全部答对奖励",
            ref=f"day:{day}",
            now=now,
        )
        bonuses.append({"kind": "perfect", "points": points})
    if streak >= 2 and rules.bonus_streak:
        amount = min(rules.bonus_streak * (streak - 1), rules.bonus_streak_cap)
        points = cap.award(
            amount,
            "quiz_bonus",
            key=f"streak:{user.id}:{day}",
            memo=f"连续答题 {streak} 天奖励",
            ref=f"day:{day}",
            now=now,
        )
        bonuses.append({"kind": "streak", "points": points, "streak": streak})
    if user.family_reporter_id and rules.bonus_family:
        family.on_day_completed(
            user, day, now=now, bonus=rules.bonus_family, family_max=rules.family_max
        )
    return bonuses


# The daily quiz task: what QUIZ_DAILY_CAP limits (family bonuses are a task of their own).
QUIZ_TASK_KINDS = ("quiz_correct", "quiz_bonus")


class _Cap:
    """The per-user daily cap on quiz points (学习强国-style); 0 means none."""

    def __init__(self, user_id: int, limit: int, start: datetime, end: datetime):
        self.user_id, self.limit, self.start, self.end = user_id, limit, start, end

    def award(self, amount: int, kind: str, *, key: str, memo: str, ref: str, now: datetime) -> int:
        """Credit quiz points, clipped so the day's quiz points never pass the cap; returns
        what was credited. The caller holds the user's day lock, so the sum read here cannot
        move underneath it."""
        if self.limit:
            earned = ledger.earned_between(
                self.user_id, self.start, self.end, kinds=QUIZ_TASK_KINDS
            )
            amount = max(0, min(amount, self.limit - earned))
        if amount <= 0:
            return 0
        return ledger.post_entry(
            self.user_id, amount, kind, key=key, now=now, memo=memo, ref=ref
        ).entry.delta


def progress(user: User, rules: Rules, *, now: datetime) -> dict:
    """Today's progress per task, like 学习强国's task list."""
    day = local_day(now, rules.tz)
    row = db.session.scalar(select(QuizDay).where(QuizDay.user_id == user.id, QuizDay.day == day))
    start, end = day_bounds(day, rules.tz)
    earned = ledger.earned_between(user.id, start, end, kinds=QUIZ_TASK_KINDS)
    return {
        "date": day.isoformat(),
        "tasks": [
            {
                "task": "daily_quiz",
                "title": "每日答题",
                "current": row.answered if row else 0,
                "max": row.total if row else rules.daily_count,
            },
            {
                "task": "quiz_points",
                "title": "答题积分",
                "current": earned,
                "max": rules.daily_cap or None,
            },
        ],
    }


@dataclass(frozen=True)
class Today:
    """The caller's today: the set as they see it, their results so far, their streak."""

    date: date
    questions: list  # already rendered for players (see TodaysSet.presented)
    answered: dict[str, AnswerResult]
    completed: bool
    streak: int


def results_of_day(
    user: User, day: date, ids, rules: Rules, *, completed: bool
) -> dict[str, AnswerResult]:
    """The user's results for the day's questions answered so far, keyed by question id, each
    in the user's own option keys."""
    by_id = {q.id: q for q in questions_by_id(ids)}
    results = {}
    for answer in answers_of(user.id, day):
        question = by_id.get(answer.question_id)
        if question is not None:
            results[str(answer.question_id)] = result_of(
                answer,
                question,
                balance=user.balance,
                completed=completed,
                order=rules.options_for(user.id, question),
            )
    return results


def live_streak(streak: int, streak_day: date | None, today: date) -> int:
    """The streak still alive today: it lapses once a whole day passes without completing."""
    if streak_day is None:
        return 0
    return streak if (today - streak_day).days <= 1 else 0


def history(user_id: int, *, before: date | None, limit: int) -> list[QuizDay]:
    stmt = select(QuizDay).where(QuizDay.user_id == user_id, QuizDay.answered > 0)
    if before is not None:
        stmt = stmt.where(QuizDay.day < before)
    return list(db.session.scalars(stmt.order_by(QuizDay.day.desc()).limit(limit)))
