"""Fixtures: an app per test on a real database — SQLite always, PostgreSQL when
TEST_DATABASE_URL is set (tests that touch the database run once on each)."""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
from datetime import UTC, datetime

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

# Temporary files (the SQLite databases above all) in memory where the machine has a tmpfs:
# a SQLite commit there costs ~0.04 ms against ~0.6 ms on disk, and a test commits dozens of
# times. pytest reads this root when it first makes a temporary directory (and hands each
# xdist worker a directory beneath its own).
MEMORY_DISK = "/dev/shm"
if os.path.isdir(MEMORY_DISK) and os.access(MEMORY_DISK, os.W_OK):
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", MEMORY_DISK)
os.environ.setdefault(
    "QUIZ_INSTANCE_PATH",
    tempfile.mkdtemp(prefix="quiz-test-instance-", dir=os.environ.get("PYTEST_DEBUG_TEMPROOT")),
)


def _per_worker(worker: str | None) -> None:
    """Under `pytest -n` (pytest-xdist) each worker gets a PostgreSQL database and a Redis
    database of its own: TEST_DATABASE_URL's database with the worker's name appended (made on
    first use, from the given one's connection) and TEST_REDIS_URL's database number plus one
    plus the worker's number. Everything that reads those variables then sees its worker's."""
    if not worker:
        return
    number = int(worker.removeprefix("gw"))
    if url := os.environ.get("TEST_DATABASE_URL"):
        given = make_url(url)
        mine = given.set(database=f"{given.database}_{worker}")
        engine = create_engine(given, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": mine.database}
            )
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{mine.database}"')
        engine.dispose()
        os.environ["TEST_DATABASE_URL"] = mine.render_as_string(hide_password=False)
    if url := os.environ.get("TEST_REDIS_URL"):
        base, _, database = url.rpartition("/")
        os.environ["TEST_REDIS_URL"] = f"{base}/{int(database or 0) + 1 + number}"


_per_worker(os.environ.get("PYTEST_XDIST_WORKER"))

# The suite makes and drops millions of small objects (rows, requests, responses): at Python's
# default threshold (700 allocations) a collection ran every few statements, ~10 % of the
# suite's CPU. Cyclic garbage is still collected, in larger steps; the shared apps' objects are
# frozen out of the collections once built (`_SharedApp`).
gc.set_threshold(100_000, 50, 100)

from quiz import create_app  # noqa: E402
from quiz.api.problems import smorest  # noqa: E402
from quiz.clock import FrozenClock  # noqa: E402
from quiz.extensions import address_limiter, db, limiter, login_manager  # noqa: E402
from quiz.models.audit import PRUNE_SETTING  # noqa: E402
from quiz.runtime import RUNTIME, runtime_of  # noqa: E402
from quiz.services.running import build_runtime  # noqa: E402
from tests.factories import FAST_HASH, Factory  # noqa: E402
from tests.sessions import signed_in_client  # noqa: E402

PG_URL = os.environ.get("TEST_DATABASE_URL")
# Tests that touch the database run on each backend available; TEST_BACKENDS (a comma list)
# narrows that, e.g. `make test-dates` runs the calendar's tests on PostgreSQL only.
BACKENDS = [
    name
    for name in ["sqlite"] + (["postgresql"] if PG_URL else [])
    if name in os.environ.get("TEST_BACKENDS", "sqlite,postgresql").split(",")
]
SSO_SECRET = "test-sso-secret-of-at-least-32-bytes"
# Monday 2026-11-23, 10:00 in Asia/Shanghai.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as in production.

    The `app` fixture keeps an app context open for the test's own database work; without
    this, requests would reuse it and share its `g` (Flask-Login's cached user) and session.
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()
        if outer:
            db.session.commit()  # the request sees the test's writes; no lock held across it
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            db.session.commit()  # the test's next read sees what the request committed
        return response


_pg_reset_sql: str | None = None  # set once the schema is built
# The audit trail refuses DELETE unless the transaction says it is pruning (see models/audit).
_PRUNING = f"SET LOCAL {PRUNE_SETTING} = 'on'"


def empty_every_table(conn) -> None:
    """Every table of the schema emptied, child tables first, in the caller's transaction."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_PRUNING)
    for table in reversed(db.metadata.sorted_tables):
        conn.execute(table.delete())


def _reset_postgresql() -> None:
    """An empty schema for each test: built once per run, then emptied (DELETE child tables
    first, sequences back to 1) in one round trip — ~3 ms, where a TRUNCATE of every table
    took ~60 ms a test."""
    global _pg_reset_sql
    if _pg_reset_sql is not None:
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql(_pg_reset_sql)
        except OperationalError:
            # A test before cut the server's connections (the database-down tests do): the
            # shared app's pool is renewed once here rather than failing the next test.
            db.engine.dispose()
            with db.engine.begin() as conn:
                conn.exec_driver_sql(_pg_reset_sql)
        return
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.create_all()
    with db.engine.connect() as conn:
        sequences = conn.scalars(
            text("SELECT oid::regclass::text FROM pg_class WHERE relkind = 'S'")
        ).all()
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(db.metadata.sorted_tables)]
    restarts = [f"SELECT setval('{name}', 1, false)" for name in sequences]
    # `empty_every_table` and the sequences' restart as one string: one round trip a test.
    _pg_reset_sql = "; ".join([_PRUNING, *deletes, *restarts])


def make_app(backend: str, tmp_path, **overrides):
    url = PG_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "QUIZ_CLOCK": FrozenClock(START),
        "RATELIMIT_ENABLED": False,
        "QUIZ_SSO_SECRET": SSO_SECRET,
        "SECRET_KEY": "test-secret-key-of-at-least-32-bytes",
        # Tests answer at machine speed and answer "A" meaning the question's own A; the
        # fair-play tests turn the interval and the per-user option order on themselves.
        "QUIZ_MIN_ANSWER_MS": 0,
        "QUIZ_SHUFFLE_OPTIONS": False,
        # Tests live through weeks with one staff client; the staff-session tests set the
        # production limits themselves.
        "QUIZ_STAFF_IDLE_MINUTES": 10**6,
        "QUIZ_STAFF_MAX_HOURS": 10**5,
        # Passwords hashed cheaply (scrypt costs ~0.1 s a hash); the service's own method is
        # checked in tests/api/test_accounts.py.
        "QUIZ_PASSWORD_METHOD": FAST_HASH,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def pytest_collection_modifyitems(items) -> None:
    """The long modules first — the browser journeys and those marked slow — then the rest,
    each group in collection order: pytest-xdist hands out whole modules in this order, so the
    short ones fill the workers' last minutes instead of one long module running on alone at
    the end."""
    items.sort(
        key=lambda item: (
            not any(item.iter_markers("browser")) and not any(item.iter_markers("slow"))
        )
    )


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's config for its tests."""
    return {}


# Config that is read only while the app is built (the rate limiters, the engine): a test
# changing any of it gets an app of its own. Any other key is read at request time or by the
# runtime, so the shared app takes it for one test.
BUILT_IN = ("RATELIMIT_", "SQLALCHEMY_", "QUIZ_SQLITE_", "QUIZ_TRUSTED_PROXIES")


def needs_own_app(config: dict) -> bool:
    return any(key.startswith(BUILT_IN) for key in config)


class _SharedApp:
    """One app per backend for this process, reused by every test that changes nothing built
    into it: building an app (~0.2 s, mostly the OpenAPI document and the URL map) was most of a
    test's cost. Before each test its config goes back to how it was built plus the test's own
    (`app_config`), its runtime is built afresh from that config (rules, a stopped clock at
    START, an empty today's set, the board store, the ledger's listeners) and the rate limiters'
    counters are reset; then the database is emptied."""

    def __init__(self, backend: str, directory):
        directory.mkdir(exist_ok=True)
        self.app = make_app(backend, directory)
        self.config = dict(self.app.config)
        self.extensions = dict(self.app.extensions)
        self.bound = [(each, dict(vars(each))) for each in _BOUND_TO_AN_APP]
        gc.freeze()  # the app lives as long as the worker: no collection need look at it again

    def bind(self) -> None:
        """Bind the shared extensions to this app again, as its build left them: the apps of
        the two backends take turns (a test's [sqlite] and [postgresql] run one after the
        other), and a test's own app comes and goes, without the shared ones being built
        again."""
        for each, state in self.bound:
            vars(each).clear()
            vars(each).update(state)

    def restore(self, overrides: dict) -> None:
        app = self.app
        app.config.clear()
        app.config.update(self.config)
        app.config.update(overrides)
        app.extensions.update(self.extensions)
        app.extensions[RUNTIME] = build_runtime(app.config, FrozenClock(START))
        for each in (limiter, address_limiter):
            with contextlib.suppress(Exception):  # off in tests: it may hold no storage
                each.reset()


_shared: dict[str, _SharedApp] = {}
# Extensions that keep the app they were last initialised with (its limits' storage and
# settings, its API document, the login manager's loader): building any app — the other
# backend's, or a test's own with limits on — re-binds them. Each shared app keeps a copy of
# their state as its build left it and puts it back before each of its tests.
_BOUND_TO_AN_APP = (limiter, address_limiter, smorest, login_manager)


def _reset_sqlite() -> None:
    """Every table emptied and its ids restarted, in one transaction."""
    with db.engine.begin() as conn:
        empty_every_table(conn)
        with contextlib.suppress(Exception):  # no AUTOINCREMENT table: no sequence table
            conn.exec_driver_sql("DELETE FROM sqlite_sequence")


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("shared-app")


@pytest.fixture
def app(request, backend, app_config, shared_dir):
    if needs_own_app(app_config) or request.node.get_closest_marker("own_app"):
        app = make_app(backend, request.getfixturevalue("tmp_path"), **app_config)
        with app.app_context():
            if backend == "postgresql":
                _reset_postgresql()
            else:
                db.create_all()
            yield app
            db.session.remove()
            db.engine.dispose()
        return
    shared = _shared.get(backend)
    if shared is None:
        shared = _shared[backend] = _SharedApp(backend, shared_dir / backend)
        with shared.app.app_context():
            if backend == "sqlite":
                db.create_all()
    shared.bind()
    shared.restore(app_config)
    with shared.app.app_context():
        if backend == "postgresql":
            _reset_postgresql()
        else:
            _reset_sqlite()
        yield shared.app
        db.session.remove()


@pytest.fixture
def clock(app) -> FrozenClock:
    return runtime_of(app).clock


@pytest.fixture
def client(app):
    """A browser-like client that sends the contract's CSRF header on every request."""
    client = app.test_client()
    client.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    return client


@pytest.fixture
def bare_client(app):
    """A client that sends no CSRF header."""
    return app.test_client()


@pytest.fixture
def factory(app) -> Factory:
    return Factory(app)


@pytest.fixture
def as_user(app, factory):
    """`as_user(user)` → a client signed in as that user (CSRF header included)."""

    def sign_in(user):
        return signed_in_client(app, user.id, session_version=user.session_version)

    return sign_in


@pytest.fixture
def admin_client(factory, as_user):
    return as_user(factory.user(role="admin", username="admin"))


@pytest.fixture
def citizen_client(factory, as_user):
    return as_user(factory.user(username="citizen"))
