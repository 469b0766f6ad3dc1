"""Value types of the question bank: questions, banks, issues, limits and the one error."""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # the C string encoder json.dumps itself uses

QUESTION_TYPES = ("single", "multiple", "judge")


# The template's sample rows start their 题干 with this: 预检 and imports skip such rows.
EXAMPLE_MARK = "【示例】"


@dataclass(frozen=True)
class Issue:
    """One problem found in a bank file.

    `row` is the spreadsheet row (1-based, counting any title rows above the header) or, for JSON, the 1-based
    index of the question; 0 means the file as a whole. `column` is the header the user
    wrote (or the canonical name when the column is missing), the JSON key, or "".
    """

    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class InvalidBank(Exception):
    """The file (or one question) cannot be accepted; `issues` lists every problem found."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        first = self.issues[0].message if self.issues else "题库无效"
        super().__init__(f"题库有 {len(self.issues)} 个问题，第一个：{first}")


@dataclass(frozen=True)
class Limits:
    """Size limits; the defaults are the product's, tests pass smaller ones."""

    max_rows: int = 20_000
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    # Checked for every zip member bigger than 1 MB inflated. Genuine sheets compress 10–100×,
    # deflate bombs approach its ~1000× ceiling; the size cap above is the hard stop anyway.
    max_ratio: int = 200
    max_zip_members: int = 2_000
    max_stem_chars: int = 500
    max_option_chars: int = 200
    max_explanation_chars: int = 2_000
    max_category_chars: int = 50
    max_points: int = 1_000
    # Past this many issues, reading stops: a garbage file should not yield a 10 MB answer.
    max_issues: int = 1_000


def _identity_text(text: str) -> str:
    # Stricter than display normalisation: "，" and "," or "Ａ" and "a" count as the same.
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Question:
    """A validated, normalised question. `row` is where it came from (not part of equality)."""

    type: str
    stem: str
    options: tuple[tuple[str, str], ...]
    answer: tuple[str, ...]
    explanation: str
    category: str
    difficulty: int
    points: int | None
    row: int = field(default=0, compare=False)

    @functools.cached_property  # a frozen dataclass still has a __dict__ to cache into
    def content_hash(self) -> str:
        """sha256 hex of type + stem + options: the identity used to spot duplicates.

        The hashed text is exactly json.dumps([type, stem, [[key, text], ...]],
        ensure_ascii=False, separators=(",", ":")) of the identity texts — the stored hashes
        depend on it — but written out directly, which costs a fraction of json.dumps.
        """
        options = ",".join(
            f"[{encode_basestring(key)},{encode_basestring(_identity_text(text))}]"
            for key, text in self.options
        )
        payload = (
            f"[{encode_basestring(self.type)},"
            f"{encode_basestring(_identity_text(self.stem))},[{options}]]"
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict:
        """The JSON bank format of this question."""
        return {
            "type": self.type,
            "stem": self.stem,
            "options": dict(self.options),
            "answer": list(self.answer),
            "explanation": self.explanation,
            "category": self.category,
            "difficulty": self.difficulty,
            "points": self.points,
        }


@dataclass(frozen=True)
class Bank:
    """Every question of one file, in file order."""

    questions: tuple[Question, ...]
    skipped_blank_rows: int
    source_name: str
    skipped_example_rows: int = 0  # rows whose 题干 starts with EXAMPLE_MARK (the template's)
