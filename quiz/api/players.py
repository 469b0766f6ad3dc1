"""签到日历, the reminder opt-in, the 纠错 reply badge, 忘记密码 (an admin-issued reset code) and
the day's share card (`/quiz/today/share.png`, kept here so the answering core's module stays
as it is)."""

from __future__ import annotations

import io

import qrcode
from flask import Response, request
from flask_login import current_user

from quiz.api.common import Blueprint, account, admin_required, config, login_required, rules
from quiz.clock import local_day
from quiz.current import now, runtime, today
from quiz.errors import AppError, NotCompleted, NotFound
from quiz.models.account import Role
from quiz.schemas.account import streak_of
from quiz.schemas.players import (
    BadgesOut,
    CalendarArgs,
    CalendarOut,
    PasswordResetIn,
    ReminderIn,
    ReminderOut,
    ResetCodeIn,
    ResetCodeOut,
)
from quiz.services import (
    campaign_board,
    campaigns,
    leaderboards,
    players,
    posters,
    recognition,
    share_cards,
)

blp = Blueprint(
    "players", __name__, url_prefix="/api/v1", description="Calendar, reminders, badges"
)


@blp.route("/me/calendar", methods=["GET"])
@login_required
@blp.arguments(CalendarArgs, location="query")
@blp.response(200, CalendarOut)
def my_calendar(args):
    """The month's days: perfect / completed / partial / missed / future, with points."""
    day = today()
    first = players.parse_month(args["month"], day)
    return {
        "month": first.strftime("%Y-%m"),
        "days": players.month_days(current_user.id, first, day),
        "streak": streak_of(current_user),
    }


@blp.route("/me/reminders", methods=["GET"])
@login_required
@blp.response(200, ReminderOut)
def my_reminder():
    return players.reminder_of(current_user.id)


@blp.route("/me/reminders", methods=["PUT"])
@login_required
@blp.arguments(ReminderIn)
@blp.response(200, ReminderOut)
def set_my_reminder(body):
    """Opt in to (or out of) a daily reminder from the news app at `time` (北京时间)."""
    return players.set_reminder(
        current_user.id,
        enabled=body["enabled"],
        time=body["time"],
        latest=config("QUIZ_REMINDER_LATEST"),
        now=now(),
    )


@blp.route("/me/badges", methods=["GET"])
@login_required
@blp.response(200, BadgesOut)
def my_badges():
    return {"report_replies": players.unread_replies(current_user.id)}


@blp.route("/me/question-reports/read", methods=["POST"])
@login_required
@blp.response(204)
def read_report_replies():
    """The replies to my 纠错 have been read (the 学习 page calls it when it shows them)."""
    players.mark_replies_read(current_user.id, now())


@blp.route("/admin/password-resets", methods=["POST"])
@admin_required
@blp.arguments(ResetCodeIn)
@blp.response(201, ResetCodeOut)
def issue_reset_code(body):
    """忘记密码: a one-time code for a password account, given to its owner in person or by
    phone after the admin checked who they are. It expires after QUIZ_RESET_CODE_MINUTES."""
    return players.issue_reset_code(
        body["username"],
        issued_by=current_user.id,
        now=now(),
        minutes=config("QUIZ_RESET_CODE_MINUTES"),
    )


@blp.route("/auth/password-reset", methods=["POST"])
@blp.arguments(PasswordResetIn)
@blp.response(204)
def reset_password(body):
    """Set a new password with an admin-issued code; every session of the account ends."""
    players.reset_password(body["username"], body["code"], body["new_password"], now=now())


@blp.route("/quiz/today/share.png", methods=["GET"])
@login_required
@blp.response(200, content_type="image/png")
@blp.alt_response(409, description="`not_completed` before the day's last answer")
def share_card():
    """A 1080×1440 PNG of the caller's finished day: score, streak, their name as public boards
    show it (a minor's masked), the week's rank and a QR code to the quiz — for a 小记者, to the
    register page with their family invite."""
    at = now()
    result = share_cards.completed_day(current_user.id, local_day(at, rules().tz))
    user = account()
    try:
        me = leaderboards.standing(
            runtime().board_store, "citizens", "week", current_user, now=at, limit=1
        ).me
    except AppError:  # boards unavailable (Redis down): the card says "暂未上榜"
        me = None
    base = request.host_url.rstrip("/")
    invite = user.invite_code if user.role == Role.REPORTER else None
    link = f"{base}/app/register?invite={invite}" if invite else f"{base}/app/"
    body = share_cards.daily_card_png(
        name=recognition.public_name(user),
        result=result,
        streak=streak_of(current_user),
        week_rank=me["rank"] if me else None,
        link=link,
        invite=bool(invite),
        font_path=posters.find_font(config("QUIZ_CJK_FONT")),
    )
    return _card(body, f"quiz-{result.day}.png")


def _card(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="image/png")
    response.headers["Content-Disposition"] = f"inline; filename={filename}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blp.route("/me/certificates/<code>/share.png", methods=["GET"])
@login_required
@blp.response(200, content_type="image/png")
@blp.alt_response(404, description="`unknown_certificate`: not one of the caller's")
def certificate_share_card(code):
    """A 1080×1440 card of one of my certificates: my name as public boards show it, the
    achievement, its date and number, and a QR code to its verification page."""
    cert = recognition.my_certificate(current_user, code)
    body = share_cards.certificate_card_png(
        name=recognition.public_name(account()),
        title=cert.title,
        achieved_on=cert.achieved_on,
        code=cert.code,
        link=recognition.verify_url(config("QUIZ_PUBLIC_URL"), cert.code),
        font_path=posters.find_font(config("QUIZ_CJK_FONT")),
    )
    return _card(body, f"certificate-{cert.code}.png")


@blp.route("/campaigns/<id:campaign_id>/share.png", methods=["GET"])
@login_required
@blp.response(200, content_type="image/png")
@blp.alt_response(409, description="`not_completed` before the caller has answered in it")
def campaign_share_card(campaign_id):
    """A 1080×1440 card of my best result in a campaign: score, time, rank on its board and a
    QR code to the campaigns page."""
    campaign = campaigns.get(campaign_id)
    me = campaign_board.leaderboard(campaign_id, current_user, limit=1).me
    if me is None:
        raise NotCompleted("还没有这个专项的成绩，答完一次后就能生成分享图。")
    result = share_cards.CampaignResult(
        name=campaign.name,
        score=me["score"],
        total=campaign.questions_per_attempt,
        seconds=me["seconds"],
        rank=me["rank"],
    )
    body = share_cards.campaign_card_png(
        name=recognition.public_name(account()),
        result=result,
        link=f"{config('QUIZ_PUBLIC_URL').rstrip('/')}/app/campaigns",
        font_path=posters.find_font(config("QUIZ_CJK_FONT")),
    )
    return _card(body, f"campaign-{campaign_id}.png")


@blp.route("/me/invite-qr.png", methods=["GET"])
@login_required
@blp.response(200, content_type="image/png")
def my_invite_qr():
    """A 小记者's family invite as a QR code (the register page with the invite code filled)."""
    user = account()
    if user.role != Role.REPORTER or not user.invite_code:
        raise NotFound("只有小记者有家庭邀请码。")
    link = f"{request.host_url.rstrip('/')}/app/register?invite={user.invite_code}"
    out = io.BytesIO()
    qrcode.make(link, box_size=8, border=2).save(out)
    response = Response(out.getvalue(), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
