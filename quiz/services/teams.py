"""Reporter teams (小记者站): created by admins, joined with a code, members moved or removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from quiz.errors import Conflict, Forbidden, NotFound, UnknownUser, ValidationFailed
from quiz.extensions import db
from quiz.models import Team, User
from quiz.models.account import Role
from quiz.services.accounts import check_district
from quiz.services.codes import new_code, normalise_code
from quiz.services.sql import row_by_id

JOIN_CODE_LENGTH = 8
INVITE_CODE_LENGTH = 8


class UnknownTeam(NotFound):
    code = "unknown_team"
    title = "Unknown team"


class NotAMember(NotFound):
    code = "not_a_member"
    title = "Not a member"


class UnknownJoinCode(NotFound):
    """No team has this join code (mistyped, or rotated by an admin)."""

    code = "unknown_join_code"
    title = "Unknown join code"


class NotAParticipant(Conflict):
    """Admins and clerks run the quiz; they cannot become reporters."""

    code = "not_a_participant"
    title = "Not a participant"


def _unique_code(column, length: int) -> str:
    while True:
        code = new_code(length)
        if db.session.scalar(select(func.count()).where(column == code)) == 0:
            return code


def create_team(name: str, district: str | None, *, districts: list[str], now: datetime) -> Team:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("队名不能为空。", errors=[{"field": "name", "message": "必填"}])
    team = Team(
        name=name,
        district=check_district(district, districts),
        join_code=_unique_code(Team.join_code, JOIN_CODE_LENGTH),
        created_at=now,
    )
    db.session.add(team)
    db.session.flush()
    return team


def get_team(team_id: int) -> Team:
    team = row_by_id(Team, team_id)
    if team is None:
        raise UnknownTeam("队伍不存在。")
    return team


def rotate_join_code(team: Team) -> Team:
    """A new code; the old one stops working at once (members already in stay)."""
    team.join_code = _unique_code(Team.join_code, JOIN_CODE_LENGTH)
    db.session.flush()
    return team


def _make_reporter(user: User, team: Team) -> User:
    user.team_id = team.id
    user.team = team
    user.role = Role.REPORTER
    # Invites are one generation deep: a family member who joins a team gets no invite code of
    # their own, so under QUIZ_REGISTRATION=invite invited accounts cannot multiply.
    if user.invite_code is None and user.family_reporter_id is None:
        user.invite_code = _unique_code(User.invite_code, INVITE_CODE_LENGTH)
    db.session.flush()
    return user


def join_team(user: User, join_code: str) -> User:
    """The caller becomes a reporter of the team with this code (moving from any other team)."""
    if user.role not in (Role.CITIZEN, Role.REPORTER):
        raise Forbidden("管理员和核销员不能成为小记者。")
    team = db.session.scalar(select(Team).where(Team.join_code == normalise_code(join_code or "")))
    if team is None:
        raise UnknownJoinCode("加入码不存在。")
    return _make_reporter(user, team)


def move_member(team: Team, user: User) -> User:
    """An admin puts a participant into a team (moving them if they are in another)."""
    if user.role not in (Role.CITIZEN, Role.REPORTER):
        raise NotAParticipant("管理员和核销员不能加入队伍。")
    return _make_reporter(user, team)


def remove_member(team: Team, user: User) -> User:
    """Out of the team and back to citizen; the invite code and family links are kept."""
    if user.team_id != team.id:
        raise NotAMember("该用户不在此队伍中。")
    user.team_id = None
    user.team = None
    user.role = Role.CITIZEN
    db.session.flush()
    return user


def get_user(user_id: int) -> User:
    user = row_by_id(User, user_id)
    if user is None:
        raise UnknownUser("用户不存在。")
    return user


def list_teams(*, after_id: int | None, limit: int) -> list[TeamSummary]:
    """Teams by id with their member counts; limit+1 rows so the caller can page."""
    members = (
        select(User.team_id, func.count().label("n"))
        .where(User.team_id.is_not(None))
        .group_by(User.team_id)
        .subquery()
    )
    query = (
        select(Team, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.team_id == Team.id)
        .order_by(Team.id)
        .limit(limit + 1)
    )
    if after_id is not None:
        query = query.where(Team.id > after_id)
    return [summary(team, n) for team, n in db.session.execute(query)]


def members_of(team: Team) -> list[User]:
    return list(db.session.scalars(select(User).where(User.team_id == team.id).order_by(User.id)))


@dataclass(frozen=True)
class TeamSummary:
    """A team as admins list it: with its member count where it was counted."""

    id: int
    name: str
    district: str | None
    join_code: str
    created_at: datetime
    members: int | None = None


def summary(team: Team, members: int | None = None) -> TeamSummary:
    return TeamSummary(team.id, team.name, team.district, team.join_code, team.created_at, members)
