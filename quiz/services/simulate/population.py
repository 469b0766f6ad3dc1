"""The simulated city's people: teams of 小记者, their families, and citizens with habits.

Habits decide who plays on a given day: `daily` players come most days, `weekly` ones now and
then, `lapsed` ones play keenly until a day of their own and then stop. Each player also has a
skill (their chance of a right answer before the question's difficulty is counted).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from quiz.extensions import db
from quiz.models import User
from quiz.models.account import Role
from quiz.services.simulate.writer import RowWriter

HABITS = (("daily", 0.25, 0.9), ("weekly", 0.45, 0.2), ("lapsed", 0.30, 0.7))
REPORTER_SHARE = 0.10
FAMILY_SHARE = 0.10
REPORTERS_PER_TEAM = 40

USER_COLUMNS = (
    "id",
    "username",
    "display_name",
    "role",
    "district",
    "team_id",
    "invite_code",
    "family_reporter_id",
    "show_full_name",
    "balance",
    "streak",
    "created_at",
    "session_version",
    "elder_mode",
)
TEAM_COLUMNS = ("id", "name", "district", "join_code", "created_at")


@dataclass
class Player:
    id: int
    district: str
    habit: str
    chance: float  # of playing on a day
    skill: float
    lapses_on: date | None = None
    balance: int = 0
    streak: int = 0
    streak_day: date | None = None
    name: str = ""
    # A 小记者 (a minor: redeems nothing without a guardian's consent, which is not simulated).
    minor: bool = False
    # The reporter a completed day pays the family bonus to (among their first `family_max`).
    family_bonus_to: Player | None = None

    def plays(self, day: date, rng: random.Random) -> bool:
        if self.lapses_on is not None and day >= self.lapses_on:
            return False
        return rng.random() < self.chance


def _habit(rng: random.Random) -> tuple[str, float]:
    pick, edge = rng.random(), 0.0
    for name, share, chance in HABITS:
        edge += share
        if pick < edge:
            return name, chance
    return HABITS[-1][0], HABITS[-1][2]


def create_people(
    writer: RowWriter,
    rng: random.Random,
    *,
    players: int,
    first_ids: dict[str, int],
    districts: list[str],
    days: list[date],
    tag: str,
    now: datetime,
    family_max: int = 6,
) -> list[Player]:
    """Write the teams and users of the city; return the players (everyone, all non-staff)."""
    reporters = max(1, int(players * REPORTER_SHARE))
    teams = max(1, reporters // REPORTERS_PER_TEAM)
    team0 = first_ids["teams"]
    writer.write(
        "teams",
        TEAM_COLUMNS,
        [
            (team0 + t, f"{tag}站{t + 1}", districts[t % len(districts)], f"{tag}j{t}"[:16], now)
            for t in range(teams)
        ],
    )
    user0 = first_ids["users"]
    people, rows, members = [], [], {}
    for n in range(players):
        uid = user0 + n
        habit, chance = _habit(rng)
        lapses = rng.choice(days) if habit == "lapsed" else None
        is_reporter = n < reporters
        family_of = None
        if not is_reporter and n < reporters + int(players * FAMILY_SHARE):
            family_of = user0 + rng.randrange(reporters)
        team = team0 + n % teams if is_reporter else None
        district = districts[(team - team0) % len(districts)] if team else rng.choice(districts)
        player = Player(uid, district, habit, chance, rng.uniform(0.45, 0.95), lapses)
        player.name, player.minor = f"居民{n}", is_reporter
        if family_of is not None:
            reporter = people[family_of - user0]
            members[reporter.id] = members.get(reporter.id, 0) + 1
            if members[reporter.id] <= family_max:
                player.family_bonus_to = reporter
        people.append(player)
        rows.append(
            (
                uid,
                f"{tag}u{n}",
                f"居民{n}",
                Role.REPORTER.value if is_reporter else Role.CITIZEN.value,
                district,
                team,
                f"{tag}i{n}"[:16] if is_reporter else None,
                family_of,
                False,
                0,
                0,
                now,
                0,
                False,
            )
        )
    writer.write("users", USER_COLUMNS, rows)
    return people


STAFF = (("admin", Role.ADMIN), ("clerk", Role.CLERK))


def create_staff(writer: RowWriter, *, first_id: int, tag: str, now: datetime) -> dict[str, int]:
    """The city's staff: an admin (reports, holds, campaigns, cancellations) and a clerk at the
    prize counter; their ids by name. A staff account of the database is used if there is one."""
    found = {}
    for name, role in STAFF:
        known = db.session.scalar(
            select(User.id).where(User.role == role.value).order_by(User.id).limit(1)
        )
        found[name] = known
    missing = [(name, role) for name, role in STAFF if found[name] is None]
    rows = []
    for n, (name, role) in enumerate(missing):
        found[name] = first_id + n
        rows.append(
            (found[name], f"{tag}{name}", f"工作人员{n}", role.value, None, None, None, None)
            + (False, 0, 0, now, 0, False)
        )
    writer.write("users", USER_COLUMNS, rows)
    return found
