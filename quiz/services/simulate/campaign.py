"""The simulated city's 专项答题: one campaign over two weeks of the history, and its attempts.

Rows as the live services write them: the campaign as `campaigns.create` stores it (a category
pool, created by the admin the day before the history starts); each attempt as
`campaign_play.start_attempt` draws it (its number counting the user's attempts from 1, its
deadline the time limit capped by the window's end) and each answer as `submit_answer` scores it
(`answered`, `correct`, `seconds`, `points` and `finished_at` on the attempt; a wrong answer
counted in the 错题本; reaching a number of right answers no earlier attempt of the user's
reached pays `points_per_correct` under the key `campaign:<campaign>:<user>:<level>`).
The daily draw leaves the campaign's questions out on the days of its window, as
`draw._without_campaign_questions` does (unless the bank would then be too small), and an
attempt never draws a question of that day's set, as `question_pool.withheld_ids` forbids.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from quiz.services.simulate.history import Batch, Mistakes, Played, SimQuestion
from quiz.services.simulate.population import Player
from quiz.services.simulate.writer import RowWriter

JOINS = 0.15  # a player of a day in the window starts an attempt this often
GIVES_UP = 0.1  # an attempt is left unfinished this often (it runs out at its deadline)
ATTEMPTS_ALLOWED = 2
POINTS_PER_CORRECT = 2
TIME_LIMIT_S = 300
CAMPAIGN_COLUMNS = ("id", "name", "description", "starts_at", "ends_at", "question_ids")
CAMPAIGN_COLUMNS += ("category", "questions_per_attempt", "attempts_allowed")
CAMPAIGN_COLUMNS += ("points_per_correct", "time_limit_s", "created_by", "updated_by")
CAMPAIGN_COLUMNS += ("created_at", "updated_at")
ATTEMPT_COLUMNS = ("id", "campaign_id", "user_id", "number", "question_ids", "started_at")
ATTEMPT_COLUMNS += ("deadline", "answered", "correct", "seconds", "points", "last_answer_at")
ATTEMPT_COLUMNS += ("finished_at",)
CAMPAIGN_ANSWER_COLUMNS = ("id", "attempt_id", "question_id", "choices", "correct", "points")
CAMPAIGN_ANSWER_COLUMNS += ("too_fast", "created_at")


@dataclass
class SimCampaign:
    id: int
    name: str
    category: str
    pool: list[SimQuestion]
    first_day: date
    last_day: date
    starts_at: datetime
    ends_at: datetime
    per_attempt: int
    admin_id: int
    attempts: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    used: Counter = field(default_factory=Counter)
    best: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def runs_on(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def held_ids(self) -> set[int]:
        """What `question_pool.held_by_campaigns` holds: every question of the category."""
        return {q.id for q in self.pool}


def plan_campaign(
    batch: Batch, questions: list[SimQuestion], days: list[date], tz: ZoneInfo, admin_id: int
) -> SimCampaign | None:
    """The campaign on the biggest category, over (up to) two weeks from a third of the way."""
    sizes = Counter(q.category for q in questions)
    if not sizes:
        return None
    category = min(sizes, key=lambda c: (-sizes[c], c))
    first = days[len(days) // 3]
    last = min(first + timedelta(days=13), days[-1])
    starts = datetime.combine(first, time(), tz).astimezone(UTC)
    ends = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC)
    return SimCampaign(
        id=batch.take("campaigns"),
        name=f"{category}专项答题",
        category=category,
        pool=[q for q in questions if q.category == category],
        first_day=first,
        last_day=last,
        starts_at=starts,
        ends_at=ends - timedelta(seconds=1),
        per_attempt=min(5, sizes[category]),
        admin_id=admin_id,
    )


def play_attempt(
    campaign: SimCampaign,
    player: Player,
    played: Played,
    day_set: list[SimQuestion],
    batch: Batch,
    mistakes: Mistakes,
    rng: random.Random,
    day: date,
) -> None:
    """After their daily quiz a player may start an attempt and answer it (see the module)."""
    if rng.random() >= JOINS or campaign.used[player.id] >= ATTEMPTS_ALLOWED:
        return
    withheld = {q.id for q in day_set}
    pool = [q for q in campaign.pool if q.id not in withheld]
    if not pool:
        return
    drawn = rng.sample(pool, min(campaign.per_attempt, len(pool)))
    campaign.used[player.id] += 1
    attempt_id, number = batch.take("campaign_attempts"), campaign.used[player.id]
    started = played.last_at + timedelta(seconds=rng.randint(30, 1200))
    deadline = min(started + timedelta(seconds=TIME_LIMIT_S), campaign.ends_at)
    count = len(drawn) if rng.random() >= GIVES_UP else rng.randint(0, len(drawn) - 1)
    at, right, points = started, 0, 0
    for question in drawn[:count]:
        at += timedelta(seconds=rng.randint(3, 40))
        correct = rng.random() < player.skill * question.ease
        awarded = 0
        if correct:
            right += 1
            if right > campaign.best[player.id]:
                campaign.best[player.id] = right
                awarded = POINTS_PER_CORRECT
                batch.entry(
                    player.id,
                    awarded,
                    "campaign_points",
                    memo=f"专项答题「{campaign.name[:30]}」答对 {right} 题",
                    ref=f"campaign:{campaign.id}",
                    key=f"campaign:{campaign.id}:{player.id}:{right}",
                    at=at,
                )
                player.balance += awarded
        else:
            mistakes.wrong(player.id, question, at, day)
        points += awarded
        choices = question.answer if correct else question.wrong
        row = (batch.take("campaign_answers"), attempt_id, question.id, choices, correct, awarded)
        campaign.answers.append((*row, False, at))
    seconds = int((at - started).total_seconds())
    last = at if count else None
    finished = at if count == len(drawn) else None
    campaign.attempts.append(
        (attempt_id, campaign.id, player.id, number, json.dumps([q.id for q in drawn]), started)
        + (deadline, count, right, seconds, points, last, finished)
    )


def write_campaign(writer: RowWriter, campaign: SimCampaign, created: datetime) -> None:
    writer.write(
        "campaigns",
        CAMPAIGN_COLUMNS,
        [
            (campaign.id, campaign.name, "", campaign.starts_at, campaign.ends_at, None)
            + (campaign.category, campaign.per_attempt, ATTEMPTS_ALLOWED, POINTS_PER_CORRECT)
            + (TIME_LIMIT_S, campaign.admin_id, campaign.admin_id, created, created)
        ],
    )
    writer.write("campaign_attempts", ATTEMPT_COLUMNS, campaign.attempts)
    writer.write("campaign_answers", CAMPAIGN_ANSWER_COLUMNS, campaign.answers)
