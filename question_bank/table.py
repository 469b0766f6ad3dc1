"""Rows of cells (from CSV or a worksheet) to questions: header mapping, blank rows,
merged cells, per-row validation and duplicates inside the file.

Merged cells: a cell merged down several rows in a column that describes a group of
questions (题型, 解析, 分类, 难度, 分值) applies its value to every row it covers. Any other
merge (a merged 题干 or 答案, a merge across columns) is reported on each cell of a known
column it hides, because guessing there would silently change questions. A merge reaching
into an otherwise blank row does not make that row count.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import EXAMPLE_MARK, InvalidBank, Issue, Limits, Question
from .normalise import FIVE_POINT_SCALE, REQUIRED_FIELDS, clean_text, header_field
from .validate import check_texts, chinese_label

FILL_DOWN_FIELDS = ("type", "explanation", "category", "difficulty", "points")
# Exported banks often put a title or an instructions line above the header row.
HEADER_SEARCH_ROWS = 20

# Blank rows past the row limit are tolerated (trailing formatting), but not forever.
MAX_TRAILING_BLANK_ROWS = 1_000


@dataclass
class SheetFacts:
    """What a worksheet's XML says beyond cell values; 1-based rows and columns."""

    bad_cells: dict[int, dict[int, str]] = field(default_factory=dict)  # row -> col -> message
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # c1, r1, c2, r2


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _blank_row(raw: dict[str, object], text: dict[str, str]) -> bool:
    """`all(_blank(value) for value in raw.values())`, from the already cleaned text: a cell
    with text is not blank, and neither is a non-text value (a number, a date) of any kind."""
    if any(text.values()):
        return False
    return all(value is None or isinstance(value, str) for value in raw.values())


class Collector:
    """Accumulates one file's questions and issues; spots duplicates and stops at max_issues."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.questions: list[Question] = []
        self.issues: list[Issue] = []
        self._first_row: dict[str, int] = {}
        self._numeric_difficulty: dict[int, str] = {}  # row -> "1"…"5"
        self._five_point = False

    def add(
        self,
        row: int,
        question: Question | None,
        problems: list[Issue],
        stem: str,
        difficulty: str = "",
    ) -> bool:
        """Record one row's outcome; False once there are too many issues to go on.
        `difficulty` is the text the file gave, for reading a 1–5 scale (FIVE_POINT_SCALE)."""
        if difficulty in FIVE_POINT_SCALE:
            self._numeric_difficulty[row] = difficulty
            self._five_point = self._five_point or difficulty in ("4", "5")
        self.issues += problems
        if question is not None and not problems:
            first = self._first_row.setdefault(question.content_hash, row)
            if first == row:
                self.questions.append(question)
            else:
                self.issues.append(Issue(row, stem, f"与第 {first} 行的题目重复（题干和选项相同）"))
        if len(self.issues) >= self.limits.max_issues:
            self.issues.append(Issue(row, "", "问题太多，已停止检查；请先修正以上问题"))
            return False
        return True

    def result(self) -> list[Question]:
        """The questions, or InvalidBank with every issue in row order."""
        if self.issues:
            raise InvalidBank(sorted(self.issues, key=lambda issue: issue.row))
        if not self.questions:
            raise InvalidBank([Issue(0, "", "文件里没有题目")])
        if self._five_point:
            numeric = self._numeric_difficulty
            return [
                dataclasses.replace(q, difficulty=FIVE_POINT_SCALE[numeric[q.row]])
                if q.row in numeric
                else q
                for q in self.questions
            ]
        return self.questions


def read_rows(
    rows: Iterable[Sequence[object]], limits: Limits, facts: SheetFacts | None = None
) -> tuple[list[Question], int]:
    """Questions, the number of skipped blank rows and of skipped example rows (a 题干 that starts
    with EXAMPLE_MARK); raises InvalidBank listing every issue."""
    facts = facts or SheetFacts()
    header, header_row, rows = _find_header(iter(rows))
    if header is None:
        raise InvalidBank([Issue(0, "", "文件是空的")])
    columns, labels, issues = _map_header(header, header_row)
    if issues:
        raise InvalidBank(issues)
    merges = _MergedCells(facts.merges, columns, labels, header_row)

    found = Collector(limits)
    skipped = pending_blank = examples = 0
    fields = list(columns.items())
    width = max(columns.values(), default=-1) + 1
    bad_cells = facts.bad_cells
    last_row = limits.max_rows + header_row
    for row, cells in enumerate(rows, start=header_row + 1):
        if len(cells) >= width:
            raw = {name: cells[index] for name, index in fields}
        else:
            raw = {name: cells[index] if index < len(cells) else None for name, index in fields}
        if merges.spans:
            merges.remember(row, raw)
        bad = {}
        if row in bad_cells:
            bad = {
                name: message
                for col, message in bad_cells[row].items()
                for name, index in fields
                if index == col - 1
            }
        # Every cell is cleaned once, here: blank rows are spotted and validated on the same text.
        text = {name: clean_text(value) for name, value in raw.items()}
        if not bad and _blank_row(raw, text):
            pending_blank += 1
            if row > last_row + MAX_TRAILING_BLANK_ROWS:
                break
            continue
        if row > last_row:
            message = f"题库最多 {limits.max_rows} 行（不含表头），请拆分成多个文件"
            found.issues.append(Issue(row, "", message))
            break
        skipped += pending_blank
        pending_blank = 0
        if merges.spans:
            merges.fill(row, raw)
            text = {name: clean_text(value) for name, value in raw.items()}
            bad = merges.hidden(row) | bad

        if not bad and text.get("stem", "").startswith(EXAMPLE_MARK):
            examples += 1
            continue
        question, problems = check_texts(text, labels, row, limits)
        if bad:
            # A broken cell explains the row's trouble in its column better than "题干为空".
            bad_labels = {labels[name] for name in bad}
            problems = [Issue(row, labels[name], message) for name, message in bad.items()] + [
                issue for issue in problems if issue.column not in bad_labels
            ]
        if not found.add(row, question, problems, labels["stem"], text.get("difficulty", "")):
            break
    if examples and not found.questions and not found.issues:
        message = f"文件里只有示例行（题干以{EXAMPLE_MARK}开头，不会导入），请在示例下方填写题目"
        raise InvalidBank([Issue(0, labels["stem"], message)])
    return found.result(), skipped, examples


def _find_header(
    rows: Iterator[Sequence[object]],
) -> tuple[Sequence[object] | None, int, Iterator[Sequence[object]]]:
    """The header row, its 1-based number and the rows after it.

    The header is the first of the first HEADER_SEARCH_ROWS rows naming at least two of the
    required columns (a title or an instructions line names none); failing that, row 1, so
    that a file without a header gets the usual issues about row 1.
    """
    seen = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not seen:
        return None, 1, rows
    for index, cells in enumerate(seen):
        named = {header_field(clean_text(cell)) for cell in cells}
        if len(named.intersection(REQUIRED_FIELDS)) >= 2:
            return cells, index + 1, itertools.chain(seen[index + 1 :], rows)
    return seen[0], 1, itertools.chain(seen[1:], rows)


def _map_header(
    header: Sequence[object], header_row: int = 1
) -> tuple[dict[str, int], dict[str, str], list[Issue]]:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    issues: list[Issue] = []
    for index, cell in enumerate(header):
        label = clean_text(cell)
        name = header_field(label)
        if name is None or name == "options":
            continue
        if name in columns:
            first = column_letter(columns[name] + 1)
            issues.append(Issue(header_row, label, f"表头「{label}」与第 {first} 列重复"))
            continue
        columns[name] = index
        labels[name] = label
    if not any(clean_text(cell) for cell in header):
        return (
            columns,
            labels,
            [Issue(1, "", "第 1 行应为表头（题型、题干、选项A…答案、分类），但它是空的")],
        )
    for name in REQUIRED_FIELDS:
        if name not in columns:
            label = chinese_label(name)
            issues.append(Issue(header_row, label, f"缺少必填列「{label}」"))
    for name in ("type", "stem", "answer", "explanation", "category", "difficulty", "points"):
        labels.setdefault(name, chinese_label(name))
    return columns, labels, issues


class _Span(NamedTuple):
    """One merged range as seen from one known column."""

    first_row: int
    last_row: int
    fills_down: bool  # a vertical merge in a group column: its value applies to every row
    holds_value: bool  # this column is the merge's left column, whose first cell has the value
    ref: str


class _MergedCells:
    """Fill-down of group columns merged vertically; any other merge hides cells, reported."""

    def __init__(self, merges, columns: dict[str, int], labels: dict[str, str], header_row=1):
        by_column = {index + 1: name for name, index in columns.items()}
        self.spans: dict[str, list[_Span]] = {}
        for c1, r1, c2, r2 in merges:
            ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
            vertical = c1 == c2 and r1 > header_row
            for col in range(c1, c2 + 1):
                if col in by_column:
                    name = by_column[col]
                    fills = vertical and name in FILL_DOWN_FIELDS
                    self.spans.setdefault(name, []).append(_Span(r1, r2, fills, col == c1, ref))
        for spans in self.spans.values():
            spans.sort()
        self.starts = {
            name: [span.first_row for span in spans] for name, spans in self.spans.items()
        }
        self.sources: dict[tuple[str, int], object] = {}
        self.labels = labels

    def _span(self, name: str, row: int) -> _Span | None:
        position = bisect.bisect_right(self.starts[name], row) - 1
        if position >= 0 and row <= self.spans[name][position].last_row:
            return self.spans[name][position]
        return None

    def remember(self, row: int, raw: dict[str, object]) -> None:
        """Keep the top-left value of a fill-down merge starting on this row."""
        for name in self.spans:
            span = self._span(name, row)
            if span and span.fills_down and span.first_row == row:
                self.sources[name, row] = raw[name]

    def hidden(self, row: int) -> dict[str, str]:
        """Cells of this row that a merge hides and that cannot be filled down."""
        found = {}
        for name in self.spans:
            span = self._span(name, row)
            top_left = span and span.first_row == row and span.holds_value
            if span and not span.fills_down and not top_left:
                label = self.labels[name]
                found[name] = f"「{label}」单元格被合并到 {span.ref} 中，请取消合并并逐行填写"
        return found

    def fill(self, row: int, raw: dict[str, object]) -> None:
        for name in self.spans:
            span = self._span(name, row)
            if span and span.fills_down and span.first_row != row and _blank(raw[name]):
                raw[name] = self.sources.get((name, span.first_row))
