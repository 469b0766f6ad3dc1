"""App CPU per request of a player's day, in-process (no gunicorn, no HTTP), on PostgreSQL.

    BENCH_DATABASE_URL=postgresql+psycopg://quiz:quiz@127.0.0.1:55433/quiz_bench \\
      REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python -m bench request_cpu

A quick, low-noise companion to `quiz_http`'s `day` target: it times each kind of request a
player sends in a day (the first fetch, five answers, a board, the points page, a redemption)
with `time.process_time()` in this process only, through Flask's test client, with the shipped
settings (rate limits on, generous; Redis for limits and boards when REDIS_URL is set). The
database's own CPU is not in it (`quiz_http --only day` measures the whole server). The schema
of the database named is dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime

from bench import common
from quiz.runtime import runtime_of
from tests.sessions import signed_in_client


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench request_cpu", description=__doc__)
    parser.add_argument("--database-url", default=common.database_url())
    parser.add_argument("--players", type=int, default=200)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    os.environ.setdefault("QUIZ_INSTANCE_PATH", tempfile.mkdtemp(prefix="quiz-bench-"))
    from quiz import create_app
    from quiz.clock import FrozenClock
    from quiz.extensions import db
    from quiz.models import Question, User
    from quiz.services import ledger, prizes

    config = {
        "SQLALCHEMY_DATABASE_URI": args.database_url,
        "QUIZ_CLOCK": FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC)),
        "QUIZ_MIN_ANSWER_MS": 0,
        "QUIZ_API_LIMIT_IP": "1000000 per minute",
        "QUIZ_ANSWER_LIMIT_USER": "1000000 per minute",
        "QUIZ_REDEEM_LIMIT_USER": "1000000 per minute",
    }
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        now = runtime_of(app).clock.now()
        for n in range(200):
            options = [["A", f"选项甲{n}"], ["B", "选项乙"], ["C", "选项丙"], ["D", "选项丁"]]
            db.session.add(
                Question(
                    type="single",
                    stem=f"第{n}题：文明城市创建的题干",
                    options=options,
                    answer="A",
                    explanation="解析。",
                    category=("垃圾分类", "交通文明", "志愿服务", "文明城市")[n % 4],
                    difficulty=2,
                    active=True,
                    content_hash=hashlib.sha256(f"q{n}".encode()).hexdigest(),
                    created_at=now,
                    updated_at=now,
                )
            )
        users = [
            User(username=f"cpu{i}", display_name=f"玩家{i}", created_at=now)
            for i in range(args.players)
        ]
        db.session.add_all(users)
        db.session.commit()
        ids = [u.id for u in users]
        prize = prizes.create_prize(
            {
                "name": "压测奖品",
                "cost": 10,
                "stock": 10**6,
                "per_user_limit": None,
                "on_sale": True,
            },
            now=now,
        ).id
        for user_id in ids:
            ledger.post_entry(user_id, 1000, "admin_adjust", key=f"grant:{user_id}", now=now)
        db.session.commit()

    clients = []
    for user_id in ids:
        clients.append(signed_in_client(app, user_id))
    todays: dict[int, list[int]] = {}
    spent: dict[str, float] = {}

    def timed(name, send):
        started = time.process_time()
        for n, client in enumerate(clients):
            response = send(n, client)
            if response.status_code >= 400:
                raise RuntimeError(f"{name}: {response.status_code} {response.get_data()[:200]}")
        spent[name] = (time.process_time() - started) * 1000 / len(clients)

    def first(n, client):
        response = client.get("/api/v1/quiz/today")
        todays[n] = [q["id"] for q in response.get_json()["questions"]]
        return response

    timed("first fetch", first)
    for k in range(5):
        timed(
            f"answer {k + 1}",
            lambda n, c, k=k: c.post(
                "/api/v1/quiz/today/answers", json={"question_id": todays[n][k], "choices": ["A"]}
            ),
        )
    timed("today again", lambda n, c: c.get("/api/v1/quiz/today"))
    timed("board", lambda n, c: c.get("/api/v1/leaderboards/citizens?period=day&limit=20"))
    timed("points", lambda n, c: c.get("/api/v1/me/points"))
    timed(
        "redemption",
        lambda n, c: c.post(
            "/api/v1/shop/redemptions",
            json={"prize_id": prize},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        ),
    )
    timed("ping", lambda n, c: c.get("/api/v1/ping"))
    for name, ms in spent.items():
        print(f"{name:>12}: {ms:6.2f} ms app CPU per request")
    day = (
        spent["first fetch"]
        + sum(spent[f"answer {k}"] for k in range(1, 6))
        + spent["board"]
        + spent["points"]
        + spent["redemption"] / 4
    )
    print(f"a player's day (as quiz_http's `day`): {day:.1f} ms app CPU, in-process")
    return 0
