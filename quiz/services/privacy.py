"""Citizens' rights over their data (个人信息保护法 第十三–十五、三十一、四十五、四十七条).

- the privacy notice accepted, by version (at registration, first SSO sign-in, and again
  whenever the notice changes);
- a guardian's consent for a minor, as a recorded fact (`GuardianConsent`): by an adult family
  member from their own account (小手拉大手), or by staff from the school's paper form; the
  user's `show_full_name` follows the rows and nothing else sets it;
- the sign-in history and its retention;
- the export of everything held about a user, and erasure that keeps the books whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update

from quiz.errors import Forbidden, InvalidCredentials, NotFound, ValidationFailed
from quiz.extensions import db
from quiz.models import (
    AccountHold,
    Answer,
    CampaignAnswer,
    CampaignAttempt,
    Certificate,
    LedgerEntry,
    Mistake,
    PeopleMonth,
    PracticeAnswer,
    PracticeSession,
    QuestionReport,
    QuizDay,
    User,
)
from quiz.models.account import ERASED_NAME, STAFF_ROLES, is_minor
from quiz.models.ledger import LedgerKind
from quiz.models.partner import PartnerDebit, PartnerRefund
from quiz.models.players import PasswordResetCode, PlayerSettings
from quiz.models.privacy import GuardianConsent, SignInRecord
from quiz.models.shop import Redemption
from quiz.services import accounts, passwords, shop

# An SSO account has no password: it may erase itself this long after signing in.
SSO_ERASE_WINDOW = timedelta(minutes=10)
ERASED_USERNAME = accounts.ERASED_PREFIX + "{id}"


class NotAGuardian(Forbidden):
    """Only an adult family member linked to the child (or staff with the paper form) may."""

    code = "not_a_guardian"
    title = "Not a guardian"


class ReauthRequired(Forbidden):
    """Erasing an SSO account needs a sign-in from the news app in the last 10 minutes."""

    code = "reauth_required"
    title = "Sign in again"


class NoConsent(NotFound):
    code = "no_guardian_consent"
    title = "No guardian consent"


# ---------------------------------------------------------------- the privacy notice


def accept_notice(user: User, version: str | None, *, current: str, now: datetime) -> User:
    """Record that the user accepted the notice `version` (which must be the current one)."""
    version = accounts.check_notice(version, current=current, required=True)
    if user.consent_version != version:
        user.consent_version, user.consent_at = version, now
        db.session.flush()
    return user


def accept_guardian_notice(version: str, *, current: str) -> None:
    """A guardian consents to the notice in force, never to an old one."""
    accounts.check_notice(version, current=current, required=True)


# ---------------------------------------------------------------- sign-in history


def record_sign_in(user_id: int, method: str, *, ip: str | None, now: datetime) -> None:
    db.session.add(SignInRecord(user_id=user_id, at=now, method=method, ip=ip[:45] if ip else None))
    db.session.flush()


def prune_sign_ins(*, now: datetime, retention_days: int) -> int:
    """Forget sign-ins older than QUIZ_IP_RETENTION_DAYS; returns how many went."""
    cutoff = now - timedelta(days=retention_days)
    return db.session.execute(
        delete(SignInRecord)
        .where(SignInRecord.at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount


# ---------------------------------------------------------------- guardian consent


def active_consent(child_id: int) -> GuardianConsent | None:
    return db.session.scalar(
        select(GuardianConsent)
        .where(GuardianConsent.child_id == child_id, GuardianConsent.withdrawn_at.is_(None))
        .order_by(GuardianConsent.id.desc())
        .limit(1)
    )


def _settle(child: User) -> None:
    """The child's current consent, from the rows (the only writer of `show_full_name`)."""
    db.session.flush()
    child.show_full_name = active_consent(child.id) is not None
    db.session.flush()


def _family_child(guardian: User) -> User:
    """The minor whose family the guardian joined with the child's invite code."""
    child = (
        db.session.get(User, guardian.family_reporter_id) if guardian.family_reporter_id else None
    )
    if (
        child is None
        or guardian.role in STAFF_ROLES
        or is_minor(guardian.role, guardian.invite_code)
        or child.erased_at is not None
    ):
        raise NotAGuardian("只有通过小记者邀请码加入家庭的成年家人可以代为同意。")
    return child


def _grant(child: User, *, now: datetime, version: str, **who) -> GuardianConsent:
    if not is_minor(child.role, child.invite_code):
        raise ValidationFailed("该用户不是小记者，无需监护人同意。")
    consent = active_consent(child.id)
    if consent is None:
        consent = GuardianConsent(child_id=child.id, notice_version=version, granted_at=now, **who)
        db.session.add(consent)
    _settle(child)
    return consent


def consent_as_family(guardian: User, *, version: str, now: datetime) -> GuardianConsent:
    """An adult family member consents for their 小记者 from their own account."""
    child = _family_child(guardian)
    return _grant(child, now=now, version=version, source="family", guardian_id=guardian.id)


def withdraw_as_family(guardian: User, *, now: datetime) -> User:
    """A family member withdraws the family's consent: the child is masked again, gets no named
    certificate and cannot redeem, until a guardian consents again."""
    child = _family_child(guardian)
    _withdraw(child, by=guardian.id, now=now)
    return child


def record_paper_form(
    child: User, *, staff_id: int, guardian_name: str | None, version: str, now: datetime
) -> GuardianConsent:
    """Staff record the consent form the school collected on paper (audited by the admin hook)."""
    name = (guardian_name or "").strip()[:64] or None
    return _grant(
        child,
        now=now,
        version=version,
        source="paper_form",
        recorded_by=staff_id,
        guardian_name=name,
    )


def _withdraw(child: User, *, by: int | None, now: datetime) -> int:
    withdrawn = db.session.execute(
        update(GuardianConsent)
        .where(GuardianConsent.child_id == child.id, GuardianConsent.withdrawn_at.is_(None))
        .values(withdrawn_at=now, withdrawn_by=by)
        .execution_options(synchronize_session=False)
    ).rowcount
    _settle(child)
    return withdrawn


def withdraw_by_staff(child: User, *, staff_id: int, now: datetime) -> User:
    _withdraw(child, by=staff_id, now=now)
    return child


def set_guardian_consent(
    child: User, consent: bool, *, staff_id: int, version: str, now: datetime, **paper
) -> User:
    """The admin's switch (PATCH /admin/users/{id} {show_full_name}): a paper form recorded, or
    every consent withdrawn."""
    if consent:
        record_paper_form(child, staff_id=staff_id, version=version, now=now, **paper)
    else:
        withdraw_by_staff(child, staff_id=staff_id, now=now)
    return child


@dataclass(frozen=True)
class GuardianStatus:
    """What a family member sees of their 小记者's consent."""

    child_id: int
    child_name: str
    consented: bool
    source: str | None
    granted_at: datetime | None
    notice_version: str | None
    by_me: bool


def guardian_status(guardian: User) -> GuardianStatus:
    child = _family_child(guardian)
    consent = active_consent(child.id)
    return GuardianStatus(
        child_id=child.id,
        child_name=child.display_name,
        consented=consent is not None,
        source=consent.source if consent else None,
        granted_at=consent.granted_at if consent else None,
        notice_version=consent.notice_version if consent else None,
        by_me=consent is not None and consent.guardian_id == guardian.id,
    )


# ---------------------------------------------------------------- export

# Never exported: what would let someone sign in as the user, or is another party's secret.
SECRET_COLUMNS = {"password_hash", "totp_secret", "totp_last_step", "code_hash"}


def _row(obj) -> dict:
    out = {}
    for column in obj.__table__.columns:
        if column.key in SECRET_COLUMNS:
            continue
        value = getattr(obj, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime | date) else value
    return out


def _rows(query) -> list[dict]:
    return [_row(obj) for obj in db.session.scalars(query)]


def _of(model, column, user_id: int) -> list[dict]:
    return _rows(select(model).where(column == user_id).order_by(*model.__mapper__.primary_key))


def export(user: User, *, now: datetime, notice_version: str) -> dict:
    """Every personal datum held about the user, in one document (PIPL 第四十五条)."""
    uid = user.id
    attempts = select(CampaignAttempt.id).where(CampaignAttempt.user_id == uid)
    debits = select(PartnerDebit.id).where(PartnerDebit.user_id == uid)
    family = db.session.execute(
        select(User.id, User.display_name, User.created_at).where(User.family_reporter_id == uid)
    )
    reporter = db.session.get(User, user.family_reporter_id) if user.family_reporter_id else None
    return {
        "exported_at": now.isoformat(),
        "profile": _row(user),
        "consents": {
            "privacy_notice": {
                "accepted_version": user.consent_version,
                "accepted_at": user.consent_at.isoformat() if user.consent_at else None,
                "current_version": notice_version,
            },
            "guardian_consents_for_me": _of(GuardianConsent, GuardianConsent.child_id, uid),
            "guardian_consents_given": _of(GuardianConsent, GuardianConsent.guardian_id, uid),
        },
        "settings": _of(PlayerSettings, PlayerSettings.user_id, uid),
        "days": _of(QuizDay, QuizDay.user_id, uid),
        "answers": _of(Answer, Answer.user_id, uid),
        "campaign_attempts": _of(CampaignAttempt, CampaignAttempt.user_id, uid),
        "campaign_answers": _rows(
            select(CampaignAnswer)
            .where(CampaignAnswer.attempt_id.in_(attempts))
            .order_by(CampaignAnswer.id)
        ),
        "practice_sessions": _of(PracticeSession, PracticeSession.user_id, uid),
        "practice_answers": _of(PracticeAnswer, PracticeAnswer.user_id, uid),
        "mistakes": _of(Mistake, Mistake.user_id, uid),
        # The reports' monthly rollup: which months (and categories, districts) the user took part in.
        "months_taken_part": _of(PeopleMonth, PeopleMonth.user_id, uid),
        "ledger": _of(LedgerEntry, LedgerEntry.user_id, uid),
        "redemptions": _of(Redemption, Redemption.user_id, uid),
        "partner_debits": _of(PartnerDebit, PartnerDebit.user_id, uid),
        "partner_refunds": _rows(
            select(PartnerRefund)
            .where(PartnerRefund.debit_id.in_(debits))
            .order_by(PartnerRefund.id)
        ),
        "certificates": _of(Certificate, Certificate.user_id, uid),
        "reports": _of(QuestionReport, QuestionReport.user_id, uid),
        "family": {
            "my_reporter": (
                {"id": reporter.id, "display_name": reporter.display_name} if reporter else None
            ),
            "members": [
                {"id": i, "display_name": name, "joined_at": at.isoformat()}
                for i, name, at in family
            ],
        },
        "account_holds": _of(AccountHold, AccountHold.user_id, uid),
        "password_reset_codes": _of(PasswordResetCode, PasswordResetCode.user_id, uid),
        "login_history": _of(SignInRecord, SignInRecord.user_id, uid),
    }


# ---------------------------------------------------------------- erasure


def check_may_erase(user: User, *, password: str | None, now: datetime) -> None:
    """The person at the keyboard proves it again: the password, or (an SSO account, which has
    none) a sign-in from the news app in the last 10 minutes."""
    if user.role in STAFF_ROLES:
        raise Forbidden("工作人员账号请由管理员处理。")
    if user.password_hash:
        if not passwords.matches(user.password_hash, password):
            raise InvalidCredentials("密码错误。")
        return
    last_sso = db.session.scalar(
        select(SignInRecord.at)
        .where(SignInRecord.user_id == user.id, SignInRecord.method == "sso")
        .order_by(SignInRecord.at.desc())
        .limit(1)
    )
    if last_sso is None or now - last_sso > SSO_ERASE_WINDOW:
        raise ReauthRequired("请从新闻客户端重新进入，10 分钟内即可注销账号。")


def erase(user: User, *, now: datetime) -> User:
    """Erase the person and keep the books: pending vouchers refunded (the shop's own cancel),
    every session ended, names, addresses and the SSO uid gone, family links cut; the ledger,
    redemptions and answers stay as an anonymous account's rows (Σ entries == balance)."""
    pending = db.session.scalars(
        select(Redemption)
        .where(Redemption.user_id == user.id, Redemption.status == "pending")
        .order_by(Redemption.id)
    )
    for redemption in list(pending):
        shop.cancel(redemption, actor_id=user.id, now=now)
    accounts.end_sessions(user)
    # The family: consents I gave are withdrawn (my children revert to masked), consents for me
    # deleted with me; members I invited and the reporter who invited me are no longer linked.
    for child_id in db.session.scalars(
        select(GuardianConsent.child_id).where(
            GuardianConsent.guardian_id == user.id, GuardianConsent.withdrawn_at.is_(None)
        )
    ).all():
        child = db.session.get(User, child_id)
        _withdraw(child, by=user.id, now=now)
    db.session.execute(
        update(GuardianConsent)
        .where(GuardianConsent.guardian_id == user.id)
        .values(guardian_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(GuardianConsent)
        .where(GuardianConsent.child_id == user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(User)
        .where(User.family_reporter_id == user.id)
        .values(family_reporter_id=None)
        .execution_options(synchronize_session=False)
    )
    # My reporter's ledger memos named me ("家人 X 完成 …"): the name goes, the points stay.
    for entry in db.session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.kind == LedgerKind.FAMILY_BONUS, LedgerEntry.ref == f"family:{user.id}"
        )
    ):
        entry.memo = entry.memo.replace(user.display_name, ERASED_NAME)[:255]
    db.session.execute(
        update(PartnerDebit)
        .where(PartnerDebit.user_id == user.id)
        .values(uid="")
        .execution_options(synchronize_session=False)
    )
    for model in (SignInRecord, PlayerSettings, PasswordResetCode):
        db.session.execute(
            delete(model)
            .where(model.user_id == user.id)
            .execution_options(synchronize_session=False)
        )
    user.username = ERASED_USERNAME.format(id=user.id)
    user.display_name = ERASED_NAME
    user.password_hash = None
    user.sso_uid = None
    user.registered_ip = None
    user.district = None
    user.invite_code = None
    user.family_reporter_id = None
    user.show_full_name = False
    user.elder_mode = False
    user.consent_version = user.consent_at = None
    user.erased_at = now
    db.session.flush()
    return user
