"""Participation against targets: how many of a district's or team's members took part.

- participants: distinct members who **completed** at least one day's quiz in [from, to]
  (answering a question or two and leaving does not count: the target is about taking part).
- members: registered non-staff users in that district or team **now** (people move; the
  report is about today's roster).
- target: the headcount set with `set_target` (None while unset).
- rate: participants / target, 4 decimals (None without a target; None for a 0 target).

Participants are counted against today's roster too: a member's days count for the district
or team they are in now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import STAFF_ROLES, ParticipationTarget, Team, User
from quiz.services import people_rollups, rollups
from quiz.services.sql import insert_on_conflict

SCOPES = ("district", "team")


class UnknownTargetKey(NotFound):
    """A target for a district that is not configured or a team that does not exist."""

    code = "unknown_key"


@dataclass(frozen=True)
class Target:
    by: str
    key: str
    name: str
    target: int | None
    updated_at: datetime | None


@dataclass(frozen=True)
class ParticipationRow:
    key: str
    name: str
    participants: int
    members: int
    target: int | None
    rate: float | None


def _team(key: str) -> Team:
    """A team by id (all digits) or by its exact name (which must be one team's)."""
    key = key.strip()
    if key.isdigit() and len(key) <= 9:
        team = db.session.get(Team, int(key))
        if team is not None:
            return team
    teams = db.session.scalars(select(Team).where(Team.name == key).limit(2)).all()
    if len(teams) != 1:
        raise UnknownTargetKey(
            "没有这个团队（或有多个同名团队，请用团队编号）。" if teams else "没有这个团队。"
        )
    return teams[0]


def resolve_key(by: str, key: str, districts: list[str]) -> tuple[str, str]:
    """(stored key, display name) of a district's name or a team's id or name."""
    if by not in SCOPES:
        raise UnknownTargetKey("只能为城区（district）或团队（team）设定目标。")
    if by == "district":
        if key not in districts:
            raise UnknownTargetKey("没有这个城区。")
        return key, key
    team = _team(key)
    return str(team.id), team.name


def set_target(
    by: str, key: str, target: int | None, *, districts: list[str], actor_id: int, now: datetime
) -> Target:
    """Set (or with None, clear) the headcount target of a district or team."""
    stored, name = resolve_key(by, key, districts)
    where = (ParticipationTarget.scope == by, ParticipationTarget.key == stored)
    if target is None:
        db.session.execute(ParticipationTarget.__table__.delete().where(*where))
        return Target(by=by, key=stored, name=name, target=None, updated_at=now)
    db.session.execute(
        insert_on_conflict(ParticipationTarget)
        .values(scope=by, key=stored, target=target, updated_at=now, updated_by=actor_id)
        .on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={"target": target, "updated_at": now, "updated_by": actor_id},
        )
    )
    return Target(by=by, key=stored, name=name, target=target, updated_at=now)


def _rate(participants: int, target: int | None) -> float | None:
    return round(participants / target, 4) if target else None


def participation_by(
    by: str, date_from: date, date_to: date, *, districts: list[str]
) -> list[ParticipationRow]:
    """One row per configured district (in config order) or per team (by id)."""
    column = User.district if by == "district" else User.team_id
    participant = User.role.not_in(STAFF_ROLES)
    members = dict(
        db.session.execute(
            select(column, func.count()).where(participant, column.is_not(None)).group_by(column)
        ).all()
    )
    # Who completed a day in the range, each once (quiz.services.people_rollups).
    completers = people_rollups.completers(date_from, date_to, rollups.through())
    took_part = dict(
        db.session.execute(
            select(column, func.count())
            .select_from(completers)
            .join(User, User.id == completers.c.user_id)
            .where(participant, column.is_not(None))
            .group_by(column)
        ).all()
    )
    targets = dict(
        db.session.execute(
            select(ParticipationTarget.key, ParticipationTarget.target).where(
                ParticipationTarget.scope == by
            )
        ).all()
    )
    if by == "district":
        subjects = [(d, str(d), d) for d in districts]
    else:
        subjects = [
            (team_id, str(team_id), name)
            for team_id, name in db.session.execute(select(Team.id, Team.name).order_by(Team.id))
        ]
    rows = []
    for group, key, name in subjects:
        target = targets.get(key)
        people = took_part.get(group, 0)
        rows.append(
            ParticipationRow(
                key=key,
                name=name,
                participants=people,
                members=members.get(group, 0),
                target=target,
                rate=_rate(people, target),
            )
        )
    return rows
