"""Fair play: points earned by people who know the answers, not predicted, shared or farmed.

The pieces other services call: each user's option order (keyed by the server's draw secret),
who may earn and redeem, holds, the suspects report and the retention of registration
addresses. Plain values in, typed errors out; nothing here commits.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select, update

from quiz.errors import (
    AccountOnHold,
    Forbidden,
    GuardianConsentRequired,
    UnknownUser,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import STAFF_ROLES, AccountHold, Answer, QuizDay, User
from quiz.models.account import is_minor
from quiz.models.shop import Redemption
from quiz.models.types import MAX_ID
from quiz.text import clean_text

# --- each user's option order ------------------------------------------------------------

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


# --- who takes part in the economy ------------------------------------------------------


def earns_points(role: str) -> bool:
    """Staff run the service: they may answer but earn nothing."""
    return role not in STAFF_ROLES


def check_may_redeem(
    role: str, held_at: datetime | None, *, invite_code: str | None, guardian_consent: bool
) -> None:
    """Raised inside the redemption service (and a partner's debit), with the buyer's row
    locked: staff never, an account on hold not now, a minor only with a guardian's consent."""
    if role in STAFF_ROLES:
        raise Forbidden("工作人员不能兑换奖品。")
    if held_at is not None:
        raise AccountOnHold("账户已被暂停兑换，请联系工作人员。")
    if is_minor(role, invite_code) and not guardian_consent:
        raise GuardianConsentRequired("需要监护人同意后才能兑换，请家人在“小手拉大手”中确认。")


def check_may_hand_over(owner_id: int, owner_held_at: datetime | None, *, actor_id: int) -> None:
    """Raised inside the hand-over service, with the voucher owner's row locked."""
    if owner_id == actor_id:
        raise Forbidden("不能核销自己的兑换券。")
    if owner_held_at is not None:
        raise AccountOnHold("该账户已被暂停兑换，暂不能领取奖品。")


def check_may_adjust(target: User, *, actor_id: int) -> None:
    if target.id == actor_id:
        raise Forbidden("不能调整自己的积分。")
    if target.role in STAFF_ROLES:
        raise Forbidden("工作人员账户不参与积分。")


# --- holds -------------------------------------------------------------------------------

MAX_MEMO = 255


def _memo(memo: str | None) -> str:
    try:
        value = clean_text((memo or "").strip(), max_length=MAX_MEMO)
    except ValueError as exc:
        raise ValidationFailed(
            "备注无效。", errors=[{"field": "memo", "message": str(exc)}]
        ) from exc
    if not value:
        raise ValidationFailed("必须填写备注。", errors=[{"field": "memo", "message": "必填"}])
    return value


def _locked_user(user_id: int) -> User:
    if not 0 < user_id <= MAX_ID:
        raise UnknownUser("用户不存在。")
    # The lock the redemption and hand-over services take too: a hold waits for a redemption in
    # flight, and every redemption that starts after the hold commits sees it.
    user = db.session.scalar(
        select(User)
        .where(User.id == user_id)
        .with_for_update(of=User)
        .execution_options(populate_existing=True)
    )
    if user is None:
        raise UnknownUser("用户不存在。")
    return user


def hold(user_id: int, memo: str, *, actor_id: int, now: datetime) -> User:
    """Put an account on hold (idempotent: holding a held account changes nothing)."""
    memo = _memo(memo)
    user = _locked_user(user_id)
    if user.held_at is None:
        user.held_at, user.held_by, user.hold_memo = now, actor_id, memo
        db.session.add(
            AccountHold(
                user_id=user.id, action="hold", memo=memo, actor_id=actor_id, created_at=now
            )
        )
        db.session.flush()
    return user


def release(user_id: int, memo: str, *, actor_id: int, now: datetime) -> User:
    """Lift a hold (idempotent)."""
    memo = _memo(memo)
    user = _locked_user(user_id)
    if user.held_at is not None:
        user.held_at = user.held_by = user.hold_memo = None
        db.session.add(
            AccountHold(
                user_id=user.id, action="release", memo=memo, actor_id=actor_id, created_at=now
            )
        )
        db.session.flush()
    return user


def holds_of(user_id: int) -> list[AccountHold]:
    return list(
        db.session.scalars(
            select(AccountHold)
            .where(AccountHold.user_id == user_id)
            .order_by(AccountHold.id.desc())
        )
    )


def held_accounts(limit: int = 200) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.held_at.is_not(None)).order_by(User.held_at.desc()).limit(limit)
        )
    )


# --- registration addresses --------------------------------------------------------------


def purge_addresses(*, now: datetime, retention_days: int) -> int:
    """Forget registration addresses older than the retention; returns how many were cleared."""
    cutoff = now - timedelta(days=retention_days)
    return db.session.execute(
        update(User)
        .where(User.registered_ip.is_not(None), User.created_at < cutoff)
        .values(registered_ip=None)
        .execution_options(synchronize_session=False)
    ).rowcount


# --- the suspects report -----------------------------------------------------------------

REASONS = {
    "many_accounts_from_address": "同一地址一天内注册了多个账户",
    "answers_at_floor": "答题速度贴近最短间隔",
    "family_from_reporter_address": "家庭成员从小记者本人的地址注册",
    "perfect_week_fast": "连续一周全对且答题时间中位数不足 3 秒",
}
TOO_FAST_AT_LEAST = 3  # too-fast answers in the period that make a user worth a look
FLOOR_SHARE = (
    0.8  # …or this share of answers within FLOOR_MARGIN_MS of the floor (a script waiting it out)
)
FLOOR_MARGIN_MS = 500
FLOOR_MIN_ANSWERS = 5
FAMILY_SAME_ADDRESS = 3  # family members registered from the reporter's own address
PERFECT_WEEK = 7
PERFECT_WEEK_MEDIAN_MS = 3000
MAX_SPAN_DAYS = 92
MAX_ROWS = 500


@dataclass
class SuspectRow:
    user_id: int
    username: str
    display_name: str
    role: str
    reasons: list[str]
    answers: int = 0
    too_fast: int = 0
    registered_ip_accounts: int = 0
    redemptions_pending: int = 0
    on_hold: bool = False
    held_at: datetime | None = None
    hold_memo: str | None = None


def suspects(
    start_day: date, end_day: date, *, day_bounds, min_answer_ms: int, accounts_per_ip: int
) -> list[SuspectRow]:
    """Accounts worth a look in [start_day, end_day] (local days), most reasons first.

    `day_bounds(day)` gives a local day's [start, end) instants.
    """
    if end_day < start_day:
        raise ValidationFailed(
            "起止日期有误。", errors=[{"field": "to", "message": "须不早于 from"}]
        )
    if (end_day - start_day).days >= MAX_SPAN_DAYS:
        raise ValidationFailed(
            f"时间跨度不能超过 {MAX_SPAN_DAYS} 天。",
            errors=[{"field": "from", "message": f"跨度不超过 {MAX_SPAN_DAYS} 天"}],
        )
    start, end = day_bounds(start_day)[0], day_bounds(end_day)[1]
    reasons: dict[int, set[str]] = defaultdict(set)

    # Many accounts registered from one address within a day (either side of each account).
    same_ip = _accounts_from_same_address(start, end)
    for user_id, count in same_ip.items():
        if count >= accounts_per_ip:
            reasons[user_id].add("many_accounts_from_address")

    # Answers at the interval floor.
    floor_band = max(min_answer_ms, 1000) + FLOOR_MARGIN_MS
    counts = {}
    for user_id, answers, too_fast, near_floor in db.session.execute(
        select(
            Answer.user_id,
            func.count(),
            func.sum(case((Answer.too_fast.is_(True), 1), else_=0)),
            func.sum(case((Answer.interval_ms < floor_band, 1), else_=0)),
        )
        .where(Answer.day >= start_day, Answer.day <= end_day)
        .group_by(Answer.user_id)
    ):
        too_fast, near_floor = int(too_fast or 0), int(near_floor or 0)
        counts[user_id] = (answers, too_fast)
        if too_fast >= TOO_FAST_AT_LEAST or (
            answers >= FLOOR_MIN_ANSWERS and near_floor >= FLOOR_SHARE * answers
        ):
            reasons[user_id].add("answers_at_floor")

    # Family members registered from the reporter's own address.
    member = User.__table__.alias("member")
    for reporter_id, members in db.session.execute(
        select(User.id, func.count(member.c.id))
        .join(member, member.c.family_reporter_id == User.id)
        .where(User.registered_ip.is_not(None), member.c.registered_ip == User.registered_ip)
        .group_by(User.id)
    ):
        if members >= FAMILY_SAME_ADDRESS:
            reasons[reporter_id].add("family_from_reporter_address")

    # A perfect week answered fast.
    for user_id in _perfect_fast_weeks(start_day, end_day):
        reasons[user_id].add("perfect_week_fast")

    if not reasons:
        return []
    ids = sorted(reasons, key=lambda uid: (-len(reasons[uid]), uid))[:MAX_ROWS]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    pending = dict(
        db.session.execute(
            select(Redemption.user_id, func.count())
            .where(Redemption.user_id.in_(ids), Redemption.status == "pending")
            .group_by(Redemption.user_id)
        ).all()
    )
    rows = []
    for uid in ids:
        user = users.get(uid)
        if user is None:
            continue
        answers, too_fast = counts.get(uid, (0, 0))
        rows.append(
            SuspectRow(
                user_id=uid,
                username=user.username,
                display_name=user.display_name,
                role=user.role,
                reasons=[r for r in REASONS if r in reasons[uid]],
                answers=answers,
                too_fast=too_fast,
                registered_ip_accounts=same_ip.get(uid, 0),
                redemptions_pending=pending.get(uid, 0),
                on_hold=user.held_at is not None,
                held_at=user.held_at,
                hold_memo=user.hold_memo,
            )
        )
    return rows


def _accounts_from_same_address(start: datetime, end: datetime) -> dict[int, int]:
    """user id → accounts registered from the same address within a day of it, itself included,
    for accounts registered in [start, end)."""
    window = timedelta(days=1)
    rows = db.session.execute(
        select(User.id, User.registered_ip, User.created_at)
        .where(
            User.registered_ip.is_not(None),
            User.created_at >= start - window,
            User.created_at < end + window,
        )
        .order_by(User.registered_ip, User.created_at)
    ).all()
    by_ip: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for user_id, ip, at in rows:
        by_ip[ip].append((at, user_id))
    out = {}
    for entries in by_ip.values():
        if len(entries) < 2:
            continue
        times = [at for at, _ in entries]
        for at, user_id in entries:
            if start <= at < end:
                out[user_id] = bisect_right(times, at + window) - bisect_left(times, at - window)
    return out


def _perfect_fast_weeks(start_day: date, end_day: date) -> list[int]:
    """Users with PERFECT_WEEK consecutive perfect days in the period, answered at a median
    interval under PERFECT_WEEK_MEDIAN_MS."""
    perfect = (
        QuizDay.completed_at.is_not(None),
        QuizDay.correct == QuizDay.total,
        QuizDay.day >= start_day,
        QuizDay.day <= end_day,
    )
    candidates = db.session.scalars(
        select(QuizDay.user_id)
        .where(*perfect)
        .group_by(QuizDay.user_id)
        .having(func.count() >= PERFECT_WEEK)
    ).all()
    out = []
    for user_id in candidates:
        days = sorted(
            db.session.scalars(select(QuizDay.day).where(QuizDay.user_id == user_id, *perfect))
        )
        run = _longest_run_ending(days)
        if run is None:
            continue
        first, last = run
        intervals = [
            ms
            for ms in db.session.scalars(
                select(Answer.interval_ms).where(
                    Answer.user_id == user_id, Answer.day >= first, Answer.day <= last
                )
            )
            if ms is not None
        ]
        if intervals and statistics.median(intervals) < PERFECT_WEEK_MEDIAN_MS:
            out.append(user_id)
    return out


def _longest_run_ending(days: list[date]) -> tuple[date, date] | None:
    """The first run of PERFECT_WEEK consecutive days: (first, last), or None."""
    run_start = 0
    for i in range(1, len(days) + 1):
        if i == len(days) or days[i] != days[i - 1] + timedelta(days=1):
            if i - run_start >= PERFECT_WEEK:
                return days[run_start], days[i - 1]
            run_start = i
    return None


@dataclass(frozen=True)
class SuspectReport:
    """Accounts worth a look between two local days, and what each reason means."""

    date_from: date
    date_to: date
    rows: list
    reasons: dict = field(default_factory=lambda: dict(REASONS))


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
