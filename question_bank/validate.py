"""Validation of one question: raw cell values in, a normalised Question or issues out.

Spreadsheet readers call `check_fields` with canonical field names and the header labels the
user wrote; `validate_question` accepts a JSON-style dict (the bank JSON format, or an admin
PATCH merged onto a stored question) and applies exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from .model import Issue, Limits, Question
from .normalise import (
    FIELDS,
    JUDGE_OPTIONS,
    OPTION_KEYS,
    clean_text,
    header_field,
    judge_word,
    parse_answer,
    parse_difficulty,
    parse_points,
    parse_type,
)

_SCALARS = (str, int, float, bool, dt.date, dt.time, type(None))
_TYPE_NAMES = {"single": "单选题", "multiple": "多选题", "judge": "判断题"}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def chinese_label(name: str) -> str:
    """题干 for stem, 选项G for option_g."""
    if name.startswith("option_"):
        return f"选项{name[-1].upper()}"
    return FIELDS[name][0]


def check_fields(
    values: Mapping[str, object],
    labels: Mapping[str, str],
    row: int,
    limits: Limits,
) -> tuple[Question | None, list[Issue]]:
    """Validate canonical fields (type, stem, option_a…option_z, answer, …) of one row."""
    return check_texts(
        {name: clean_text(value) for name, value in values.items()}, labels, row, limits
    )


def check_texts(
    text: Mapping[str, str],
    labels: Mapping[str, str],
    row: int,
    limits: Limits,
) -> tuple[Question | None, list[Issue]]:
    """`check_fields` for values already passed through `clean_text` (a reader that needed
    the clean text anyway, e.g. to spot blank rows, saves cleaning every cell twice)."""
    issues: list[Issue] = []

    def add(name: str, message: str) -> None:
        issues.append(Issue(row, labels.get(name) or chinese_label(name), message))

    def too_long(name: str, what: str, maximum: int) -> None:
        if len(text.get(name, "")) > maximum:
            add(name, f"{what}超过 {maximum} 字（现有 {len(text[name])} 字）")

    qtype = None
    if not text.get("type"):
        add("type", "题型为空，应为 单选、多选 或 判断")
    else:
        try:
            qtype = parse_type(text["type"], labels.get("type") or "题型")
        except ValueError as exc:
            add("type", str(exc))

    if not text.get("stem"):
        add("stem", "题干为空")
    too_long("stem", "题干", limits.max_stem_chars)

    options = _check_options(text, qtype, limits, add)

    answer: tuple[str, ...] = ()
    try:
        answer = parse_answer(text.get("answer", ""), qtype)
    except ValueError as exc:
        add("answer", str(exc))
    keys = {key for key, _ in options}
    missing = [key for key in answer if key not in keys]
    if missing:
        add("answer", f"答案中的 {'、'.join(missing)} 对应的选项不存在")
    if qtype in ("single", "judge") and len(answer) > 1:
        add("answer", f"{_TYPE_NAMES[qtype]}只能有一个答案，现有 {''.join(answer)}")
    if qtype == "multiple" and len(answer) == 1:
        add("answer", "多选题至少需要 2 个答案")

    too_long("explanation", "解析", limits.max_explanation_chars)
    if not text.get("category"):
        add("category", "分类为空")
    too_long("category", "分类", limits.max_category_chars)

    difficulty = points = None
    try:
        difficulty = parse_difficulty(text.get("difficulty", ""))
    except ValueError as exc:
        add("difficulty", str(exc))
    try:
        points = parse_points(text.get("points", ""), limits.max_points)
    except ValueError as exc:
        add("points", str(exc))

    if issues:
        return None, issues
    question = Question(
        type=qtype,
        stem=text["stem"],
        options=options,
        answer=answer,
        explanation=text.get("explanation", ""),
        category=text["category"],
        difficulty=difficulty,
        points=points,
        row=row,
    )
    return question, []


def _check_options(text, qtype, limits, add) -> tuple[tuple[str, str], ...]:
    given = {
        name[-1].upper(): value
        for name, value in text.items()
        if name.startswith("option_") and value
    }
    for key in sorted(set(given) - set(OPTION_KEYS)):
        add(f"option_{key.lower()}", f"最多只能有 6 个选项（A–F），选项{key}应为空")
    if qtype == "judge":
        words = {key: judge_word(value) for key, value in given.items()}
        if given and words != {"A": "A", "B": "B"}:
            add("option_a", "判断题的选项应为 A 正确、B 错误（也可以都留空）")
        return JUDGE_OPTIONS
    present = [key for key in OPTION_KEYS if key in given]
    last = OPTION_KEYS.index(present[-1]) if present else -1
    for key in OPTION_KEYS[:last]:
        if key not in given:
            add(
                f"option_{key.lower()}", f"选项{key}为空，但后面的选项有内容；选项须从 A 起连续填写"
            )
    if len(present) < 2:
        first_blank = next(key for key in OPTION_KEYS if key not in given)
        add(f"option_{first_blank.lower()}", "至少需要 2 个选项")
    for key in present:
        if len(given[key]) > limits.max_option_chars:
            add(
                f"option_{key.lower()}",
                f"选项{key}超过 {limits.max_option_chars} 字（现有 {len(given[key])} 字）",
            )
    return tuple((key, given[key]) for key in present)


def validate_question(
    fields: Mapping[str, object],
    *,
    row: int = 0,
    limits: Limits = Limits(),
) -> tuple[Question | None, list[Issue]]:
    """Validate a JSON-style question with the same rules as a bank row.

    `fields` uses the bank JSON keys (type, stem, options, answer, explanation, category,
    difficulty, points); Chinese or flat spreadsheet keys (题干, option_a…) work too, and
    unknown keys are ignored. `options` may be {"A": "..."}, a list of texts, or a list of
    {"key", "text"}; `answer` a list of keys or a string such as "AC". Issues name the key
    the caller used; `row` is 0 when the question does not come from a file.
    """
    values: dict[str, object] = {}
    labels: dict[str, str] = {}
    issues: list[Issue] = []
    options_label = ""
    for key, value in fields.items():
        label = clean_text(key)
        name = header_field(label)
        if name is None or name in values:
            continue
        if name == "options":
            options_label = label
            issues += _read_options(value, label, row, values, labels)
            continue
        listed = isinstance(value, (list, tuple))
        if name == "answer" and listed and all(isinstance(v, _SCALARS) for v in value):
            value = ",".join(clean_text(item) for item in value)
        if not isinstance(value, _SCALARS):
            issues.append(Issue(row, label, "应为文字或数字，而不是列表或对象"))
            continue
        values[name] = value
        labels[name] = label
    flat_options = any(name.startswith("option_") for name in labels) and not options_label
    for name, (_, english) in FIELDS.items():
        if name.startswith("option_") and not flat_options:
            english = options_label or "options"
        labels.setdefault(name, english)
    question, problems = check_fields(values, labels, row, limits)
    if issues:
        # "题干为空" adds nothing when the stem was a list: report the cause only.
        broken = {issue.column for issue in issues}
        return None, issues + [issue for issue in problems if issue.column not in broken]
    return question, problems


def _read_options(value, label, row, values, labels) -> list[Issue]:
    if value is None or value == "":
        return []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, (list, tuple)):
        pairs = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                pairs.append((item.get("key", ""), item.get("text")))
            elif index < len(_LETTERS):
                pairs.append((_LETTERS[index], item))
            else:
                return [Issue(row, label, "最多只能有 6 个选项（A–F）")]
    else:
        return [Issue(row, label, '选项应为对象，如 {"A": "……", "B": "……"}')]
    issues = []
    for key, text in pairs:
        letter = unicodedata.normalize("NFKC", clean_text(key)).upper()
        if not re.fullmatch("[A-Z]", letter):
            issues.append(Issue(row, label, f"选项的键「{clean_text(key)}」无效，应为 A–F"))
        elif not isinstance(text, _SCALARS):
            issues.append(Issue(row, label, f"选项{letter}应为文字"))
        else:
            values[f"option_{letter.lower()}"] = text
            labels[f"option_{letter.lower()}"] = label
    return issues
