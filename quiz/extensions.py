"""Extensions, created once and bound to the app in create_app()."""

from __future__ import annotations

import time
from contextlib import contextmanager

from flask import current_app, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from limits.storage import MemoryStorage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.elements import TextClause

from quiz.runtime import RUNTIME
from quiz.writing import READ_ONLY

# Stable constraint names so Alembic revisions are reproducible on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestSession(Session):
    """Reads run in autocommit on PostgreSQL: no BEGIN/COMMIT round trips for a GET.

    A safe request's few writes (the day's set on first use, a user's first fetch of the day)
    are single idempotent INSERT … ON CONFLICT statements, so they need no transaction. The
    autocommit engine shares the pool of the normal one.
    """

    def __init__(self, db, **options):
        super().__init__(db, **options)
        # The unit of work carries the app's runtime (`quiz.runtime`): services take it from here.
        runtime = current_app.extensions.get(RUNTIME)
        if runtime is not None:
            self.info[RUNTIME] = runtime

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = None
        if bind is None and self.info.get(REPORT_READS) and _is_read(clause):
            engine = reports_engine()  # None: no reports database set
        if engine is None:
            engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if (
            isinstance(engine, Engine)
            and engine.dialect.name == "postgresql"
            and read_only(self) is True
        ):
            autocommit = engine.__dict__.get("_quiz_autocommit")
            if autocommit is None:
                autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
                engine.__dict__["_quiz_autocommit"] = autocommit
            return autocommit
        return engine


# The reports database (QUIZ_REPORTS_DATABASE_URL): an engine of the app's own, kept in
# `app.extensions`, that nothing reaches unless a staff report's reads are routed there
# (`report_reads`). Not a Flask-SQLAlchemy bind: a bind gets a metadata of its own, which
# `create_all`/`drop_all` would then run against — and a replica is read-only.
REPORTS_ENGINE = "quiz.reports_engine"
REPORT_READS = "quiz.report_reads"  # session.info: True while a staff report reads


def reports_engine() -> Engine | None:
    """The app's reports database, or None when QUIZ_REPORTS_DATABASE_URL is unset."""
    return current_app.extensions.get(REPORTS_ENGINE)


def _is_read(clause) -> bool:
    """A statement that only reads: a SELECT (or a UNION of them) that locks nothing, or plain
    SQL that is one. Flushes (no statement), INSERT/UPDATE/DELETE, `FOR UPDATE` and anything
    else are not."""
    if getattr(clause, "is_select", False):
        return getattr(clause, "_for_update_arg", None) is None
    if isinstance(clause, TextClause):
        sql = clause.text.lstrip().upper()
        return sql.startswith("SELECT") and "FOR UPDATE" not in sql and "FOR SHARE" not in sql
    return False


@contextmanager
def report_reads(session):
    """Within the block, the unit of work's reads go to the reports database when one is set;
    its writes (flushes, INSERT/UPDATE/DELETE, locking reads) stay on the primary, as does
    everything before and after the block (signing in, the audit trail, the commit)."""
    session = session.registry() if hasattr(session, "registry") else session  # a scoped_session
    before = session.info.get(REPORT_READS)
    session.info[REPORT_READS] = True
    try:
        yield session
    finally:
        if before is None:
            session.info.pop(REPORT_READS, None)
        else:
            session.info[REPORT_READS] = before


def read_only(session) -> bool | None:
    """Whether the session's unit of work is read-only: in a request, decided by its method on
    first use (and changed by `quiz.writing.will_write`); outside a request, None."""
    found = session.info.get(READ_ONLY)
    if found is None and has_request_context():
        found = session.info[READ_ONLY] = request.method in _SAFE_METHODS
    return found


def end_request_unit(session) -> None:
    """The request is over: its session (which a test's own app context may keep) is no longer
    read-only or writing."""
    if session.registry.has():
        session.registry().info.pop(READ_ONLY, None)


class LeanMemoryStorage(MemoryStorage):
    """`limits`' per-process memory storage without its expiry timer thread.

    The stock storage starts a `threading.Timer` whenever the last one has finished, which at a
    few hundred requests a second is a thread start on most requests (~15 % of a signed-in GET,
    measured with py-spy). Counters already expire lazily on read (`get`, called by `incr`);
    the timer only sweeps dead keys, which is done here inline, at most every 10 seconds.
    URI: `quiz-memory://`."""

    STORAGE_SCHEME = ["quiz-memory"]
    SWEEP_EVERY = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()
        self._next_sweep = time.monotonic() + self.SWEEP_EVERY

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the timer (name-mangled)
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()


db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})
migrate = Migrate()
login_manager = LoginManager()
# Two limiters, each with the storage its limits need:
# - `limiter`: per-account and sign-in limits (answers, redemptions, images, failed sign-ins per
#   address), in the shared storage (Redis when REDIS_URL is set, so every worker and instance
#   counts together);
# - `address_limiter`: the per-address flood guard on every route (QUIZ_API_LIMIT_IP), counted in
#   each worker's memory — no Redis round trip on every request. It is a coarse guard by design
#   (a whole school shares one address); in production nginx limits each address exactly in
#   front (deploy/nginx-quiz.conf, `limit_req`).
# Both read the serving app's settings per request: Flask-Limiter keeps the first app's
# RATELIMIT_DEFAULT for the whole process otherwise.
limiter = Limiter(key_func=get_remote_address)
address_limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["QUIZ_API_LIMIT_IP"]],
    storage_uri="quiz-memory://",
)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin), so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # The wait for the write lock is the driver's `timeout` (QUIZ_SQLITE_BUSY_MS, see config).
        cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A request that may write takes SQLite's write lock at BEGIN: two workers then queue
    # instead of both reading a balance and one failing to upgrade its lock mid-transaction.
    # A read request that turned out to need a write (`quiz.writing.will_write`) does the same
    # for the rest of the request. Outside a request (CLI, tests' own reads) a plain BEGIN.
    # The reports database (a second file, in tests) is only read: it takes no write lock.
    writing = (
        has_request_context()
        and read_only(db.session) is False
        and conn.engine is not reports_engine()
    )
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def finish_unit_of_work(succeeded: bool) -> None:
    """The one commit point, for a request and a command alike: commit the work if it
    succeeded, else roll all of it back."""
    if succeeded:
        db.session.commit()
    else:
        db.session.rollback()


@contextmanager
def unit_of_work():
    """A command's (or a test's) unit of work: committed when the block ends normally, rolled
    back on any exception. Requests get theirs from `create_app`'s after-request hook."""
    try:
        yield db.session
    except BaseException:
        finish_unit_of_work(False)
        raise
    finish_unit_of_work(True)
