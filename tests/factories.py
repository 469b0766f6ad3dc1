"""Factories for test objects (`factory.user(...)`), committed so every session sees them."""

from __future__ import annotations

import hashlib
import itertools
import uuid

from werkzeug.security import generate_password_hash

from quiz.extensions import db
from quiz.models import Question, User
from quiz.runtime import runtime_of

# Cheap hashing for fixtures; the service itself uses werkzeug's default (scrypt).
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse"
_seq = itertools.count(1)


class Factory:
    def __init__(self, app):
        self.app = app

    def user(
        self,
        *,
        username: str | None = None,
        role: str = "citizen",
        password: str = PASSWORD,
        display_name: str | None = None,
        **fields,
    ) -> User:
        n = next(_seq)
        user = User(
            username=username or f"user{n}",
            password_hash=generate_password_hash(password, method=FAST_HASH),
            display_name=display_name or f"市民{n}",
            role=role,
            created_at=runtime_of(self.app).clock.now(),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def question(
        self,
        *,
        type: str = "single",
        stem: str | None = None,
        options=None,
        answer: str = "A",
        category: str = "垃圾分类",
        points: int | None = None,
        active: bool = True,
        explanation: str = "解析。",
    ) -> Question:
        n = next(_seq)
        stem = stem or f"第{n}题：下列说法正确的是？"
        if options is None:
            options = (
                [["A", "正确"], ["B", "错误"]]
                if type == "judge"
                else [["A", "甲"], ["B", "乙"], ["C", "丙"], ["D", "丁"]]
            )
        digest = hashlib.sha256(f"{type}|{stem}|{options}".encode()).hexdigest()
        question = Question(
            type=type,
            stem=stem,
            options=options,
            answer=answer,
            explanation=explanation,
            category=category,
            difficulty=2,
            points=points,
            active=active,
            content_hash=digest,
            created_at=runtime_of(self.app).clock.now(),
            updated_at=runtime_of(self.app).clock.now(),
        )
        db.session.add(question)
        db.session.commit()
        return question


def fresh_key() -> dict:
    """Headers with a fresh Idempotency-Key: one intended change."""
    return {"Idempotency-Key": uuid.uuid4().hex}
