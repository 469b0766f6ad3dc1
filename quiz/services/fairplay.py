"""Fair play: who takes part in the points economy, and the holds staff put on accounts.

Who may earn and redeem, account holds and their history, and the retention of registration
addresses. Each user's option order lives in `option_order`, the suspects report in
`suspects`. Plain values in, typed errors out; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from quiz.errors import (
    AccountOnHold,
    Forbidden,
    GuardianConsentRequired,
    UnknownUser,
    ValidationFailed,
)
from quiz.extensions import db
from quiz.models import STAFF_ROLES, AccountHold, User
from quiz.models.account import is_minor
from quiz.models.types import MAX_ID
from quiz.text import clean_text

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


@dataclass(frozen=True)
class HeldAccount:
    """An account as the holds page shows it: who, whether held now, and its hold history."""

    id: int
    username: str
    display_name: str
    role: str
    balance: int
    on_hold: bool
    held_at: datetime | None
    held_by: int | None
    hold_memo: str | None
    holds: list[AccountHold]


def held_accounts(limit: int = 200) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.held_at.is_not(None)).order_by(User.held_at.desc()).limit(limit)
        )
    )


def with_holds(users: list[User]) -> list[HeldAccount]:
    """The accounts with their hold histories (newest first): one query for all of them."""
    history: dict[int, list[AccountHold]] = {u.id: [] for u in users}
    if users:
        for entry in db.session.scalars(
            select(AccountHold)
            .where(AccountHold.user_id.in_(list(history)))
            .order_by(AccountHold.id.desc())
        ):
            history[entry.user_id].append(entry)
    return [
        HeldAccount(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            balance=u.balance,
            on_hold=u.on_hold,
            held_at=u.held_at,
            held_by=u.held_by,
            hold_memo=u.hold_memo,
            holds=history[u.id],
        )
        for u in users
    ]


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
