"""Factories for test objects (`factory.user(...)`), committed so every session sees them."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from quiz.extensions import db
from quiz.models import User

# Cheap hashing for fixtures; the service itself uses werkzeug's default (scrypt).
FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse"
_seq = itertools.count(1)


class Factory:
    def __init__(self, app):
        self.app = app

    def user(self, *, username: str | None = None, role: str = "citizen",
             password: str = PASSWORD, display_name: str | None = None, **fields) -> User:
        n = next(_seq)
        user = User(
            username=username or f"user{n}",
            password_hash=generate_password_hash(password, method=FAST_HASH),
            display_name=display_name or f"市民{n}",
            role=role,
            created_at=self.app.clock.now(),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user
