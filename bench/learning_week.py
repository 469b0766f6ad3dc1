"""A simulated week of the daily quiz, then the 题目 page's "needs attention" list.

200 citizens (seeded abilities) answer the bundled bank's daily sets for seven days on a
throw-away SQLite database. Each question gets a seeded difficulty and discrimination (item
response model with guessing) — a few made far too easy, a few far too hard and a few
misleading (the better a citizen knows the topic, the likelier they fall for a distractor);
some citizens who get a misleading question wrong file a 纠错 report. Afterwards the statistics
service lists every question that needs a look, with the reasons, beside the simulated truth.

    .venv/bin/python -m bench learning_week [--users 200] [--days 7] [--seed 7] [--daily-count 5]

Nothing is timed: the output is the list (docs/learning.md shows a run).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _profile(rng: random.Random) -> tuple[str, float, float]:
    """(kind, difficulty b, discrimination a) for one question."""
    roll = rng.random()
    if roll < 0.12:
        return "easy", rng.uniform(-6.0, -4.5), rng.uniform(0.8, 1.5)
    if roll < 0.22:
        return "hard", rng.uniform(3.5, 5.0), rng.uniform(0.8, 1.5)
    if roll < 0.30:
        return "misleading", rng.uniform(-0.5, 0.5), -rng.uniform(1.0, 2.0)
    return "normal", rng.gauss(-0.5, 0.8), rng.uniform(0.8, 2.0)


def _p_correct(ability: float, b: float, a: float, guess: float) -> float:
    return guess + (1 - guess) / (1 + math.exp(-a * (ability - b)))


def _wrong_choice(question, rng: random.Random) -> list[str]:
    keys = question.option_keys
    if question.type == "multiple":
        while True:
            picked = sorted(rng.sample(keys, rng.randint(1, len(keys))))
            if "".join(picked) != question.answer:
                return picked
    return [rng.choice([k for k in keys if k not in question.answer])]


def simulate(users: int, days: int, seed: int, daily_count: int) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="learning-week-"))
    os.environ.setdefault("QUIZ_INSTANCE_PATH", str(tmp))
    from quiz import create_app
    from quiz.clock import FrozenClock
    from quiz.extensions import db
    from quiz.models import Question, User
    from quiz.runtime import runtime_of
    from quiz.services import banks, daily_quiz, draw, question_reports, question_stats

    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Asia/Shanghai
    clock = FrozenClock(start)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'week.sqlite3'}",
            "SECRET_KEY": "learning-week-secret-key-0123456789abcdef",
            "QUIZ_CLOCK": clock,
            "QUIZ_DRAW_SECRET": f"learning-week-draw-secret-0123456789-{seed}",
            "QUIZ_DAILY_COUNT": daily_count,
            "QUIZ_SHUFFLE_OPTIONS": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    rng = random.Random(seed)
    lines: list[str] = []
    with app.app_context():
        db.create_all()
        banks.import_bundled(now=clock.now())
        db.session.commit()
        rules = runtime_of(app).rules
        questions = {q.id: q for q in db.session.query(Question).order_by(Question.id)}
        truth = {qid: _profile(rng) for qid in questions}
        people = []
        for n in range(users):
            user = User(
                username=f"sim{n:03d}",
                display_name=f"市民{n:03d}",
                district=app.config["QUIZ_DISTRICTS"][n % len(app.config["QUIZ_DISTRICTS"])],
                created_at=clock.now(),
            )
            db.session.add(user)
            people.append((user, rng.gauss(0, 1), rng.uniform(0.7, 0.95)))
        db.session.commit()

        for day_index in range(days):
            day_start = start + timedelta(days=day_index)
            for user, ability, turnout in people:
                if rng.random() > turnout:
                    continue
                at = day_start + timedelta(minutes=rng.uniform(0, 600))
                day = daily_quiz.local_day(at, rules.tz)
                day_set = draw.daily_set(day, rules, now=at)
                daily_quiz.mark_seen(user, day, len(day_set.question_ids), now=at)
                for qid in day_set.question_ids:
                    question = questions[qid]
                    kind, b, a = truth[qid]
                    guess = 0.05 if question.type == "multiple" else 1 / len(question.option_keys)
                    right = rng.random() < _p_correct(ability, b, a, guess)
                    # Harder questions take longer to read and decide.
                    at += timedelta(
                        milliseconds=rng.lognormvariate(math.log(max(2500, 6000 + 1500 * b)), 0.4)
                    )
                    own = list(question.answer) if right else _wrong_choice(question, rng)
                    order = rules.options_for(user.id, question)
                    shown = order.user_keys(own) if order else own
                    result = daily_quiz.submit_answer(user, qid, shown, rules, now=at)
                    if not result.correct and kind == "misleading" and rng.random() < 0.05:
                        question_reports.report_question(
                            user.id, qid, "answer", "我觉得标准答案不对。", now=at
                        )
                db.session.commit()

        used = sorted(
            {qid for (qid,) in db.session.execute(db.select(daily_quiz.Answer.question_id))}
        )
        flagged = question_stats.ranked(
            [questions[qid] for qid in used],
            sort="correct_rate",
            descending=True,
            attention=True,
            min_answers=app.config["QUIZ_STATS_MIN_ANSWERS"],
        )
        answers = db.session.query(daily_quiz.Answer).count()
        lines.append(
            f"{users} users, {days} days, {daily_count} questions a day, seed {seed}: "
            f"{answers} answers on {len(used)} questions; "
            f"{len(flagged)} need attention (threshold {app.config['QUIZ_STATS_MIN_ANSWERS']} answers)"
        )
        lines.append("")
        lines.append(
            f"{'id':>4} {'answers':>7} {'right':>6} {'D':>6} {'median':>7} {'reports':>7}  "
            f"{'simulated':<10} reasons / stem"
        )
        for row in flagged:
            s = row.stats
            kind, b, a = truth[row.question.id]
            lines.append(
                f"{row.question.id:>4} {s.answers:>7} {s.correct_rate:>6.1%} "
                f"{s.discrimination if s.discrimination is not None else float('nan'):>6.2f} "
                f"{(s.median_answer_ms or 0) / 1000:>6.1f}s {s.open_reports:>7}  {kind:<10} "
                f"{'；'.join(s.reasons)} — {row.question.stem[:24]}"
            )
        missed = [qid for qid in used if truth[qid][0] != "normal"]
        caught = {row.question.id for row in flagged}
        lines.append("")
        lines.append(
            f"simulated as easy/hard/misleading among the used questions: {len(missed)}; "
            f"flagged of those: {len(caught & set(missed))}; flagged though simulated normal: "
            f"{len(caught - set(missed))}"
        )
        every = question_stats.stats_for(used, min_answers=app.config["QUIZ_STATS_MIN_ANSWERS"])
        for qid in missed:
            if qid not in caught:
                s = every[qid]
                question = questions[qid]
                lines.append(
                    f"  not flagged: {qid} ({truth[qid][0]}, {question.type}, "
                    f"{len(question.option_keys)} options): right {s.correct_rate:.1%}, "
                    f"D {s.discrimination:.2f}"
                )
        db.session.remove()
        db.engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench learning_week", description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--daily-count", type=int, default=5)
    args = parser.parse_args(argv)
    for line in simulate(args.users, args.days, args.seed, args.daily_count):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
