"""The one text type every incoming text field uses.

Whatever a client sends as text is checked here, before any rule or database sees it: lone
surrogates (not encodable, so they crash the response and the database driver), control
characters (NUL is refused by PostgreSQL and stored by SQLite; ANSI escapes and newlines end up
on public boards), bidi overrides (text that reads backwards on a board) and values made only of
invisible characters (zero-width spaces, a BOM, Hangul fillers) are refused with 422; the rest is
NFC-normalised so that two spellings of one name are one name, then held to a length cap.
"""

from __future__ import annotations

import unicodedata

from marshmallow import ValidationError, fields

# Bidi embeddings, overrides, isolates and marks: they reorder the text around them.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Letters that draw nothing (Hangul fillers, the braille blank), besides spaces and format characters.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
MULTILINE_ALLOWED = frozenset("\n\r\t")


def _invisible(ch: str) -> bool:
    if ch.isspace() or ch in BLANK_LETTERS:
        return True
    category = unicodedata.category(ch)
    # Cf: zero-width space/joiners, BOM, word joiner, tags; Mn variation selectors draw nothing alone.
    return category == "Cf" or (
        category == "Mn" and unicodedata.name(ch, "").startswith("VARIATION")
    )


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is not acceptable text, or None when it is."""
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "含有无效的 Unicode 字符（孤立代理项）。"
        if ch in BIDI_CONTROLS:
            return "不能含有改变文字方向的控制字符。"
        control = unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029"
        if control and not (multiline and ch in MULTILINE_ALLOWED):
            return "不能含有控制字符（如换行、NUL、转义序列）。"
    if value and all(_invisible(ch) for ch in value):
        return "不能只由空白或不可见字符组成。"
    return None


def clean_text(value: str, *, multiline: bool = False, max_length: int | None = None) -> str:
    """`value` NFC-normalised, or ValueError with the reason (for services handed raw text)."""
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise ValueError(problem)
    value = unicodedata.normalize("NFC", value)
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"长度不能超过 {max_length} 个字符。")
    return value


class Text(fields.String):
    """A string field with the text rules above and a length cap (in characters, after NFC).

    `multiline` allows newlines and tabs (explanations, descriptions); `normalize=False` keeps
    the exact characters (passwords: the hash must see what the user typed).
    """

    def __init__(
        self,
        *,
        max_length: int,
        min_length: int = 0,
        multiline: bool = False,
        normalize: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.min_length = min_length
        self.multiline = multiline
        self.normalize = normalize
        self.metadata.setdefault("maxLength", max_length)
        if min_length:
            self.metadata.setdefault("minLength", min_length)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if len(value) > 4 * self.max_length:  # no normalising megabytes to refuse them after
            raise ValidationError(f"长度不能超过 {self.max_length} 个字符。")
        problem = text_problem(value, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        if self.normalize:
            value = unicodedata.normalize("NFC", value)
        if len(value) > self.max_length:
            raise ValidationError(f"长度不能超过 {self.max_length} 个字符。")
        if len(value) < self.min_length:
            raise ValidationError(
                "不能为空。" if self.min_length == 1 else f"长度至少 {self.min_length} 个字符。"
            )
        return value


def check_texts(value, *, max_length: int, multiline: bool = False) -> None:
    """Apply the text rules to every string inside a free-form value (keys included)."""
    if isinstance(value, str):
        try:
            clean_text(value, multiline=multiline, max_length=max_length)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
    elif isinstance(value, dict):
        for key, sub in value.items():
            check_texts(key, max_length=max_length)
            check_texts(sub, max_length=max_length, multiline=multiline)
    elif isinstance(value, list):
        for sub in value:
            check_texts(sub, max_length=max_length, multiline=multiline)
