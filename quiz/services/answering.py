"""One way of answering a question, whatever the activity: the daily quiz, a campaign, practice.

Like Moodle's question engine (`question_usage_by_activity`), the activities keep only their own
container (the user's day row, a campaign attempt, a practice session) and their payout; what
it means to answer is written once, here:

- the rules (`Rules`, built once in `create_app`) and the result a user sees (`AnswerResult`);
- choices taken in the user's own option keys, validated and judged in the question's (`judge`);
- the pace rule (`pace`): an answer sooner than `QUIZ_MIN_ANSWER_MS` after the previous one (or
  the start; no start at all counts as too soon) is stored and marked `too_fast`, and neither
  scores nor pays — a right answer given too fast counts as right for the user's own learning
  (the 错题本, statistics) but never in a score (`scores`);
- presenting a question as one user sees it (`present`), never with its answer;
- the one seeded generator that draws sets (`seeded_rng`), keyed by the server's secret.

Plain values in, typed errors out; nothing here touches the database.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import random
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from quiz.errors import Conflict, ValidationFailed
from quiz.services import option_order


class AlreadyAnswered(Conflict):
    """The user has answered this question in this container already (a retry, a double tap,
    a race)."""

    code = "already_answered"
    title = "Already answered"


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
    # Open 纠错 reports that take a question out of future draws (0: never), who counts, and
    # the largest share of the bank that reports can suspend.
    report_suspend_at: int = 5
    report_min_age_days: int = 3
    report_suspend_share: float = 0.1

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
            report_min_age_days=config["QUIZ_REPORT_MIN_AGE_DAYS"],
            report_suspend_share=config["QUIZ_REPORT_SUSPEND_SHARE"],
        )

    def options_for(self, user_id: int, question) -> option_order.OptionOrder | None:
        """How this user sees the question's options (None: in the question's own order)."""
        return option_order.option_order(
            self.option_secret, user_id, question.id, question.type, question.option_keys
        )


@functools.lru_cache(maxsize=8)
def _option_secret(draw_secret: str) -> bytes:
    return option_order.option_secret(draw_secret)


@dataclass(frozen=True)
class QuestionCard:
    """The columns of a question that answering reads, frozen: safe to keep per worker (today's
    set holds its questions this way, so an answer costs no query for its question)."""

    id: int
    type: str
    stem: str
    options: tuple[tuple[str, str], ...]
    answer: str
    explanation: str
    category: str
    points: int | None
    version: int = 1  # the published version these columns are (三审)

    @classmethod
    def of(cls, row) -> QuestionCard:
        """From a `Question` or a row with the same columns."""
        return cls(
            id=row.id,
            type=row.type,
            stem=row.stem,
            options=tuple((key, text) for key, text in row.options),
            answer=row.answer,
            explanation=row.explanation or "",
            category=row.category,
            points=row.points,
            version=row.version,
        )

    @property
    def option_keys(self) -> list[str]:
        return [key for key, _ in self.options]


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
    question_version: int = 1  # the version the answer was scored against


def seeded_rng(secret: str, *parts) -> random.Random:
    """The one generator behind every draw: keyed by the server's secret, so that with the code
    and the bank alone nobody can compute a day's set or an attempt's questions."""
    message = ":".join(str(p) for p in parts).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def validate_choices(question, choices) -> str:
    """The choices (in the question's own keys) as stored: sorted and joined, "ACD"."""
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


@dataclass(frozen=True)
class Judgement:
    """A user's choices read in the question's keys, and whether they are right."""

    chosen: str  # the question's own keys, as stored
    correct: bool
    order: option_order.OptionOrder | None  # how the user saw the options

    def correct_choices(self, question) -> list[str]:
        """The question's answer in the user's own keys."""
        return option_order.in_user_keys(question.answer, self.order)


def judge(question, choices, user_id: int, rules: Rules) -> Judgement:
    """Validate and judge choices made in the user's option keys."""
    order = rules.options_for(user_id, question)
    chosen = validate_choices(question, order.question_keys(choices) if order else choices)
    return Judgement(chosen, chosen == question.answer, order)


@dataclass(frozen=True)
class Pace:
    too_fast: bool
    interval_ms: int | None  # since the previous answer or the start; None: no start at all


def pace(since: datetime | None, now: datetime, rules: Rules) -> Pace:
    """The pace rule, the same in every activity."""
    interval = int((now - since).total_seconds() * 1000) if since is not None else None
    too_fast = bool(rules.min_answer_ms) and (interval is None or interval < rules.min_answer_ms)
    return Pace(too_fast, interval)


# An answer less than this above the floor (QUIZ_MIN_ANSWER_MS, at least 1 s) looks like a
# script waiting the floor out: each day counts them (`quiz_days.near_floor`) for the suspects
# report.
FLOOR_MARGIN_MS = 500


def floor_band(min_answer_ms: int) -> int:
    return max(min_answer_ms, 1000) + FLOOR_MARGIN_MS


def near_floor(answer_pace: Pace, min_answer_ms: int) -> bool:
    interval = answer_pace.interval_ms
    return interval is not None and interval < floor_band(min_answer_ms)


def scores(judgement: Judgement, answer_pace: Pace) -> bool:
    """Whether an answer counts in a score (the day's correct answers, an attempt's score)."""
    return judgement.correct and not answer_pace.too_fast


def result(
    question,
    judgement: Judgement,
    *,
    points: int,
    balance: int,
    completed: bool,
    too_fast: bool,
    bonus: int = 0,
) -> AnswerResult:
    """What the user is told about their answer, in their own keys."""
    return AnswerResult(
        question_id=question.id,
        correct=judgement.correct,
        correct_choices=judgement.correct_choices(question),
        explanation=question.explanation,
        points_awarded=points,
        balance=balance,
        completed=completed,
        bonus_awarded=bonus,
        too_fast=too_fast,
        question_version=question.version,
    )


def recorded(question, chosen: str, correct: bool, user_id: int, rules: Rules) -> Judgement:
    """The judgement stored with an earlier answer (its choices in the question's keys)."""
    return Judgement(chosen, correct, rules.options_for(user_id, question))


def present(question, order: option_order.OptionOrder | None) -> dict:
    """A question as one user sees it: options in their order, never the answer."""
    return option_order.as_seen(question, order)


def presented(question, user_id: int, rules: Rules) -> dict:
    return present(question, rules.options_for(user_id, question))
