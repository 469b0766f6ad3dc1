"""Question statistics from the daily quiz's answers, computed with SQL aggregates.

Per question: answers, correct rate, picks per option (stored answers are in the question's
own keys, so every user's shuffled order is already undone), median answer time (each
answer's `interval_ms`: since the previous answer or the day's first fetch), a discrimination
index and open 纠错 reports.

Discrimination is the upper–lower 27 % index with the corrected (rest) score: each answer is
ranked by its user's correct answers that day *without this question*; D = share right in the
top 27 % − share right in the bottom 27 % (groups of ⌈0.27 n⌉; a block of tied scores across a
group's edge counts fractionally). It runs from −1 to 1; a question the weak answer better than
the strong is negative. SQL counts answers per (question, rest score); the index is a few lines
of arithmetic over those blocks.

Practice answers are left out: they come after the 解析 was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Integer, case, cast, func, select

from quiz.extensions import db
from quiz.models import Question, QuestionReport
from quiz.models.learning import ReportStatus
from quiz.services import question_rollups, rollups

# Flag thresholds (docs/learning.md); a question needs QUIZ_STATS_MIN_ANSWERS answers for the
# figure-based flags, open reports flag it at once.
TOO_EASY = 0.95
TOO_HARD = 0.20
FLAG_TEXT = {
    "too_easy": f"答对率高于 {TOO_EASY:.0%}",
    "too_hard": f"答对率低于 {TOO_HARD:.0%}",
    "negative_discrimination": "区分度为负：成绩差的人反而更容易答对",
    "open_reports": "有未处理的纠错",
}


@dataclass
class QuestionStats:
    question_id: int
    answers: int = 0
    correct: int = 0
    correct_rate: float | None = None
    option_picks: dict[str, int] = field(default_factory=dict)
    median_answer_ms: int | None = None
    discrimination: float | None = None
    open_reports: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.flags)

    @property
    def reasons(self) -> list[str]:
        return [FLAG_TEXT[f] for f in self.flags]


def _as_int(expr):
    return cast(case((expr, 1), else_=0), Integer)


def _limit(stmt, column, question_ids):
    return stmt if question_ids is None else stmt.where(column.in_(question_ids))


def stats_for(question_ids: list[int] | None, *, min_answers: int) -> dict[int, QuestionStats]:
    """Statistics of these questions (None: every question), keyed by id."""
    questions = db.session.execute(
        _limit(select(Question.id, Question.options), Question.id, question_ids)
    ).all()
    out = {
        qid: QuestionStats(qid, option_picks={key: 0 for key, _ in options})
        for qid, options in questions
    }
    ids = question_ids
    # Answers, picks and score blocks: the rollups of the finished days and the raw rows after.
    held = rollups.through()
    counts = rollups.question_counts(*question_rollups.ALL_DAYS)
    for qid, stats in out.items():
        n, right = counts.get(qid, (0, 0))
        if n:
            stats.answers, stats.correct = n, right
            stats.correct_rate = round(right / n, 4)

    for (qid, choices), n in question_rollups.picks(ids, held).items():
        if qid in out:
            picks = out[qid].option_picks
            for key in choices:
                picks[key] = picks.get(key, 0) + n

    for qid, median in question_rollups.medians(ids, held).items():
        if qid in out:
            out[qid].median_answer_ms = int(round(float(median)))

    for qid, by_rest in question_rollups.blocks(ids, held).items():
        if qid in out:
            found = [(rest, n, right) for rest, (n, right) in by_rest.items()]
            out[qid].discrimination = discrimination(found)

    for qid, n in db.session.execute(
        _limit(
            select(QuestionReport.question_id, func.count()).where(
                QuestionReport.status == ReportStatus.OPEN
            ),
            QuestionReport.question_id,
            ids,
        ).group_by(QuestionReport.question_id)
    ):
        if qid in out:
            out[qid].open_reports = n

    for stats in out.values():
        stats.flags = flags_of(stats, min_answers=min_answers)
    return out


def flags_of(stats: QuestionStats, *, min_answers: int) -> list[str]:
    flags = []
    if stats.answers >= max(1, min_answers) and stats.correct_rate is not None:
        if stats.correct_rate > TOO_EASY:
            flags.append("too_easy")
        if stats.correct_rate < TOO_HARD:
            flags.append("too_hard")
        if stats.discrimination is not None and stats.discrimination < 0:
            flags.append("negative_discrimination")
    if stats.open_reports:
        flags.append("open_reports")
    return flags


def discrimination(blocks: list[tuple[int, int, int]]) -> float | None:
    """The upper–lower 27 % index from (rest score, answers, right) blocks.

    The groups hold exactly ⌈0.27 n⌉ answers each; a block of tied scores that straddles a
    group's edge counts with the fraction of it inside (so the index never depends on the order
    people answered in).
    """
    n = sum(count for _, count, _ in blocks)
    if n < 2:
        return None
    group = (27 * n + 99) // 100

    def share_right(ordered) -> float:
        room, hits = group, 0.0
        for _, count, right in ordered:
            take = min(room, count)
            hits += right * take / count
            room -= take
            if not room:
                break
        return hits / group

    ordered = sorted(blocks, key=lambda b: b[0])
    return round(share_right(reversed(ordered)) - share_right(ordered), 4)


@dataclass
class QuestionWithStats:
    """A question with its figures (reads through to the question)."""

    question: Question
    stats: QuestionStats

    def __getattr__(self, name):
        return getattr(self.question, name)


def no_figures(question: Question) -> QuestionStats:
    """A question's statistics before anyone answered it (or before the database the figures
    are read from, a replica that trails, holds it)."""
    return QuestionStats(question.id, option_picks={key: 0 for key, _ in question.options})


def stats_of(question: Question, *, min_answers: int) -> QuestionStats:
    found = stats_for([question.id], min_answers=min_answers).get(question.id)
    return found or no_figures(question)


def with_stats(questions: list[Question], *, min_answers: int) -> list[QuestionWithStats]:
    stats = stats_for([q.id for q in questions], min_answers=min_answers)
    return [QuestionWithStats(q, stats.get(q.id) or no_figures(q)) for q in questions]


def ranked(
    questions: list[Question],
    *,
    sort: str,
    descending: bool,
    attention: bool,
    min_answers: int,
) -> list[QuestionWithStats]:
    """The questions with figures, sorted by one (questions without it last, either way);
    `attention` keeps those with a flag."""
    stats = stats_for(None, min_answers=min_answers)
    rows = [
        QuestionWithStats(q, stats.get(q.id) or QuestionStats(q.id))
        for q in questions
        if not attention or (q.id in stats and stats[q.id].flags)
    ]
    value = (lambda r: r.question.id) if sort == "id" else (lambda r: getattr(r.stats, sort))
    known = [r for r in rows if value(r) is not None]
    unknown = [r for r in rows if value(r) is None]
    known.sort(key=lambda r: (value(r), -r.question.id if descending else r.question.id))
    if descending:
        known.reverse()
    return known + sorted(unknown, key=lambda r: r.question.id)
