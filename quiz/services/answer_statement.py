"""A daily answer in one statement (PostgreSQL): the lean path of the evening push.

One data-modifying statement locks the user's day row, applies the pace rule to it, inserts the
answer (its UNIQUE conflict is the 409), moves the day's counters, records a mistake for a wrong
answer, and posts the ledger entry and the balance through the ledger's own part of the statement
(`ledger.CREDIT_CTES`). With BEGIN, the signed-in user's select and COMMIT that is four round
trips instead of nine to twelve.

It serves the common case only: PostgreSQL, no daily cap, and a day row that exists (the user
fetched the day first). Everything else, and SQLite, takes the stepwise path in `daily_quiz`;
the answer that completes the day continues there too (streak and bonuses). Nothing commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, bindparam, text

from quiz.extensions import db
from quiz.models.ledger import LedgerKind
from quiz.models.types import UTCDateTime
from quiz.services import ledger
from quiz.services.answering import AlreadyAnswered, floor_band


@dataclass(frozen=True)
class Done:
    """What an answer did to its container, however it was stored."""

    answer_id: int
    points: int
    too_fast: bool
    answered: int  # the day's answers so far, this one included
    total: int
    correct: int  # the day's answers that count as right so far
    day_too_fast: int  # the day's too-fast answers so far
    balance: int


_SQL = (
    """
WITH old AS (
    SELECT id, answered, total, first_seen_at, GREATEST(first_seen_at, last_answer_at) AS since
    FROM quiz_days WHERE user_id = :user_id AND day = :day
    FOR UPDATE
), open AS (
    SELECT id, first_seen_at,
           CAST(floor(extract(epoch FROM (:now - since)) * 1000) AS integer) AS interval_ms
    FROM old WHERE answered < total
), paced AS (
    SELECT id, first_seen_at, interval_ms,
           (:min_ms > 0 AND (interval_ms IS NULL OR interval_ms < :min_ms)) AS too_fast
    FROM open
), answer AS (
    INSERT INTO answers (user_id, question_id, question_version, day, choices, correct, points,
                         bonus, category, district, elapsed_ms, interval_ms, too_fast, created_at)
    SELECT :user_id, :question_id, :question_version, :day, :choices, :correct,
           CASE WHEN paced.too_fast THEN 0 ELSE :points END, 0, :category, :district,
           CAST(floor(extract(epoch FROM (:now - paced.first_seen_at)) * 1000) AS integer),
           paced.interval_ms, paced.too_fast, :now
    FROM paced
    ON CONFLICT (user_id, question_id, day) DO NOTHING
    RETURNING id, points, too_fast
), counted AS (
    UPDATE quiz_days SET
        answered = quiz_days.answered + 1,
        correct = quiz_days.correct
                  + CASE WHEN :correct AND NOT answer.too_fast THEN 1 ELSE 0 END,
        too_fast = quiz_days.too_fast + CASE WHEN answer.too_fast THEN 1 ELSE 0 END,
        near_floor = quiz_days.near_floor
                     + CASE WHEN paced.interval_ms < :floor_band THEN 1 ELSE 0 END,
        points = quiz_days.points + answer.points,
        last_answer_at = :now
    FROM answer, paced WHERE quiz_days.id = paced.id
    RETURNING quiz_days.answered, quiz_days.total, quiz_days.correct, quiz_days.too_fast
), mistake AS (
    INSERT INTO mistakes (user_id, question_id, question_version, category, wrong_count,
                          last_wrong_at, last_wrong_on, mastered_at)
    SELECT :user_id, :question_id, :question_version, :category, 1, :now, :day, NULL
    FROM answer WHERE NOT :correct
    ON CONFLICT (user_id, question_id) DO UPDATE SET
        wrong_count = mistakes.wrong_count + 1, last_wrong_at = excluded.last_wrong_at,
        question_version = excluded.question_version,
        last_wrong_on = excluded.last_wrong_on, mastered_at = NULL, category = excluded.category
    RETURNING 1
), earning AS (
    SELECT :user_id AS user_id, answer.points AS delta, 'quiz_correct' AS kind, :memo AS memo,
           :ref AS ref, :key AS idempotency_key, :now AS created_at
    FROM answer WHERE answer.points > 0
), """
    + ledger.CREDIT_CTES
    + """
SELECT (SELECT count(*) FROM old) AS found,
       (SELECT answered < total FROM old) AS had_room,
       answer.id AS answer_id, answer.points, answer.too_fast,
       counted.answered, counted.total, counted.correct, counted.too_fast AS day_too_fast,
       (SELECT id FROM credit) AS entry_id,
       (SELECT balance FROM balance) AS balance,
       (SELECT count(*) FROM mistake) AS mistakes,
       CASE WHEN :wait_for_disk THEN NULL
            ELSE set_config('synchronous_commit', 'off', true) END AS commit_mode
FROM (SELECT 1) AS one
LEFT JOIN answer ON true
LEFT JOIN counted ON true
"""
)

_STATEMENT = text(_SQL).bindparams(
    bindparam("now", type_=UTCDateTime()),
    bindparam("day", type_=Date()),
    bindparam("correct", type_=Boolean()),
    bindparam("wait_for_disk", type_=Boolean()),
    bindparam("min_ms", type_=Integer()),
    bindparam("floor_band", type_=Integer()),
    bindparam("points", type_=Integer()),
    bindparam("user_id", type_=Integer()),
    bindparam("question_id", type_=Integer()),
    bindparam("question_version", type_=Integer()),
    bindparam("choices", type_=String()),
    bindparam("category", type_=String()),
    bindparam("district", type_=String()),
    bindparam("memo", type_=String()),
    bindparam("ref", type_=String()),
    bindparam("key", type_=String()),
)


def submit(
    user,
    card,
    judgement,
    points: int,
    *,
    day: date,
    now: datetime,
    key: str,
    memo: str,
    min_answer_ms: int,
    wait_for_disk: bool,
) -> Done | None:
    """Store one daily answer in one statement; None when the user has no row for the day (the
    caller takes the stepwise path, which creates it)."""
    ref = f"question:{card.id}"
    row = db.session.execute(
        _STATEMENT,
        {
            "user_id": user.id,
            "question_id": card.id,
            "question_version": card.version,
            "day": day,
            "choices": judgement.chosen,
            "correct": judgement.correct,
            "points": points,
            "category": card.category,
            "district": user.district,
            "now": now,
            "min_ms": min_answer_ms,
            "floor_band": floor_band(min_answer_ms),
            "memo": memo,
            "ref": ref,
            "key": key,
            "wait_for_disk": wait_for_disk,
        },
    ).one()
    if not row.found:
        return None
    if row.answer_id is None:
        # The day was full, or this question's answer is there already (a retry, a race).
        raise AlreadyAnswered(
            "这道题今天已经答过了。" if row.had_room else "今天的题目已经全部答完了。"
        )
    balance = user.balance
    if row.entry_id is not None:
        if row.balance is None:  # pragma: no cover - a credit cannot fail the balance's check
            raise RuntimeError("the ledger entry was posted but the balance did not move")
        balance = row.balance
        ledger.publish(
            ledger.entry_of(
                row.entry_id,
                user_id=user.id,
                delta=row.points,
                kind=LedgerKind.QUIZ_CORRECT,
                memo=memo,
                ref=ref,
                idempotency_key=key,
                actor_id=None,
                created_at=now,
            ),
            owner=user,
        )
    return Done(
        answer_id=row.answer_id,
        points=row.points,
        too_fast=row.too_fast,
        answered=row.answered,
        total=row.total,
        correct=row.correct,
        day_too_fast=row.day_too_fast,
        balance=balance,
    )
