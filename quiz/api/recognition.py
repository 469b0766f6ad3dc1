"""Recognition: weekly stars, certificates (荣誉证书) and their public verification,
the admin's winners (CSV, poster) and participation targets."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app
from flask_login import current_user

from quiz.api.admin_reports import csv_response
from quiz.api.common import Blueprint, admin_required, config, login_required, staff_report
from quiz.clock import local_day
from quiz.current import now, runtime, zone
from quiz.extensions import limiter
from quiz.schemas.common import cursor_id, slice_page
from quiz.schemas.recognition import (
    CertificatePage,
    CertificatePageArgs,
    TargetIn,
    TargetOut,
    VerifiedOut,
    WeeklyStarsArgs,
    WeeklyStarsOut,
    WinnersArgs,
)
from quiz.services import image_cache, participation, posters, recognition

blp = Blueprint(
    "recognition",
    __name__,
    url_prefix="/api/v1",
    description="Recognition: weekly stars, certificates, participation targets",
)


def _store():
    return runtime().board_store


def _png(body: bytes, filename: str, *, cache: str) -> Response:
    response = Response(body, mimetype="image/png")
    response.headers["Content-Disposition"] = f"inline; filename={filename}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache
    return response


def _font() -> str | None:
    return posters.find_font(config("QUIZ_CJK_FONT"))


def _images() -> Path:
    return Path(current_app.instance_path) / "images"


def _image_limit_key() -> str:
    return f"image-user:{current_user.id}"


_image_limit = limiter.limit(
    lambda: current_app.config["QUIZ_IMAGE_LIMIT_USER"], key_func=_image_limit_key
)


# ---------------------------------------------------------------- weekly stars
@blp.route("/leaderboards/weekly-stars", methods=["GET"])
@login_required
@blp.arguments(WeeklyStarsArgs, location="query")
@blp.response(200, WeeklyStarsOut)
def weekly_stars(args):
    """Last week's (or the week from `start`'s) top 10 citizens and reporters, names as on the
    public boards, and the caller's own place on both."""
    return recognition.weekly_stars(_store(), current_user, now=now(), start=args["start"])


@blp.route("/admin/winners", methods=["GET"])
@admin_required
@staff_report
@blp.arguments(WinnersArgs, location="query")
@blp.response(200, WeeklyStarsOut)
def winners(args):
    """A past week's stars for publication (names as published: minors masked);
    `?format=csv` downloads them."""
    stars = recognition.weekly_stars(_store(), None, now=now(), start=args["start"])
    if args["format"] == "csv":
        return csv_response(
            recognition.star_rows(stars),
            ["board", "rank", "name", "score"],
            f"weekly-stars-{stars.start}.csv",
        )
    return stars


@blp.route("/admin/winners/poster.png", methods=["GET"])
@admin_required
@staff_report
@blp.arguments(WeeklyStarsArgs, location="query")
@blp.response(200, content_type="image/png")
@blp.alt_response(503, description="no CJK font installed: `font_unavailable`")
@_image_limit
def winners_poster(args):
    """The week's stars as a 1080×1920 PNG poster."""
    stars = recognition.weekly_stars(_store(), None, now=now(), start=args["start"])
    labels = dict(recognition.STAR_BOARDS)
    boards = [(labels["citizens"], stars.citizens), (labels["reporters"], stars.reporters)]
    font = _font()
    body = image_cache.cached_png(
        _images(),
        ("stars", stars.start, stars.end, repr(boards), font),
        lambda: posters.stars_poster(
            start=stars.start, end=stars.end, boards=boards, font_path=font
        ),
    )
    return _png(body, f"weekly-stars-{stars.start}.png", cache="private, no-cache")


# ---------------------------------------------------------------- certificates
@blp.route("/me/certificates", methods=["GET"])
@login_required
@blp.arguments(CertificatePageArgs, location="query")
@blp.response(200, CertificatePage)
def my_certificates(args):
    """The certificates I have earned, newest first (issued on first listing)."""
    certificates = recognition.issue_certificates(current_user, now=now(), tz=zone())
    return slice_page(certificates, cursor_id(args["cursor"]) or 0, args["limit"])


@blp.route("/me/certificates/<code>.png", methods=["GET"])
@login_required
@blp.response(200, content_type="image/png")
@blp.alt_response(503, description="no CJK font installed: `font_unavailable`")
@_image_limit
def my_certificate_png(code):
    """My certificate as a PNG (404 `unknown_certificate` for anyone else's code)."""
    cert = recognition.my_certificate(current_user, code)
    drawn = dict(
        name=recognition.public_name(current_user),
        title=cert.title,
        achieved_on=cert.achieved_on,
        issued_on=local_day(cert.issued_at, zone()),
        code=cert.code,
        verify_url=recognition.verify_url(config("QUIZ_PUBLIC_URL"), cert.code),
        font_path=_font(),
    )
    body = image_cache.cached_png(
        _images(),
        ("certificate", *sorted(drawn.items())),
        lambda: posters.certificate_png(**drawn),
    )
    return _png(body, f"certificate-{cert.code}.png", cache="private, max-age=3600")


@blp.route("/certificates/<code>", methods=["GET"])
@blp.response(200, VerifiedOut)
def verify_certificate(code):
    """Anyone may check a certificate's code: genuine (whose, what, when) or 404."""
    return recognition.verify(code)


# ---------------------------------------------------------------- participation targets
@blp.route("/admin/targets/<by>/<key>", methods=["PUT"])
@admin_required
@blp.arguments(TargetIn)
@blp.response(200, TargetOut)
def put_target(args, by, key):
    """Set a district's (key: its name) or team's (key: its id, or its exact name) target
    headcount; `null` clears it."""
    return participation.set_target(
        by,
        key,
        args["target"],
        districts=config("QUIZ_DISTRICTS"),
        actor_id=current_user.id,
        now=now(),
    )
