"""QUIZ_REPORTS_DATABASE_URL: staff reports read a second database (a streaming replica in
production); who is asking, every player page and every write stay on the primary.

The replica here is a second real database with the same schema — a second SQLite file, or a
second PostgreSQL database made from the test database's connection and dropped afterwards —
holding a copy of the primary taken before the primary moved on: a replica that trails."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine, func, insert, make_url, select, text
from sqlalchemy.exc import OperationalError

from quiz.api import admin_audit
from quiz.api.common import staff_report
from quiz.config import load_config
from quiz.extensions import db, report_reads, reports_engine
from quiz.models import Answer, AuditEntry, User
from quiz.services import daily_quiz, draw
from quiz.services.daily_quiz import Rules
from quiz.writing import will_write
from tests.conftest import START, empty_every_table

# The reports engine is built with the app; a long module (scheduled first, see conftest).
pytestmark = [pytest.mark.own_app, pytest.mark.slow]

DAY = "from=2026-11-23&to=2026-11-23"
AWARENESS = f"/api/v1/admin/reports/awareness?{DAY}&by=category"
# Every staff report whose reads the replica serves (the poster only where it can fail first).
REPORTS = [
    AWARENESS,
    f"/api/v1/admin/reports/awareness?{DAY}&by=district&format=csv",
    f"/api/v1/admin/reports/questions?{DAY}",
    f"/api/v1/admin/reports/questions?{DAY}&format=csv",
    f"/api/v1/admin/reports/participation?{DAY}",
    f"/api/v1/admin/reports/participation?{DAY}&by=district",
    f"/api/v1/admin/reports/participation?{DAY}&by=team&format=csv",
    "/api/v1/admin/fair-play/suspects",
    "/api/v1/admin/winners?start=2026-11-16",
    "/api/v1/admin/winners?start=2026-11-16&format=csv",
    "/api/v1/admin/questions?attention=1",
    "/api/v1/admin/questions",
    "/api/v1/admin/questions/{question}/stats",
]


@pytest.fixture(scope="module")
def replica_databases(tmp_path_factory):
    """The replica's database on each backend, with the primary's schema: made when a test of
    this module first needs it, dropped after the module's last test."""
    made: dict[str, str] = {}
    servers = []

    def on(backend: str) -> str:
        if backend in made:
            return made[backend]
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('replica') / 'replica.sqlite3'}"
        else:
            primary = make_url(os.environ["TEST_DATABASE_URL"])
            name = f"{primary.database}_replica"
            server = create_engine(primary, isolation_level="AUTOCOMMIT")
            servers.append((server, name))
            with server.connect() as conn:
                _drop_database(conn, name)
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            url = primary.set(database=name).render_as_string(hide_password=False)
        _create_schema(url)
        made[backend] = url
        return url

    yield on
    for server, name in servers:
        with server.connect() as conn:
            _drop_database(conn, name)
        server.dispose()


@pytest.fixture
def replica_url(backend, replica_databases):
    """A second database with the primary's schema, empty at the start of each test."""
    url = replica_databases(backend)
    _empty(url)
    return url


def _drop_database(conn, name: str) -> None:
    """Drop the replica's database as the test role can: end this role's own sessions there
    (an app's pooled connections), then a plain DROP, which ends an autovacuum worker itself.
    `WITH (FORCE)` would also need to signal that worker, a right CI's role does not have."""
    for _ in range(50):
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :name AND usename = current_user AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        try:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except OperationalError:  # still being accessed: a session not yet gone
            time.sleep(0.1)
    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')


def _create_schema(url: str) -> None:
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()


def _empty(url: str) -> None:
    """Every table of the replica emptied."""
    engine = create_engine(url)
    with engine.begin() as conn:
        empty_every_table(conn)
    engine.dispose()


def _unreachable(backend, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'replica.sqlite3'}"
    return "postgresql+psycopg://quiz:quiz@127.0.0.1:9/none"  # nothing listens on port 9


def _answer(app, clock, user, answers: dict) -> None:
    rules = Rules.from_config({**app.config, "QUIZ_DAILY_COUNT": 2})
    for question, choice in answers.items():
        daily_quiz.submit_answer(user, question.id, [choice], rules, now=clock.now())
    db.session.commit()


def _copy_primary_to_replica() -> None:
    """The replica catches up: every row of the primary, as it is now."""
    with db.engine.connect() as primary, reports_engine().begin() as replica:
        for table in db.metadata.sorted_tables:
            rows = [dict(row) for row in primary.execute(table.select()).mappings()]
            if rows:
                replica.execute(table.insert(), rows)


@pytest.fixture
def trailing(app, factory, clock):
    """Three people answered (垃圾分类: 3 answers, 1 right); the replica copied that; then a
    fourth person answered on the primary only (垃圾分类: 4 answers, 2 right there)."""
    rules = Rules.from_config({**app.config, "QUIZ_DAILY_COUNT": 2})
    q1 = factory.question(category="垃圾分类", stem="垃圾题")
    q2 = factory.question(category="交通文明", stem="交通题")
    a, b, c = (factory.user(district=d) for d in ("新华区", "新华区", "卫东区"))
    draw.daily_set(clock.now().date(), rules, now=clock.now())
    for user, answers in {a: {q1: "A", q2: "A"}, b: {q1: "B", q2: "A"}, c: {q1: "B"}}.items():
        _answer(app, clock, user, answers)
    _copy_primary_to_replica()
    late = factory.user(district="卫东区", display_name="新来的")
    _answer(app, clock, late, {q1: "A"})
    return q1, late


def _rows(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return {row["key"]: row for row in response.get_json()["rows"]}


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


class TestWithAReplica:
    @pytest.fixture
    def app_config(self, replica_url):
        return {"QUIZ_REPORTS_DATABASE_URL": replica_url}

    def test_a_report_answers_from_the_replica(self, trailing, factory, as_user):
        admin = as_user(factory.user(role="admin"))  # on the primary only: signed in from there
        rows = _rows(admin.get(AWARENESS))
        assert rows["垃圾分类"] == {
            "key": "垃圾分类",
            "answers": 3,
            "correct": 1,
            "rate": 0.3333,
            "participants": 3,
        }

    def test_a_csv_export_and_question_statistics_answer_from_the_replica(
        self, trailing, factory, as_user
    ):
        question, _ = trailing
        admin = as_user(factory.user(role="admin"))
        csv = admin.get(f"{AWARENESS}&format=csv").get_data(as_text=True)
        assert "垃圾分类,3,1,0.3333,3" in csv
        stats = admin.get(f"/api/v1/admin/questions/{question.id}/stats").get_json()
        assert stats["answers"] == 3 and stats["correct_rate"] == 0.3333
        listed = admin.get("/api/v1/admin/questions?sort=answers&order=desc").get_json()
        assert [q["stats"]["answers"] for q in listed["questions"]] == [3, 2]

    def test_every_report_endpoint_answers(self, trailing, factory, as_user):
        question, _ = trailing
        admin = as_user(factory.user(role="admin"))
        for url in REPORTS:
            response = admin.get(url.format(question=question.id))
            assert response.status_code == 200, (url, response.get_data(as_text=True))

    def test_a_question_the_replica_does_not_hold_yet_shows_no_figures(
        self, trailing, factory, as_user
    ):
        fresh = factory.question(category="垃圾分类", stem="刚加的题")
        admin = as_user(factory.user(role="admin"))
        stats = admin.get(f"/api/v1/admin/questions/{fresh.id}/stats").get_json()
        assert stats["answers"] == 0 and stats["option_picks"] == {"A": 0, "B": 0, "C": 0, "D": 0}
        listed = admin.get("/api/v1/admin/questions").get_json()["questions"]
        assert {q["id"]: q["stats"]["answers"] for q in listed}[fresh.id] == 0

    def test_a_player_page_and_its_writes_stay_on_the_primary(self, app, trailing, as_user):
        question, late = trailing
        player = as_user(late)  # on the primary only
        today = player.get("/api/v1/quiz/today").get_json()
        assert str(question.id) in today["answered"]
        other = next(q["id"] for q in today["questions"] if q["id"] != question.id)
        answer = {"question_id": other, "choices": ["A"]}
        assert player.post("/api/v1/quiz/today/answers", json=answer).status_code == 200
        replica = reports_engine()
        assert _count(db.engine, Answer) == 7 and _count(replica, Answer) == 5

    def test_a_write_during_a_report_lands_on_the_primary(self, app, trailing, factory, as_user):
        @app.get("/test/report-with-an-audit-entry")
        @staff_report
        def report_with_an_audit_entry():
            before = db.session.scalar(select(func.count()).select_from(Answer))
            will_write(db.session)
            admin_audit.record("report.export", target="awareness")  # ORM add + flush
            db.session.execute(insert(AuditEntry).values(at=START, action="report.core"))
            after = db.session.scalar(select(func.count()).select_from(Answer))
            return {"answers": [before, after]}

        admin = as_user(factory.user(role="admin"))
        assert admin.get("/test/report-with-an-audit-entry").get_json() == {"answers": [5, 5]}
        with db.engine.connect() as conn:
            actions = conn.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["report.export", "report.core"]
        assert _count(reports_engine(), AuditEntry) == 0

    def test_only_reads_inside_a_report_go_to_the_replica(self, app):
        replica = reports_engine()
        with report_reads(db.session) as session:
            reads = [
                select(User),
                select(User.id).union(select(Answer.user_id)),
                text("SELECT 1"),
            ]
            writes = [
                select(User).with_for_update(),
                insert(AuditEntry),
                text("UPDATE users SET display_name = display_name"),
            ]
            assert all(session.get_bind(clause=s).url == replica.url for s in reads)
            assert all(session.get_bind(clause=s).url == db.engine.url for s in writes)
            assert session.get_bind(User).url == db.engine.url  # a flush names only the mapper
        assert db.session.get_bind(clause=select(User)).url == db.engine.url

    def test_non_staff_are_still_refused(self, trailing, as_user):
        _, late = trailing
        player = as_user(late)
        for url in (AWARENESS, "/api/v1/admin/fair-play/suspects", "/api/v1/admin/winners"):
            response = player.get(url)
            assert response.status_code == 403
            assert response.get_json()["code"] == "forbidden"

    def test_signed_out_callers_are_asked_to_sign_in(self, app, trailing):
        response = app.test_client().get(AWARENESS)
        assert response.status_code == 401


class TestWithTheSettingUnset:
    def test_reports_read_the_primary(self, app, trailing, factory, as_user):
        assert reports_engine() is None
        admin = as_user(factory.user(role="admin"))
        assert _rows(admin.get(AWARENESS))["垃圾分类"]["answers"] == 4

    def test_the_setting_is_empty_by_default(self, tmp_path):
        assert load_config(str(tmp_path), {})["QUIZ_REPORTS_DATABASE_URL"] is None

    @pytest.fixture
    def trailing(self, app, factory, clock):
        """The same figures as with a replica, on the primary alone."""
        rules = Rules.from_config({**app.config, "QUIZ_DAILY_COUNT": 2})
        q1 = factory.question(category="垃圾分类")
        draw.daily_set(clock.now().date(), rules, now=clock.now())
        for choice in ("A", "B", "B", "A"):
            _answer(app, clock, factory.user(), {q1: choice})
        return q1


class TestWithTheReplicaUnreachable:
    @pytest.fixture
    def app_config(self, backend, tmp_path):
        return {"QUIZ_REPORTS_DATABASE_URL": _unreachable(backend, tmp_path)}

    def test_every_report_answers_503_and_the_rest_of_the_service_works(
        self, app, factory, as_user, clock
    ):
        question = factory.question(category="垃圾分类")
        admin = as_user(factory.user(role="admin"))
        for url in [*REPORTS, "/api/v1/admin/winners/poster.png"]:
            response = admin.get(url.format(question=question.id))
            assert response.status_code == 503, (url, response.status_code)
            assert response.mimetype == "application/problem+json"
            assert response.get_json()["code"] == "database_unavailable"
            assert int(response.headers["Retry-After"]) > 0
        player = as_user(factory.user())
        today = player.get("/api/v1/quiz/today")
        assert today.status_code == 200
        answer = {"question_id": question.id, "choices": ["A"]}
        assert player.post("/api/v1/quiz/today/answers", json=answer).status_code == 200
        assert admin.get("/api/v1/admin/question-reports").status_code == 200
        assert admin.get("/healthz").get_json()["checks"]["database"] == "ok"
