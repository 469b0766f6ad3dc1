"""Personal information (个人信息保护法): the privacy notice, consent, export and erasure, and a
guardian's consent for a 小记者 given from a family member's own account."""

from __future__ import annotations

import json

from flask import Response, session
from flask_login import logout_user

from quiz.api.common import Blueprint, account, config, login_required
from quiz.current import now
from quiz.schemas.account import UserOut
from quiz.schemas.privacy import (
    ConsentIn,
    EraseIn,
    GuardianConsentIn,
    GuardianStatusOut,
    NoticeOut,
)
from quiz.services import privacy

blp = Blueprint(
    "privacy",
    __name__,
    url_prefix="/api/v1",
    description="Personal information: notice, consent, export, erasure, guardian consent",
)


def notice_url() -> str:
    return f"{config('QUIZ_PUBLIC_URL')}/privacy"


@blp.route("/privacy", methods=["GET"])
@blp.response(200, NoticeOut)
def notice():
    """The privacy notice in force: its version (to send as `consent_version`) and its page."""
    return {"version": config("QUIZ_PRIVACY_VERSION"), "url": notice_url()}


@blp.route("/me/consent", methods=["POST"])
@login_required
@blp.arguments(ConsentIn)
@blp.response(200, UserOut)
def accept_notice(body):
    """Accept the notice in force (after /me said `consent_needed`); 422 `consent_required`
    for any other version."""
    return privacy.accept_notice(
        account(), body["version"], current=config("QUIZ_PRIVACY_VERSION"), now=now()
    )


@blp.route("/me/export", methods=["GET"])
@login_required
@blp.response(200, content_type="application/json")
def export():
    """Everything held about me, as one JSON document (a download)."""
    document = privacy.export(account(), now=now(), notice_version=config("QUIZ_PRIVACY_VERSION"))
    return Response(
        json.dumps(document, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@blp.route("/me", methods=["DELETE"])
@login_required
@blp.arguments(EraseIn)
@blp.response(204)
def erase(body):
    """Delete my account (withdrawing consent): `password` for a password account; an SSO
    account within 10 minutes of signing in from the news app. Points, redemptions and answers
    stay, anonymous; pending vouchers are refunded first."""
    user = account()
    privacy.check_may_erase(user, password=body["password"], now=now())
    privacy.erase(user, now=now())
    logout_user()
    session.clear()


@blp.route("/me/guardian-consent", methods=["GET"])
@login_required
@blp.response(200, GuardianStatusOut)
def guardian_status():
    """A family member's view of their 小记者's consent (403 `not_a_guardian` for others)."""
    return privacy.guardian_status(account())


@blp.route("/me/guardian-consent", methods=["POST"])
@login_required
@blp.arguments(GuardianConsentIn)
@blp.response(200, GuardianStatusOut)
def give_guardian_consent(body):
    """As the 小记者's adult family member, consent (PIPL 第三十一条): the child's name may show,
    certificates bear it and prizes may be redeemed."""
    current = config("QUIZ_PRIVACY_VERSION")
    version = body["version"] or current
    privacy.accept_guardian_notice(version, current=current)
    guardian = account()
    privacy.consent_as_family(guardian, version=version, now=now())
    return privacy.guardian_status(guardian)


@blp.route("/me/guardian-consent", methods=["DELETE"])
@login_required
@blp.response(200, GuardianStatusOut)
def withdraw_guardian_consent():
    """Withdraw the consent: the child is masked again, with no named certificate and no
    redeeming, until a guardian consents again."""
    guardian = account()
    privacy.withdraw_as_family(guardian, now=now())
    return privacy.guardian_status(guardian)
