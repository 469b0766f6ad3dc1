"""What every API blueprint shares: role guards and the user payload."""

from __future__ import annotations

import json
from functools import wraps

import flask_smorest
from flask import current_app
from flask_login import current_user
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from quiz.current import runtime
from quiz.errors import Forbidden, LoginRequired, MalformedJson
from quiz.extensions import db, report_reads
from quiz.models.account import Role, User
from quiz.services.answering import Rules

# Deeper than any body the API takes; deeper ones would only exhaust the stack further on.
MAX_JSON_DEPTH = 32


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend(
                (sub, level + 1) for sub in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def load_json_body(raw: bytes | str):
    """The one JSON body decoder: any body it cannot read is 400 `malformed_json`, never a 500.

    `ValueError` covers bad syntax and Python's limit on integer digits (a 5,000-digit literal);
    `RecursionError` an array nested thousands deep; `UnicodeError` bytes that are not UTF-8.
    """
    try:
        value = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise MalformedJson("请求体不是有效的 JSON。") from exc
    if _depth(value) > MAX_JSON_DEPTH:
        raise MalformedJson(f"请求体嵌套超过 {MAX_JSON_DEPTH} 层。")
    return value


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies with `load_json_body`."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return load_json_body(req.get_data(cache=True))


class Blueprint(flask_smorest.Blueprint):
    """Every API blueprint: flask-smorest's, with our JSON body parser."""

    ARGUMENTS_PARSER = JsonBodyParser()


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise LoginRequired("请先登录。")
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """Only these roles may call the view; anyone else signed in gets 403 `forbidden`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                raise LoginRequired("请先登录。")
            if current_user.role not in roles:
                raise Forbidden("没有权限。")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def staff_report(view):
    """A staff report: what the view reads comes from the reports database when
    QUIZ_REPORTS_DATABASE_URL is set (a replica that may trail the primary by its lag). Below the
    role guard, so who is asking is read from the primary; any write stays there too (and is
    not read back inside the view: a view that reads what it wrote is no report)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with report_reads(db.session):
            return view(*args, **kwargs)

    return wrapper


admin_required = roles_required(Role.ADMIN)
# 三审: editors draft and import, reviewers approve or return; an admin may do both.
editor_required = roles_required(Role.ADMIN, Role.EDITOR)
reviewer_required = roles_required(Role.ADMIN, Role.REVIEWER)
question_staff_required = roles_required(Role.ADMIN, Role.EDITOR, Role.REVIEWER)


def rules() -> Rules:
    """The app's rulebook, built once in `create_app`."""
    return runtime().rules


def account() -> User:
    """The signed-in user's account as an ORM object, for what changes or shows it whole (a
    profile, a team, a session's end). The request's `current_user` is a slim frozen value
    (`quiz.services.signed_in`)."""
    user = db.session.get(User, current_user.id)
    if user is None:
        raise LoginRequired("请先登录。")
    return user


def config(name: str):
    return current_app.config[name]
