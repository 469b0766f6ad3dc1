"""What any text from outside must be before a rule or the database sees it.

Whatever a client sends as text is checked here (schemas through `quiz.schemas.text.Text`,
services handed raw text through `clean_text`), before any rule or database sees it: lone
surrogates (not encodable, so they crash the response and the database driver), control
characters (NUL is refused by PostgreSQL and stored by SQLite; ANSI escapes and newlines end up
on public boards), bidi overrides (text that reads backwards on a board) and values made only of
invisible characters (zero-width spaces, a BOM, Hangul fillers) are refused with 422; the rest is
NFC-normalised so that two spellings of one name are one name, then held to a length cap.
"""

from __future__ import annotations

import unicodedata

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
