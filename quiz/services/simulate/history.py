"""The simulated city's days: each day's set, who played, their answers, points and mistakes.

The rows obey the same rules as live traffic: one answer per user, question and day (each
player answers a question of the day's set at most once), a ledger entry per point-earning
answer with the live key (`quiz:<user>:<day>:<question>`), the day row's counters equal to its
answers, the balance equal to the entries (kept in `Player.balance`, written at the end), a
mistake per wrong (user, question) with its count, and the streak of consecutive completed days.
A completed day pays the bonuses `daily_quiz._complete_day` pays — all correct, streak (on the
completing answer and the day row) and the family member's day to their reporter — under the
same keys, kinds, memos and refs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from quiz.services.simulate.population import Player

DAY_COLUMNS = (
    "id",
    "user_id",
    "day",
    "total",
    "answered",
    "correct",
    "points",
    "bonus",
    "first_seen_at",
    "last_answer_at",
    "too_fast",
    "near_floor",
    "completed_at",
)
ANSWER_COLUMNS = (
    "id",
    "user_id",
    "question_id",
    "day",
    "choices",
    "correct",
    "points",
    "bonus",
    "category",
    "district",
    "elapsed_ms",
    "interval_ms",
    "too_fast",
    "created_at",
)
LEDGER_COLUMNS = (
    "id",
    "user_id",
    "delta",
    "kind",
    "memo",
    "ref",
    "idempotency_key",
    "created_at",
    "actor_id",
)
# A player who starts a day finishes it this often; the others stop after a question or more.
COMPLETES = 0.8


@dataclass(frozen=True)
class SimQuestion:
    id: int
    category: str
    answer: str
    wrong: str  # a key a wrong answer picks
    points: int
    ease: float  # multiplies a player's skill


@dataclass(frozen=True)
class Bonuses:
    """The day's bonuses (`Rules.bonus_*`): 0 turns one off."""

    perfect: int = 20
    streak: int = 5
    streak_cap: int = 30
    family: int = 5


@dataclass(frozen=True)
class Played:
    """What a player's day left for the rest of the city: when it ended and what went wrong."""

    last_at: datetime
    wrong: list[SimQuestion]


@dataclass
class Batch:
    """Rows waiting to be written, and the next ids to give."""

    ids: dict[str, int]
    days: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    ledger: list[tuple] = field(default_factory=list)

    def take(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def size(self) -> int:
        return len(self.days) + len(self.answers) + len(self.ledger)

    def entry(
        self,
        user_id: int,
        delta: int,
        kind: str,
        *,
        memo: str,
        ref: str,
        key: str,
        at: datetime,
        actor_id: int | None = None,
    ) -> None:
        """A ledger entry as `ledger.post_entry` writes it (the caller moves the balance)."""
        row = (self.take("ledger_entries"), user_id, delta, kind, memo, ref, key, at, actor_id)
        self.ledger.append(row)


@dataclass
class Mistakes:
    """(user, question) → [category, wrong count, last wrong at, last wrong on]."""

    rows: dict[tuple[int, int], list] = field(default_factory=dict)

    def wrong(self, user_id: int, question: SimQuestion, at: datetime, day: date) -> None:
        row = self.rows.get((user_id, question.id))
        if row is None:
            self.rows[(user_id, question.id)] = [question.category, 1, at, day]
        else:
            row[1] += 1
            row[2], row[3] = at, day


def _start_of_play(day: date, tz: ZoneInfo, rng: random.Random) -> datetime:
    """A moment between 07:00 and 22:00 local time of that day."""
    local = datetime(day.year, day.month, day.day, 7, tzinfo=tz)
    return (local + timedelta(seconds=rng.randrange(15 * 3600))).astimezone(UTC)


def play_day(
    player: Player,
    day: date,
    questions: list[SimQuestion],
    batch: Batch,
    mistakes: Mistakes,
    rng: random.Random,
    tz: ZoneInfo,
    bonuses: Bonuses = Bonuses(),
) -> Played:
    """One player's day: their answers in order, the entries they earn, their day row."""
    total = len(questions)
    count = total if rng.random() < COMPLETES else rng.randint(1, max(1, total - 1))
    first_seen = _start_of_play(day, tz, rng)
    elapsed = right = points = 0
    at = first_seen
    answers, wrong = [], []
    for question in questions[:count]:
        interval = rng.randint(2500, 25000)
        elapsed += interval
        at = first_seen + timedelta(milliseconds=elapsed)
        correct = rng.random() < player.skill * question.ease
        earned = question.points if correct else 0
        answers.append(
            [
                batch.take("answers"),
                player.id,
                question.id,
                day,
                question.answer if correct else question.wrong,
                correct,
                earned,
                0,
                question.category,
                player.district,
                elapsed,
                interval,
                False,
                at,
            ]
        )
        if correct:
            right, points = right + 1, points + earned
            key = f"quiz:{player.id}:{day.isoformat()}:{question.id}"
            memo, ref = "答对", f"question:{question.id}"
            batch.entry(player.id, earned, "quiz_correct", memo=memo, ref=ref, key=key, at=at)
        else:
            wrong.append(question)
            mistakes.wrong(player.id, question, at, day)
    player.balance += points
    completed = at if count == total else None
    bonus = 0
    if completed is not None:
        follows = player.streak_day == day - timedelta(days=1)
        player.streak = player.streak + 1 if follows else 1
        player.streak_day = day
        bonus = _complete_day(player, day, right == total, batch, bonuses, at)
        answers[-1][6] += bonus
        answers[-1][7] = bonus
    batch.answers.extend(tuple(a) for a in answers)
    batch.days.append(
        (batch.take("quiz_days"), player.id, day, total, count, right, points + bonus, bonus)
        # Simulated intervals (2.5–25 s) are never too fast nor near the floor.
        + (first_seen, at, 0, 0, completed)
    )
    return Played(at, wrong)


def _complete_day(
    player: Player, day: date, perfect: bool, batch: Batch, bonuses: Bonuses, at: datetime
) -> int:
    """The completed day's bonuses, as `daily_quiz._complete_day` pays them; returns the day's
    own bonus (the family bonus is the reporter's)."""
    paid = 0
    if perfect and bonuses.perfect:
        key, ref = f"perfect:{player.id}:{day}", f"day:{day}"
        batch.entry(
            player.id, bonuses.perfect, "quiz_bonus", memo="全部答对奖励", ref=ref, key=key, at=at
        )
        paid += bonuses.perfect
    if player.streak >= 2 and bonuses.streak:
        amount = min(bonuses.streak * (player.streak - 1), bonuses.streak_cap)
        memo = f"连续答题 {player.streak} 天奖励"
        key, ref = f"streak:{player.id}:{day}", f"day:{day}"
        batch.entry(player.id, amount, "quiz_bonus", memo=memo, ref=ref, key=key, at=at)
        paid += amount
    player.balance += paid
    reporter = player.family_bonus_to
    if reporter is not None and bonuses.family:
        batch.entry(
            reporter.id,
            bonuses.family,
            "family_bonus",
            memo=f"家人 {player.name} 完成 {day.isoformat()} 答题",
            ref=f"family:{player.id}",
            key=f"family:{player.id}:{day.isoformat()}",
            at=at,
        )
        reporter.balance += bonuses.family
    return paid
