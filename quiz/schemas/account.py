"""Account schemas."""

from __future__ import annotations

from functools import partial

from flask import current_app
from marshmallow import Schema, fields

from quiz.current import today
from quiz.models.account import Role
from quiz.schemas.text import Text
from quiz.services.daily_quiz import live_streak

# One cap for registering and signing in: a password that registers can always sign in.
MAX_PASSWORD = 256
Password = partial(Text, max_length=MAX_PASSWORD, normalize=False)


class RegisterIn(Schema):
    username = Text(required=True, max_length=32)
    password = Password(required=True, load_only=True)
    display_name = Text(required=True, min_length=1, max_length=32)
    district = Text(load_default=None, allow_none=True, max_length=32)
    invite_code = Text(load_default=None, allow_none=True, max_length=32)
    consent_version = Text(
        load_default=None,
        allow_none=True,
        max_length=32,
        metadata={"description": "the privacy notice version accepted (GET /api/v1/privacy)"},
    )


class LoginIn(Schema):
    username = Text(required=True, max_length=64)
    password = Password(required=True, load_only=True)


class SsoIn(Schema):
    token = Text(required=True, max_length=4096)
    confirm_switch = fields.Boolean(
        load_default=False,
        metadata={
            "description": "switch even though another account is signed in on this browser "
            "(without it such a request is 409 `confirm_switch`, naming `signed_in_as`)"
        },
    )
    consent_version = Text(
        load_default=None,
        allow_none=True,
        max_length=32,
        metadata={"description": "the privacy notice version accepted (GET /api/v1/privacy)"},
    )


class ProfileIn(Schema):
    display_name = Text(min_length=1, max_length=32)
    district = Text(allow_none=True, max_length=32)
    elder_mode = fields.Boolean()


class TeamRef(Schema):
    id = fields.Integer()
    name = fields.String()


class ProgressItem(Schema):
    task = fields.String()
    current = fields.Integer()
    max = fields.Integer(allow_none=True)


def streak_of(user) -> int:
    """The user's streak as it stands today (the service's calendar)."""

    return live_streak(user.streak, user.streak_day, today())


def _consent_needed(user) -> bool:
    return getattr(user, "consent_version", None) != current_app.config["QUIZ_PRIVACY_VERSION"]


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    district = fields.String(allow_none=True)
    team = fields.Nested(TeamRef, allow_none=True)
    balance = fields.Integer()
    streak = fields.Function(streak_of, metadata={"type": "integer"})
    invite_code = fields.Function(
        lambda user: user.invite_code if user.role == Role.REPORTER else None,
        allow_none=True,
        metadata={"type": "string", "description": "a reporter's family invite code"},
    )
    elder_mode = fields.Boolean(metadata={"description": "长辈模式: larger text, no countdowns"})
    consent_version = fields.String(
        allow_none=True, metadata={"description": "the privacy notice version the user accepted"}
    )
    consent_needed = fields.Function(
        _consent_needed,
        metadata={
            "type": "boolean",
            "description": "the notice changed since (or was never accepted): show it and ask "
            "again (POST /api/v1/me/consent)",
        },
    )
