"""Password hashes: werkzeug's, with the runtime's method (scrypt: `QUIZ_PASSWORD_METHOD` is not
read from the environment; only a test suite's own config sets a cheaper one)."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from quiz.extensions import db
from quiz.runtime import runtime_of

DEFAULT_METHOD = "scrypt"


def _method() -> str:
    return runtime_of(db.session).password_method


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def matches(hashed: str | None, password: str | None) -> bool:
    """Whether `password` is the one `hashed` was made from. With no hash (an unknown user, an
    account without a password) a stand-in hash is checked all the same, so a miss costs as much
    as a wrong password and the answer's time says nothing about which it was."""
    ok = check_password_hash(hashed or _stand_in(_method()), password or "")
    return ok and hashed is not None


@cache
def _stand_in(method: str) -> str:
    return generate_password_hash("not-a-real-password-at-all", method=method)
