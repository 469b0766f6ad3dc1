"""PNG posters (each week's stars) and certificates, drawn with Pillow in a system CJK font.

No font ships with the code: the service uses the configured `QUIZ_CJK_FONT`, else the first
CJK font found in the places Debian/Ubuntu, Fedora, Arch and macOS install them (Debian's
`fonts-noto-cjk` package: /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc). Without
one, drawing raises `FontUnavailable` (503 `font_unavailable`): a poster with boxes where the
names should be would be worse than none. See docs/recognition.md.
"""

from __future__ import annotations

import functools
import io
import os
from datetime import date

import qrcode
from PIL import Image, ImageDraw, ImageFont

from quiz.errors import ServiceUnavailable

# Searched in order when QUIZ_CJK_FONT is not set.
KNOWN_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",  # Fedora ≥ 38
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/System/Library/Fonts/PingFang.ttc",  # macOS (development machines)
)

INK = (40, 30, 20)
RED = (178, 34, 34)
GOLD = (191, 144, 0)
PAPER = (255, 250, 240)
MUTED = (110, 100, 90)


class FontUnavailable(ServiceUnavailable):
    """No CJK font is installed (install fonts-noto-cjk or set QUIZ_CJK_FONT)."""

    code = "font_unavailable"
    title = "Font unavailable"
    retry_after = 3600


def find_font(configured: str | None, known: tuple[str, ...] = KNOWN_FONTS) -> str | None:
    """The configured font when set (and only it), else the first known CJK font present."""
    candidates = (configured,) if configured else known
    return next((path for path in candidates if os.path.isfile(path)), None)


@functools.lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # A .ttc holds several faces (Noto: JP, KR, SC, TC…): take Simplified Chinese when listed.
    for index in range(8):
        try:
            face = ImageFont.truetype(path, size, index=index)
        except OSError:
            break
        if "SC" in face.getname()[0].split():
            return face
    try:
        return ImageFont.truetype(path, size)
    except OSError as exc:
        raise FontUnavailable("证书字体无法读取，请检查 QUIZ_CJK_FONT。") from exc


def _require(font_path: str | None) -> str:
    if not font_path:
        raise FontUnavailable("服务器未安装中文字体（fonts-noto-cjk），暂时无法生成图片。")
    return font_path


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font, fill, width: int) -> None:
    draw.text(((width - draw.textlength(text, font=font)) / 2, y), text, font=font, fill=fill)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, room: float) -> str:
    """The text cut with an ellipsis to fit `room` pixels."""
    if draw.textlength(text, font=font) <= room:
        return text
    while text and draw.textlength(text + "…", font=font) > room:
        text = text[:-1]
    return text + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, room: float) -> list[str]:
    """Lines of at most `room` pixels, broken between any two characters (CJK has no spaces)."""
    lines, line = [], ""
    for ch in text:
        if line and draw.textlength(line + ch, font=font) > room:
            lines.append(line)
            line = ""
        line += ch
    return lines + ([line] if line else [])


def stars_poster(
    *, start: date, end: date, boards: list[tuple[str, list[dict]]], font_path: str | None
) -> bytes:
    """A 1080×1920 poster: the week, then each board's stars (rank, name, points)."""
    path = _require(font_path)
    width, height = 1080, 1920
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 300), fill=RED)
    _centred(draw, 60, "我知晓 我践行", _font(path, 56), (255, 236, 179), width)
    _centred(draw, 140, "每周之星", _font(path, 84), (255, 255, 255), width)
    period = f"{start:%Y年%m月%d日} — {end:%Y年%m月%d日}"
    _centred(draw, 320, period, _font(path, 36), MUTED, width)
    y = 400
    row_font, head_font = _font(path, 38), _font(path, 48)
    for label, entries in boards:
        draw.text((80, y), label, font=head_font, fill=RED)
        draw.line((80, y + 66, width - 80, y + 66), fill=GOLD, width=3)
        y += 86
        if not entries:
            draw.text((100, y), "本周暂无上榜", font=row_font, fill=MUTED)
            y += 60
        for e in entries:
            colour = GOLD if e["rank"] <= 3 else INK
            rank = str(e["rank"])
            draw.text(
                (150 - draw.textlength(rank, font=row_font), y), rank, font=row_font, fill=colour
            )
            draw.text((190, y), _fit(draw, e["name"], row_font, 600), font=row_font, fill=INK)
            score = f"{e['score']} 分"
            draw.text(
                (width - 100 - draw.textlength(score, font=row_font), y),
                score,
                font=row_font,
                fill=MUTED,
            )
            y += 56
        y += 40
    _centred(draw, height - 90, "学知识 · 践文明 · 赢积分", _font(path, 32), MUTED, width)
    return _png(image)


def certificate_png(
    *,
    name: str,
    title: str,
    achieved_on: date,
    issued_on: date,
    code: str,
    verify_url: str,
    font_path: str | None,
) -> bytes:
    """A 1600×1130 certificate: name, achievement, date, verification code and its QR code."""
    path = _require(font_path)
    width, height = 1600, 1130
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, width - 24, height - 24), outline=RED, width=10)
    draw.rectangle((48, 48, width - 48, height - 48), outline=GOLD, width=3)
    _centred(draw, 110, "荣 誉 证 书", _font(path, 96), RED, width)
    name_font, body = _font(path, 64), _font(path, 40)
    draw.text((180, 300), _fit(draw, name, name_font, 1000) + "：", font=name_font, fill=INK)
    y = 410
    for line in _wrap(
        draw, f"在「我知晓 我践行」文明知识答题中，{title}。特发此证，以资鼓励。", body, 1240
    ):
        draw.text((180, y), line, font=body, fill=INK)
        y += 64
    small = _font(path, 30)
    draw.text((180, height - 250), f"达成日期：{achieved_on:%Y年%m月%d日}", font=small, fill=INK)
    draw.text((180, height - 200), f"颁发日期：{issued_on:%Y年%m月%d日}", font=small, fill=INK)
    draw.text((180, height - 150), f"证书编号：{code}", font=small, fill=INK)
    draw.text(
        (180, height - 110),
        _fit(draw, f"查验：{verify_url}", _font(path, 24), 980),
        font=_font(path, 24),
        fill=MUTED,
    )
    qr = qrcode.QRCode(border=2, box_size=6)
    qr.add_data(verify_url)
    qr_image = qr.make_image().get_image().convert("RGB").resize((220, 220), Image.NEAREST)
    image.paste(qr_image, (width - 180 - 220, height - 310))
    return _png(image)
