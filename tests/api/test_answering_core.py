"""One answering core: the daily quiz, campaigns and practice answer the same way.

Each test here is a drift the three copies of answering had before they became one."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from flask import has_request_context
from sqlalchemy import event, select

from quiz.extensions import db
from quiz.models import Mistake, QuestionReport, QuizDay
from quiz.runtime import runtime_of
from quiz.services import draw
from tests.api.test_campaigns import OPENS_AT, answer, new_campaign, start

SERVICES = Path(__file__).resolve().parents[2] / "quiz" / "services"


@pytest.fixture
def bank(factory):
    return [factory.question(answer="A") for _ in range(10)]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_a_wrong_campaign_answer_is_recorded_in_the_mistake_book(
    admin_client, factory, as_user, clock
):
    ids = [factory.question(answer="A").id for _ in range(3)]
    campaign = new_campaign(admin_client, ids)
    clock.set(OPENS_AT)
    user = factory.user()
    client = as_user(user)
    attempt = start(client, campaign["id"]).get_json()
    wrong = attempt["questions"][0]["id"]
    result = answer(client, campaign["id"], attempt, wrong, ["B"]).get_json()
    assert result["correct"] is False
    book = client.get("/api/v1/me/mistakes").get_json()["items"]
    assert [item["question"]["id"] for item in book] == [wrong]
    assert db.session.scalar(select(Mistake.wrong_count).where(Mistake.user_id == user.id)) == 1


def test_a_campaign_attempt_never_draws_a_question_suspended_by_reports(
    app, admin_client, factory, as_user, clock
):
    ids = [factory.question().id for _ in range(10)] + [
        factory.question(category="其他").id for _ in range(10)
    ]
    ids = ids[:4]
    suspended = ids[0]
    reporters = [factory.user() for _ in range(5)]
    for reporter in reporters:  # accounts old enough for their reports to count
        reporter.created_at = clock.now() - timedelta(days=10)
    for reporter in reporters:
        db.session.add(
            QuestionReport(
                question_id=suspended,
                user_id=reporter.id,
                reason="answer",
                message="答案有误",
                status="open",
                created_at=clock.now(),
            )
        )
    db.session.commit()
    campaign = new_campaign(admin_client, ids, questions_per_attempt=3, attempts_allowed=20)
    clock.set(OPENS_AT)
    client = as_user(factory.user())
    for _ in range(8):
        attempt = start(client, campaign["id"]).get_json()
        assert suspended not in [q["id"] for q in attempt["questions"]]


@pytest.mark.parametrize("app_config", [{"QUIZ_MIN_ANSWER_MS": 1500}])
def test_a_right_answer_given_too_fast_counts_in_no_score_daily_or_campaign(
    admin_client, factory, as_user, clock, bank
):
    user = factory.user()
    client = as_user(user)
    today = client.get("/api/v1/quiz/today").get_json()
    first = today["questions"][0]["id"]
    hasty = client.post("/api/v1/quiz/today/answers", json={"question_id": first, "choices": ["A"]})
    assert hasty.get_json()["correct"] is True and hasty.get_json()["too_fast"] is True
    row = db.session.scalar(select(QuizDay).where(QuizDay.user_id == user.id))
    assert (row.answered, row.correct, row.too_fast) == (1, 0, 1)


def test_campaigns_and_practice_import_nothing_from_the_daily_quiz():
    for name in ("campaigns.py", "campaign_play.py", "learning.py", "practice.py"):
        imported = _imports(SERVICES / name)
        assert not any("daily_quiz" in module for module in imported), name


def test_the_daily_quiz_imports_no_service_inside_a_function():
    tree = ast.parse((SERVICES / "daily_quiz.py").read_text(encoding="utf-8"))
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        inner = [n for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not inner, function.name


def test_every_activity_answers_through_the_core():
    """One way of judging: no service but the core validates choices or seeds a draw itself."""
    for path in SERVICES.glob("*.py"):
        if path.name == "answering.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "def validate_choices" not in source, path.name
        assert "random.Random(" not in source, path.name


# --- the hot paths: what a request costs, counted in statements ---------------------------


class Statements:
    """SQL statements sent, and transactions begun and committed, on the app's engine, while
    a request runs (the test's own reads and the test client's commits are not counted)."""

    def __init__(self, engine):
        self.sql: list[str] = []
        self.begins = self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", self._commit)

    def _statement(self, _conn, _cursor, statement, *_args):
        # SQLite's BEGIN (IMMEDIATE) is sent as a statement: it is counted as a begin.
        if has_request_context() and not statement.startswith("BEGIN"):
            self.sql.append(statement)

    def _begin(self, conn):
        if has_request_context() and conn.get_isolation_level() != "AUTOCOMMIT":
            self.begins += 1

    def _commit(self, conn):
        if has_request_context() and conn.get_isolation_level() != "AUTOCOMMIT":
            self.commits += 1

    def reset(self) -> None:
        self.sql.clear()
        self.begins = self.commits = 0


@pytest.fixture
def statements(app):
    # Today's questions re-read at most once a second: a frozen monotonic clock keeps the
    # counts independent of how fast the machine runs the test.
    runtime_of(app).todays_set = draw.TodaysSet(monotonic=lambda: 0.0)
    return Statements(db.engine)


def test_a_signed_in_get_today_after_the_first_fetch_costs_at_most_two_statements(
    factory, as_user, bank, statements
):
    client = as_user(factory.user())
    first = client.get("/api/v1/quiz/today").get_json()
    client.post(
        "/api/v1/quiz/today/answers",
        json={"question_id": first["questions"][0]["id"], "choices": ["A"]},
    )
    statements.reset()
    again = client.get("/api/v1/quiz/today")
    assert again.status_code == 200 and len(again.get_json()["answered"]) == 1
    assert len(statements.sql) <= 2, statements.sql


def test_a_daily_answer_that_does_not_complete_the_day_costs_few_round_trips(
    backend, factory, as_user, bank, statements
):
    client = as_user(factory.user())
    today = client.get("/api/v1/quiz/today").get_json()
    statements.reset()
    response = client.post(
        "/api/v1/quiz/today/answers",
        json={"question_id": today["questions"][0]["id"], "choices": ["A"]},
    )
    assert response.status_code == 200 and response.get_json()["points_awarded"] == 10
    # Without Redis the boards are SQL rows, written in the same transaction; with Redis (as
    # deployed) they go to Redis after the commit and this statement is not there.
    own = [sql for sql in statements.sql if "board_scores" not in sql]
    round_trips = len(own) + statements.begins + statements.commits
    if backend == "postgresql":
        # BEGIN, the signed-in user, the answer's one statement, COMMIT.
        assert round_trips <= 4, statements.sql
    else:
        assert len(statements.sql) <= 8, statements.sql


def test_a_wrong_daily_answer_on_postgresql_records_its_mistake_in_the_same_statement(
    backend, factory, as_user, bank, statements
):
    user = factory.user()
    client = as_user(user)
    today = client.get("/api/v1/quiz/today").get_json()
    statements.reset()
    qid = today["questions"][0]["id"]
    response = client.post(
        "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": ["B"]}
    )
    assert response.status_code == 200 and response.get_json()["correct"] is False
    assert db.session.scalar(select(Mistake.question_id).where(Mistake.user_id == user.id)) == qid
    if backend == "postgresql":
        assert len(statements.sql) == 2, statements.sql


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "QUIZ_ANSWER_LIMIT_USER": "2 per minute"}]
)
def test_signing_out_and_in_again_does_not_reset_the_per_account_answer_limit(
    factory, as_user, bank
):
    user = factory.user()
    client = as_user(user)
    ids = [q["id"] for q in client.get("/api/v1/quiz/today").get_json()["questions"]]
    for qid in ids[:2]:
        ok = client.post("/api/v1/quiz/today/answers", json={"question_id": qid, "choices": ["A"]})
        assert ok.status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    db.session.refresh(user)
    again = as_user(user)
    limited = again.post(
        "/api/v1/quiz/today/answers", json={"question_id": ids[2], "choices": ["A"]}
    )
    assert limited.status_code == 429
