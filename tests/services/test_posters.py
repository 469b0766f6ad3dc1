"""Posters and certificates are drawn in a CJK font found at run time, or not at all."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from quiz.services import posters


def test_the_configured_font_is_the_only_one_tried(tmp_path):
    font = tmp_path / "mine.ttc"
    font.write_bytes(b"")
    assert posters.find_font(str(font), known=("/usr/share/fonts/x.ttc",)) == str(font)
    assert posters.find_font(str(tmp_path / "missing.ttc"), known=(str(font),)) is None


def test_without_a_configured_font_the_first_known_one_present_is_used(tmp_path):
    present = tmp_path / "present.ttc"
    present.write_bytes(b"")
    assert posters.find_font(None, known=(str(tmp_path / "gone.ttc"), str(present))) == str(present)
    assert posters.find_font(None, known=(str(tmp_path / "gone.ttc"),)) is None


def test_drawing_without_a_font_raises_font_unavailable():
    with pytest.raises(posters.FontUnavailable) as caught:
        posters.stars_poster(
            start=date(2026, 11, 16), end=date(2026, 11, 22), boards=[], font_path=None
        )
    assert caught.value.status == 503 and caught.value.code == "font_unavailable"


@pytest.mark.skipif(posters.find_font(None) is None, reason="no CJK font installed")
def test_a_long_name_and_title_still_make_a_certificate_of_the_same_size():
    png = posters.certificate_png(
        name="欧阳" * 40,
        title="完美一周" * 30,
        achieved_on=date(2026, 11, 22),
        issued_on=date(2026, 11, 23),
        code="ABCDEFGHJKLMNPQR",
        verify_url="https://quiz.example.cn/verify/ABCDEFGHJKLMNPQR",
        font_path=posters.find_font(None),
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1600, 1130)
