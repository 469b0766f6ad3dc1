"""The one text type every incoming text field uses: the rules of `quiz.text` at the edge."""

from __future__ import annotations

import unicodedata

from marshmallow import ValidationError, fields

from quiz.text import clean_text, text_problem


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
