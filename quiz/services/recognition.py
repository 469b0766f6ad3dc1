"""Recognition: last week's stars (from the past-period boards) and certificates (荣誉证书).

Certificates are issued records: an achievement found by one of `ACHIEVEMENT_SOURCES` becomes a
`Certificate` row the first time the user lists their certificates, with an unguessable code
that anyone can check at /verify/<code>. Issuing again (another listing, a second worker) finds
the same row: UNIQUE (user_id, kind, subject). Nothing here awards points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import select

from quiz.clock import local_day
from quiz.errors import NotFound
from quiz.extensions import db
from quiz.models import STAFF_ROLES, Certificate, QuizDay, User
from quiz.models.account import ERASED_NAME, is_minor
from quiz.services.campaign_board import high_scores
from quiz.services.codes import new_code, normalise_code
from quiz.services.leaderboards import mask_name, standing
from quiz.services.sql import insert_on_conflict
from quiz.writing import will_write

# The boards whose past week is published: (board, label).
STAR_BOARDS = (("citizens", "市民之星"), ("reporters", "小记者之星"))
STARS = 10
# 16 characters of a 32-letter alphabet: 80 bits, far beyond guessing.
CODE_LENGTH = 16
# Whoever reads public material: no board row of their own, names masked like any non-admin.
PUBLIC = SimpleNamespace(role="public", id=None, team_id=None, district=None)


class UnknownCertificate(NotFound):
    """No certificate has this code: mistyped, forged, or never issued."""

    code = "unknown_certificate"


# ---------------------------------------------------------------- weekly stars
@dataclass(frozen=True)
class WeeklyStars:
    start: date
    end: date
    citizens: list[dict]
    reporters: list[dict]
    # The viewer's place on each board last week ({rank, score} or None); None for the public.
    me: dict | None


def last_monday(now: datetime, tz: ZoneInfo) -> date:
    """The Monday of the week before the one `now` is in."""
    day = local_day(now, tz)
    return day - timedelta(days=day.weekday() + 7)


def weekly_stars(store, viewer, *, now: datetime, start: date | None = None) -> WeeklyStars:
    """The top ten citizens and reporters of the week from `start` (default: last week) and
    the viewer's own place on both. Names are as on the public boards (minors masked) for
    everyone, admins included: this is what gets published."""
    start = start or last_monday(now, store.tz)
    entries: dict[str, list[dict]] = {}
    mine: dict[str, dict | None] = {}
    for board, _label in STAR_BOARDS:
        shown = standing(store, board, "week", PUBLIC, now=now, limit=STARS, start=start)
        entries[board] = shown.entries
        if viewer is not None:
            # Their own row, wherever it is (top 1 is the cheapest read that carries `me`).
            mine[board] = standing(store, board, "week", viewer, now=now, limit=1, start=start).me
    return WeeklyStars(
        start=start,
        end=start + timedelta(days=6),
        citizens=entries["citizens"],
        reporters=entries["reporters"],
        me=mine if viewer is not None else None,
    )


def star_rows(stars: WeeklyStars) -> list[dict]:
    """One row per star, both boards (for the CSV)."""
    labels = dict(STAR_BOARDS)
    return [
        {"board": labels[board], "rank": e["rank"], "name": e["name"], "score": e["score"]}
        for board in ("citizens", "reporters")
        for e in getattr(stars, board)
    ]


# ---------------------------------------------------------------- achievements
@dataclass(frozen=True)
class Achievement:
    kind: str  # perfect_week | campaign
    subject: str  # which one of its kind: a week's Monday, a campaign's id
    title: str
    achieved_on: date


def perfect_weeks(user_id: int, *, now: datetime, tz: ZoneInfo) -> list[Achievement]:
    """Monday–Sunday weeks (ended, or ending today) whose seven days were all completed with
    every answer correct and none too fast."""
    today = local_day(now, tz)
    days = db.session.scalars(
        select(QuizDay.day).where(
            QuizDay.user_id == user_id,
            QuizDay.completed_at.is_not(None),
            QuizDay.total > 0,
            QuizDay.correct == QuizDay.total,
            QuizDay.too_fast == 0,
            QuizDay.day <= today,
        )
    ).all()
    weeks: dict[date, int] = {}
    for day in days:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    return [
        Achievement(
            kind="perfect_week",
            subject=monday.isoformat(),
            title=f"完美一周：{monday:%Y年%m月%d日}至{monday + timedelta(days=6):%m月%d日}"
            "每日答题全部正确",
            achieved_on=monday + timedelta(days=6),
        )
        for monday, count in sorted(weeks.items())
        if count == 7
    ]


def campaign_high_scores(user_id: int, *, now: datetime, tz: ZoneInfo) -> list[Achievement]:
    """专项答题 in which the user's best attempt scored at least 90 % of its questions."""

    return [
        Achievement(
            kind="campaign",
            subject=str(found.campaign_id),
            title=f"专项答题「{found.name}」成绩优秀：答对 {found.score}/{found.total} 题",
            achieved_on=local_day(found.achieved_at, tz),
        )
        for found in high_scores(user_id)
        if found.achieved_at is not None and found.achieved_at <= now
    ]


# Where certificates come from: functions (user_id, *, now, tz) → achievements.
AchievementSource = Callable[..., list[Achievement]]
ACHIEVEMENT_SOURCES: list[AchievementSource] = [perfect_weeks, campaign_high_scores]


# ---------------------------------------------------------------- certificates
@dataclass(frozen=True)
class Verified:
    """What the public verification shows: genuine, whose (masked), what and when."""

    code: str
    name: str
    kind: str
    title: str
    achieved_on: date
    issued_at: datetime


def issue_certificates(user: User, *, now: datetime, tz: ZoneInfo) -> list[Certificate]:
    """Issue a certificate for every achievement the user has without one; return them all,
    newest achievement first. Staff earn no recognition (as they earn no points)."""
    if user.role not in STAFF_ROLES:
        have = set(
            db.session.execute(
                select(Certificate.kind, Certificate.subject).where(Certificate.user_id == user.id)
            ).all()
        )
        missing = [
            a
            for source in ACHIEVEMENT_SOURCES
            for a in source(user.id, now=now, tz=tz)
            if (a.kind, a.subject) not in have
        ]
        if missing:
            will_write(db.session)
        for a in missing:
            # A second listing racing this one inserts nothing: the pair is unique.
            db.session.execute(
                insert_on_conflict(Certificate)
                .values(
                    code=new_code(CODE_LENGTH),
                    user_id=user.id,
                    kind=a.kind,
                    subject=a.subject,
                    title=a.title,
                    achieved_on=a.achieved_on,
                    issued_at=now,
                )
                .on_conflict_do_nothing(index_elements=["user_id", "kind", "subject"])
            )
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id)
            .order_by(Certificate.achieved_on.desc(), Certificate.id.desc())
        )
    )


def _by_code(raw: str) -> Certificate:
    code = normalise_code(raw or "")
    found = None
    if 0 < len(code) <= 32:
        found = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if found is None:
        raise UnknownCertificate("没有找到这张证书：证书编号不存在或有误。")
    return found


def my_certificate(user: User, code: str) -> Certificate:
    """The user's own certificate by code; anyone else's is as unknown as a forged one."""
    found = _by_code(code)
    if found.user_id != user.id:
        raise UnknownCertificate("没有找到这张证书：证书编号不存在或有误。")
    return found


def public_name(user: User) -> str:
    """The name as public boards show it: a minor's (a 小记者's) masked without consent."""
    if getattr(user, "erased_at", None) is not None:  # the request's slim user is never erased
        return ERASED_NAME
    minor = is_minor(user.role, user.invite_code) and not user.show_full_name
    return mask_name(user.display_name) if minor else user.display_name


def verify(code: str) -> Verified:
    """A certificate as the public may see it; UnknownCertificate for a forged code."""
    cert = _by_code(code)
    holder = db.session.get(User, cert.user_id)
    return Verified(
        code=cert.code,
        name=public_name(holder),
        kind=cert.kind,
        title=cert.title,
        achieved_on=cert.achieved_on,
        issued_at=cert.issued_at,
    )


def verify_url(public_url: str, code: str) -> str:
    """The certificate's public check page, from the configured public address (never from a
    request's Host header: a foreign or oversized Host must not reach the image or its QR)."""
    return f"{public_url.rstrip('/')}/verify/{code}"
