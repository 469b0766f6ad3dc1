"""Each user's option order: the options of a question shuffled per user and question.

A keyed hash of the server's draw secret, the user and the question, so the order is stable on
every fetch and worker and cannot be predicted or shared. The hot path: no query, cached.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

SHUFFLED_TYPES = ("single", "multiple")  # a judge question stays A 正确 / B 错误


@dataclass(frozen=True)
class OptionOrder:
    """How one user sees one question: their keys (A…) against the question's own keys."""

    to_question: dict[str, str]  # the user's key → the question's key
    to_user: dict[str, str]  # the question's key → the user's key
    shown: tuple[int, ...]  # indices into question.options, in the order the user sees them

    def question_keys(self, choices) -> list[str]:
        """The user's choices in the question's keys (unknown keys pass through for validation)."""
        out = []
        for choice in choices:
            key = str(choice).strip().upper()
            out.append(self.to_question.get(key, key))
        return out

    def user_keys(self, keys) -> list[str]:
        """The question's keys (e.g. its answer "AC") in this user's keys, sorted."""
        return sorted(self.to_user.get(k, k) for k in keys)

    def present(self, payload: dict) -> dict:
        """A question payload (options in the question's order) as this user sees it."""
        options = payload["options"]
        return {
            **payload,
            "options": [
                {"key": options[i]["key"], "text": options[j]["text"]}
                for i, j in enumerate(self.shown)
            ],
        }


def option_secret(draw_secret: str) -> bytes:
    """The key of the option orders, derived from the draw secret (one secret to keep)."""
    return hmac.new(draw_secret.encode(), b"option-order", hashlib.sha256).digest()


@functools.lru_cache(maxsize=16384)
def _permutation(secret: bytes, user_id: int, question_id: int, count: int) -> tuple[int, ...]:
    # A keyed hash: stable for the user and question on every fetch, on every worker, and
    # impossible to compute without the secret. Fisher–Yates driven by the digest's bytes.
    digest = hmac.new(secret, f"{user_id}:{question_id}".encode(), hashlib.sha256).digest()
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = int.from_bytes(digest[2 * i : 2 * i + 2], "big") % (i + 1)
        order[i], order[j] = order[j], order[i]
    return tuple(order)


def option_order(
    secret: bytes | None, user_id: int, question_id: int, qtype: str, keys: list[str]
) -> OptionOrder | None:
    """The user's order for a question; None when they see the question's own (off, judge)."""
    if not secret or qtype not in SHUFFLED_TYPES or len(keys) < 2:
        return None
    shown = _permutation(secret, user_id, question_id, len(keys))
    to_question = {keys[i]: keys[j] for i, j in enumerate(shown)}
    return OptionOrder(to_question, {q: u for u, q in to_question.items()}, shown)


def in_user_keys(keys, order: OptionOrder | None) -> list[str]:
    """Option keys of the question's own (an answer, a pick) as this user saw them."""
    return order.user_keys(keys) if order else list(keys)


def as_seen(question, order: OptionOrder | None) -> dict:
    """A question as one user sees it: options in their order (`order`, None: the question's
    own), never the answer or the explanation."""
    shown = {
        "id": question.id,
        "type": question.type,
        "stem": question.stem,
        "options": [{"key": key, "text": text} for key, text in question.options],
        "category": question.category,
    }
    return order.present(shown) if order else shown


def set_as_seen(questions: list[dict], user_id: int, secret: bytes | None) -> list[dict]:
    """Questions already rendered for everyone (as `as_seen` without an order) with each one's
    options in this user's order: a keyed hash per question, no query."""
    if secret is None:
        return questions
    out = []
    for q in questions:
        order = option_order(secret, user_id, q["id"], q["type"], [o["key"] for o in q["options"]])
        out.append(order.present(q) if order else q)
    return out
