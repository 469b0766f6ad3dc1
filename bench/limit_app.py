"""The practical limit on PostgreSQL: what a minimal Flask app with plain psycopg 3 does.

No ORM, no rate limits, one connection per worker, the user taken from Flask's signed session:
the floor under which the service's own overhead cannot go, served by the same gunicorn
configuration in the same run (`gunicorn --config deploy/gunicorn.conf.py bench.limit_app:app`).

* `GET /limit/today` reads one user by primary key and one day row, answers ~2 KB of JSON;
* `POST /limit/answer` does one transaction: insert the answer (unique key), insert a ledger
  row, a conditional balance update, one multi-row upsert of 4 board rows, commit — with
  `synchronous_commit` off for that transaction, as the service's answers.

Tables `limit_*` are its own (created by `setup(dsn, users)`), so it never touches the
service's schema. The database comes from LIMIT_DSN (a psycopg conninfo or URL).
"""

from __future__ import annotations

import os
from datetime import date

import psycopg
from flask import Flask, jsonify, request, session

app = Flask(__name__)
app.secret_key = os.environ.get("QUIZ_SECRET_KEY", "limit")
_conn: psycopg.Connection | None = None
_PAYLOAD = [
    {
        "id": i,
        "type": "single",
        "stem": "压测题目" * 12,
        "options": [{"key": k, "text": "选项内容" * 3} for k in "ABCD"],
        "category": "文明城市",
    }
    for i in range(5)
]
DAY = date(2026, 11, 23)


def dsn() -> str:
    return os.environ["LIMIT_DSN"].replace("postgresql+psycopg://", "postgresql://")


def conn() -> psycopg.Connection:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(dsn(), autocommit=True)
    return _conn


def setup(database_dsn: str, users: int) -> None:
    with psycopg.connect(
        database_dsn.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute("""
            DROP TABLE IF EXISTS limit_answers, limit_ledger, limit_boards, limit_days, limit_users;
            CREATE TABLE limit_users (id int PRIMARY KEY, name text, balance int NOT NULL
                CHECK (balance >= 0), streak int NOT NULL DEFAULT 0);
            CREATE TABLE limit_days (user_id int, day date, answered int, PRIMARY KEY (user_id, day));
            CREATE TABLE limit_answers (id bigserial PRIMARY KEY, user_id int, question_id int,
                day date, choices text, correct bool, UNIQUE (user_id, question_id, day));
            CREATE TABLE limit_ledger (id bigserial PRIMARY KEY, user_id int, delta int,
                kind text, key text UNIQUE);
            CREATE TABLE limit_boards (board text, period text, start date, subject text,
                score int, PRIMARY KEY (board, period, start, subject));
        """)
        c.execute(
            "INSERT INTO limit_users SELECT g, 'u' || g, 0 FROM generate_series(1, %s) g", (users,)
        )
        c.execute(
            "INSERT INTO limit_days SELECT g, %s, 0 FROM generate_series(1, %s) g", (DAY, users)
        )


@app.get("/ping")
def ping():
    return jsonify(ok=True)


@app.get("/limit/today")
def today():
    user_id = int(session["uid"])
    c = conn()
    user = c.execute(
        "SELECT id, name, balance, streak FROM limit_users WHERE id = %s", (user_id,)
    ).fetchone()
    day = c.execute(
        "SELECT answered FROM limit_days WHERE user_id = %s AND day = %s", (user_id, DAY)
    ).fetchone()
    return jsonify(
        date=DAY.isoformat(),
        questions=_PAYLOAD,
        answered={},
        completed=False,
        streak=user[3],
        balance=user[2],
        seen=day[0],
    )


@app.post("/limit/answer")
def answer():
    user_id = int(session["uid"])
    body = request.get_json()
    qid = int(body["question_id"])
    c = conn()
    with c.transaction():
        c.execute("SET LOCAL synchronous_commit TO OFF")
        c.execute(
            "INSERT INTO limit_answers (user_id, question_id, day, choices, correct) "
            "VALUES (%s, %s, %s, %s, true)",
            (user_id, qid, DAY, "A"),
        )
        c.execute(
            "INSERT INTO limit_ledger (user_id, delta, kind, key) VALUES (%s, 10, "
            "'quiz_correct', %s)",
            (user_id, f"{user_id}:{qid}"),
        )
        balance = c.execute(
            "UPDATE limit_users SET balance = balance + 10 WHERE id = %s "
            "AND balance + 10 >= 0 RETURNING balance",
            (user_id,),
        ).fetchone()[0]
        c.execute(
            "INSERT INTO limit_boards VALUES (%s, 'day', %s, %s, 10), (%s, 'week', %s, %s, 10), "
            "(%s, 'month', %s, %s, 10), (%s, 'all', %s, %s, 10) ON CONFLICT (board, period, "
            "start, subject) DO UPDATE SET score = limit_boards.score + excluded.score",
            ("citizens", DAY, str(user_id)) * 4,
        )
    return jsonify(question_id=qid, correct=True, points_awarded=10, balance=balance)


def cookies(users: int, secret: str) -> list[str]:
    """`session=…` cookies for user ids 1…users, signed as Flask signs its own session."""
    app.secret_key = secret
    serializer = app.session_interface.get_signing_serializer(app)
    return [f"session={serializer.dumps({'uid': i})}" for i in range(1, users + 1)]
