"""Share cards: the picture a player sends to friends after the day's quiz (score, streak, the
week's rank and a QR code back to the quiz — for a 小记者, carrying their family invite), for a
certificate (its title and a QR code to its verification page) and for a campaign's result
(best score, time and rank on the campaign's board). All 1080×1440, drawn with Pillow and the
CJK font like the posters (`quiz.services.posters`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import qrcode
from PIL import Image, ImageDraw
from sqlalchemy import select

from quiz.errors import NotCompleted
from quiz.extensions import db
from quiz.models import QuizDay
from quiz.services.posters import (
    GOLD,
    INK,
    MUTED,
    PAPER,
    RED,
    _centred,
    _fit,
    _font,
    _png,
    _require,
    _wrap,
)

WIDTH, HEIGHT = 1080, 1440


@dataclass(frozen=True)
class DayResult:
    day: date
    correct: int
    total: int
    points: int


def completed_day(user_id: int, day: date) -> DayResult:
    """The user's finished day; NotCompleted before the day's last answer."""
    row = db.session.execute(
        select(QuizDay.total, QuizDay.answered, QuizDay.correct, QuizDay.points).where(
            QuizDay.user_id == user_id, QuizDay.day == day
        )
    ).first()
    if row is None or not row.total or row.answered < row.total:
        raise NotCompleted("今天的题还没有答完，答完后就能生成分享图。")
    return DayResult(day, row.correct, row.total, row.points)


def daily_card_png(
    *,
    name: str,
    result: DayResult,
    streak: int,
    week_rank: int | None,
    link: str,
    invite: bool,
    font_path: str | None,
) -> bytes:
    """A 1080×1440 card: the masked name, the day's score and points, the streak, the week's
    rank, and a QR code to `link` (the quiz, or the register page with a family invite)."""
    path = _require(font_path)
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 260), fill=RED)
    _centred(draw, 60, "我知晓 我践行", _font(path, 88), (255, 255, 255), WIDTH)
    _centred(
        draw,
        175,
        f"{result.day:%Y年%m月%d日} 文明知识每日答题",
        _font(path, 40),
        (255, 240, 230),
        WIDTH,
    )
    _centred(draw, 320, _fit(draw, name, _font(path, 64), WIDTH - 160), _font(path, 64), INK, WIDTH)
    perfect = result.correct == result.total
    _centred(
        draw,
        420,
        "今日全对！" if perfect else "今日答题完成",
        _font(path, 56),
        GOLD if perfect else INK,
        WIDTH,
    )
    # Three figures side by side: score, points, streak.
    figures = [
        (f"{result.correct}/{result.total}", "答对"),
        (f"{result.points}", "得分"),
        (f"{streak}", "连续天数"),
    ]
    big, small = _font(path, 96), _font(path, 36)
    column = WIDTH // 3
    for i, (value, label) in enumerate(figures):
        x = column * i
        draw.text(
            (x + (column - draw.textlength(value, font=big)) / 2, 540), value, font=big, fill=RED
        )
        draw.text(
            (x + (column - draw.textlength(label, font=small)) / 2, 670),
            label,
            font=small,
            fill=MUTED,
        )
    rank = f"本周市民榜第 {week_rank} 名" if week_rank else "本周排名：暂未上榜"
    _centred(draw, 770, rank, _font(path, 48), INK, WIDTH)
    qr = qrcode.QRCode(border=2, box_size=8)
    qr.add_data(link)
    qr_image = qr.make_image().get_image().convert("RGB").resize((360, 360), Image.NEAREST)
    image.paste(qr_image, ((WIDTH - 360) // 2, 870))
    caption = "扫码和我一起答题（小手拉大手：家人注册自动关联）" if invite else "扫码和我一起答题"
    _centred(draw, 1250, caption, _font(path, 36), INK, WIDTH)
    _centred(
        draw, 1320, _fit(draw, link, _font(path, 26), WIDTH - 120), _font(path, 26), MUTED, WIDTH
    )
    return _png(image)


# ------------------------------------------------------------------ certificates and campaigns
def _frame(path: str, subtitle: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """The cards' common top: the red band with the title and a subtitle."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 260), fill=RED)
    _centred(draw, 60, "我知晓 我践行", _font(path, 88), (255, 255, 255), WIDTH)
    sub = _font(path, 40)
    _centred(draw, 175, _fit(draw, subtitle, sub, WIDTH - 120), sub, (255, 240, 230), WIDTH)
    return image, draw


def _qr_footer(image: Image.Image, draw, path: str, link: str, caption: str) -> None:
    """A QR code to `link`, a caption and the link in small print at the bottom of a card."""
    qr = qrcode.QRCode(border=2, box_size=8)
    qr.add_data(link)
    qr_image = qr.make_image().get_image().convert("RGB").resize((360, 360), Image.NEAREST)
    image.paste(qr_image, ((WIDTH - 360) // 2, 870))
    _centred(draw, 1250, caption, _font(path, 36), INK, WIDTH)
    small = _font(path, 26)
    _centred(draw, 1320, _fit(draw, link, small, WIDTH - 120), small, MUTED, WIDTH)


def _wrapped_centred(draw, y: int, text: str, font, fill, room: int, lines: int) -> int:
    """`text` centred over at most `lines` lines; returns the y below it."""
    for line in _wrap(draw, text, font, room)[:lines]:
        _centred(draw, y, line, font, fill, WIDTH)
        y += int(font.size * 1.3)
    return y


def certificate_card_png(
    *, name: str, title: str, achieved_on: date, code: str, link: str, font_path: str | None
) -> bytes:
    """A certificate to share: whose, what, when, its number and a QR code to its verification
    page (anyone who scans it sees that it is genuine)."""
    path = _require(font_path)
    image, draw = _frame(path, "荣誉证书")
    _centred(draw, 320, _fit(draw, name, _font(path, 64), WIDTH - 160), _font(path, 64), INK, WIDTH)
    y = _wrapped_centred(draw, 430, title, _font(path, 60), GOLD, WIDTH - 160, 3)
    _centred(
        draw, max(y + 20, 650), f"{achieved_on:%Y年%m月%d日} 达成", _font(path, 40), INK, WIDTH
    )
    _centred(draw, max(y + 90, 720), f"证书编号 {code}", _font(path, 36), MUTED, WIDTH)
    _qr_footer(image, draw, path, link, "扫码查验证书真伪")
    return _png(image)


@dataclass(frozen=True)
class CampaignResult:
    name: str
    score: int
    total: int
    seconds: int | None
    rank: int


def campaign_card_png(
    *, name: str, result: CampaignResult, link: str, font_path: str | None
) -> bytes:
    """A campaign's result to share: the campaign, the best score of its questions, the time it
    took and the rank on the campaign's board, with a QR code to the campaigns page."""
    path = _require(font_path)
    image, draw = _frame(path, "专项答题成绩")
    _centred(draw, 300, _fit(draw, name, _font(path, 56), WIDTH - 160), _font(path, 56), INK, WIDTH)
    _wrapped_centred(draw, 390, result.name, _font(path, 48), GOLD, WIDTH - 160, 2)
    figures = [
        (f"{result.score}/{result.total}", "答对"),
        (f"{result.seconds} 秒" if result.seconds is not None else "–", "用时"),
        (f"第 {result.rank} 名", "专项排名"),
    ]
    big, small = _font(path, 80), _font(path, 36)
    column = WIDTH // 3
    for i, (value, label) in enumerate(figures):
        x = column * i
        value = _fit(draw, value, big, column - 20)
        draw.text(
            (x + (column - draw.textlength(value, font=big)) / 2, 560), value, font=big, fill=RED
        )
        draw.text(
            (x + (column - draw.textlength(label, font=small)) / 2, 680),
            label,
            font=small,
            fill=MUTED,
        )
    _qr_footer(image, draw, path, link, "扫码一起参加专项答题")
    return _png(image)
