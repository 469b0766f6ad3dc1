"""Normalisation rules: cell values to text, header names, types, answers, difficulty, points.

The parse_* functions raise ValueError with a Chinese message; the validator turns it into
an Issue for the right row and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

OPTION_KEYS = "ABCDEF"

# Canonical field -> (Chinese header, English header), in template column order.
FIELDS: dict[str, tuple[str, str]] = {
    "type": ("题型", "type"),
    "stem": ("题干", "stem"),
    **{f"option_{k.lower()}": (f"选项{k}", f"option_{k.lower()}") for k in OPTION_KEYS},
    "answer": ("答案", "answer"),
    "explanation": ("解析", "explanation"),
    "category": ("分类", "category"),
    "difficulty": ("难度", "difficulty"),
    "points": ("分值", "points"),
}
REQUIRED_FIELDS = ("type", "stem", "answer", "category")

# Besides our own names, the names other 题库 systems and paper templates use (API.md v1.1).
# Matching ignores case, spaces, full-width forms, `*`, `_`, `-` and a bracketed suffix.
_HEADER_ALIASES = {
    "type": ["题型", "题目类型", "试题类型", "类型", "type", "questiontype"],
    "stem": ["题干", "题目", "题目内容", "试题", "试题内容", "问题", "stem", "question"],
    "answer": [
        *("答案", "正确答案", "参考答案", "正确选项", "标准答案"),
        *("answer", "answers", "correct"),
    ],
    "explanation": ["解析", "答案解析", "题目解析", "试题解析", "explanation", "analysis"],
    "category": ["分类", "知识点", "题目分类", "试题分类", "类别", "category"],
    "difficulty": ["难度", "难易程度", "难度等级", "题目难度", "difficulty", "level"],
    "points": ["分值", "分数", "积分", "points", "score"],
    "options": ["选项", "options"],
}


def header_aliases(name: str) -> list[str]:
    """Every header accepted for a canonical field, as written in the alias table."""
    return list(_HEADER_ALIASES[name])


_TYPE_ALIASES = {
    "single": ["单选", "单选题", "单项选择", "单项选择题", "single", "singlechoice"],
    "multiple": ["多选", "多选题", "多项选择", "多项选择题", "multiple", "multi", "multiplechoice"],
    "judge": ["判断", "判断题", "是非题", "judge", "truefalse", "tf"],
}

_JUDGE_TRUE = {"对", "正确", "是", "√", "✓", "✔", "t", "true", "yes", "y", "a", "1"}
_JUDGE_FALSE = {"错", "错误", "否", "×", "✗", "✘", "f", "false", "no", "n", "b", "0"}
JUDGE_OPTIONS = (("A", "正确"), ("B", "错误"))

_DIFFICULTY = {
    1: ["易", "简单", "容易", "1", "easy"],
    2: ["中", "中等", "一般", "2", "medium"],
    3: ["难", "困难", "较难", "3", "hard", "4", "5"],
}
# Some systems grade 1–5. A file using 4 or 5 anywhere is read on that scale (see
# FIVE_POINT_SCALE); otherwise 1–3 keep their meaning and a lone 4 or 5 is 难.
FIVE_POINT_SCALE = {"1": 1, "2": 1, "3": 2, "4": 3, "5": 3}

# Dropped from all text: zero-width characters and the BOM (invisible copy-paste junk),
# control characters other than whitespace (NUL is refused by PostgreSQL) and lone
# surrogates (cannot be stored as UTF-8).
_INVISIBLE = dict.fromkeys(
    [*map(ord, "\u200b\u200c\u200d\u2060\ufeff"), *range(0xD800, 0xE000)]
    + [code for code in [*range(0x20), 0x7F] if not chr(code).isspace()]
)
# The same characters as a regex class: a C-speed test lets clean text skip `translate`.
_HAS_INVISIBLE = re.compile("[" + "".join(f"\\U{code:08x}" for code in sorted(_INVISIBLE)) + "]")
_ANSWER_SEPARATORS = re.compile(r"[\s,、;/|+&]+")
_BRACKETED = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_HEADER_JUNK = re.compile(r"[\s*_\-:.]+")
_OPTION_HEADER = re.compile(r"^(?:选项|option)?([a-z])$")  # bare "A" too


def cell_text(value: object) -> str:
    """Any cell value as text: 1.0 -> "1", dates -> ISO, booleans -> 正确/错误."""
    if type(value) is str:  # nearly every cell
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "正确" if value else "错误"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def clean_text(value: object) -> str:
    """Trim and fold runs of whitespace (incl. full-width space and NBSP) into one space."""
    text = value if type(value) is str else cell_text(value)
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", clean_text(text)).casefold()


def header_field(label: object) -> str | None:
    """The canonical field a header names ("选项 Ａ", "A" -> "option_a"), or None if unknown.

    Tolerates case, spaces, full-width letters, `_`/`-`, a required mark `*` and a
    bracketed hint such as "难度（易/中/难）" or "题型【必填】". Option letters past F map to option_g…
    so that a seventh option is reported rather than silently dropped.
    """
    key = _HEADER_JUNK.sub("", _BRACKETED.sub("", _fold(cell_text(label))))
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    if match := _OPTION_HEADER.match(key):
        return f"option_{match.group(1)}"
    return None


# A bank repeats a handful of spellings of each type, answer, difficulty and points thousands
# of times; the parsers are pure, so their results are kept (errors are not: they re-raise).
_MEMO = 4096

_HEADER_INDEX = {
    _HEADER_JUNK.sub("", _fold(alias)): name
    for name, aliases in _HEADER_ALIASES.items()
    for alias in aliases
}


@functools.lru_cache(maxsize=_MEMO)
def parse_type(text: str, column: str = "题型") -> str:
    key = _HEADER_JUNK.sub("", _fold(text))
    for name, aliases in _TYPE_ALIASES.items():
        if key in aliases:
            return name
    if key.isdigit():
        # Systems disagree on codes (1 is 单选 in one, 判断 in another): never guess.
        raise ValueError(
            f"「{column}」列的「{text}」是数字代码，各题库系统的编号含义不同，"
            "无法确定题型；请改写为 单选、多选 或 判断"
        )
    raise ValueError(f"未知题型「{text}」，应为 单选、多选 或 判断")


@functools.lru_cache(maxsize=_MEMO)
def judge_word(text: str) -> str | None:
    """A for 对/正确/√/T/true/A…, B for 错/错误/×/F/false/B…, None otherwise."""
    key = _fold(text)
    if key in _JUDGE_TRUE:
        return "A"
    if key in _JUDGE_FALSE:
        return "B"
    return None


@functools.lru_cache(maxsize=_MEMO)
def parse_answer(text: str, question_type: str | None) -> tuple[str, ...]:
    """Answer text to a sorted tuple of keys: "ＡＣ", "a c", "A，C", "A、C" -> ("A", "C")."""
    if not text:
        raise ValueError("答案为空")
    if question_type == "judge" and (key := judge_word(text)):
        return (key,)
    letters = _ANSWER_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not letters or not all("A" <= ch <= "Z" for ch in letters):
        hint = "对/错" if question_type == "judge" else "选项字母，如 A 或 AC"
        raise ValueError(f"答案「{text}」无法识别，请填写{hint}")
    return tuple(sorted(set(letters)))


@functools.lru_cache(maxsize=_MEMO)
def parse_difficulty(text: str) -> int:
    if not text:
        return 2
    key = _fold(text)
    for level, aliases in _DIFFICULTY.items():
        if key in aliases:
            return level
    raise ValueError(f"难度「{text}」无效，应为 易/中/难、简单/中等/困难 或 1–5")


@functools.lru_cache(maxsize=_MEMO)
def parse_points(text: str, maximum: int) -> int | None:
    if not text:
        return None
    try:
        number = float(unicodedata.normalize("NFKC", text))
    except ValueError:
        number = 0.0
    if not (number.is_integer() and 1 <= number <= maximum):
        raise ValueError(f"分值「{text}」无效，应为 1–{maximum} 的整数")
    return int(number)
