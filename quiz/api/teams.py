"""Reporter teams and families: joining with a code, the family view, admin team routes."""

from __future__ import annotations

from quiz.api.common import (
    Blueprint,
    account,
    admin_required,
    config,
    login_required,
    roles_required,
    rules,
)
from quiz.current import now, today
from quiz.models.account import Role
from quiz.schemas.account import UserOut
from quiz.schemas.board import FamilyOut, JoinTeamIn, TeamIn, TeamListArgs, TeamOut, TeamPage
from quiz.schemas.common import cursor_id, page_of
from quiz.services import family, teams

blp = Blueprint("teams", __name__, url_prefix="/api/v1", description="Reporter teams and families")


@blp.route("/me/team", methods=["POST"])
@login_required
@blp.arguments(JoinTeamIn)
@blp.response(200, UserOut)
def join_team(body):
    """Become a reporter in the team with this join code."""
    user = account()
    teams.join_team(user, body["join_code"])
    return user


@blp.route("/me/family", methods=["GET"])
@roles_required(Role.REPORTER)
@blp.response(200, FamilyOut)
def my_family():
    """The reporter's family members and how each took part (reporters only)."""
    return family.family_of(account(), today=today(), family_max=rules().family_max)


@blp.route("/admin/teams", methods=["POST"])
@admin_required
@blp.arguments(TeamIn)
@blp.response(201, TeamOut)
def create_team(body):
    team = teams.create_team(
        body["name"], body["district"], districts=config("QUIZ_DISTRICTS"), now=now()
    )
    return teams.summary(team, 0)


@blp.route("/admin/teams", methods=["GET"])
@admin_required
@blp.arguments(TeamListArgs, location="query")
@blp.response(200, TeamPage)
def list_teams(args):
    rows = teams.list_teams(after_id=cursor_id(args["cursor"]), limit=args["limit"])
    return page_of(rows, args["limit"], lambda team: team.id)


@blp.route("/admin/teams/<id:team_id>/join-code", methods=["POST"])
@admin_required
@blp.response(200, TeamOut)
def rotate_join_code(team_id):
    """A new join code; the old one stops working."""
    team = teams.rotate_join_code(teams.get_team(team_id))
    return teams.summary(team)


@blp.route("/admin/teams/<id:team_id>/members/<id:user_id>", methods=["PUT"])
@admin_required
@blp.response(200, UserOut)
def move_member(team_id, user_id):
    """Put a participant into this team (moving them from any other)."""
    user = teams.move_member(teams.get_team(team_id), teams.get_user(user_id))
    return user


@blp.route("/admin/teams/<id:team_id>/members/<id:user_id>", methods=["DELETE"])
@admin_required
@blp.response(200, UserOut)
def remove_member(team_id, user_id):
    """Take a reporter out of this team; they become a citizen again."""
    user = teams.remove_member(teams.get_team(team_id), teams.get_user(user_id))
    return user
