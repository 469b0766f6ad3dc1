"""我知晓 我践行 — the civic-knowledge daily quiz and points service."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from pathlib import Path

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy import create_engine

from quiz import (
    cli,
    errors,
    models,  # noqa: F401  (registers the tables before the database binds)
    observability,
    redis_link,
    web,
)
from quiz.api import admin_audit, ops, problems, register_blueprints, staff_session
from quiz.api.problems import smorest
from quiz.clock import SystemClock, local_day
from quiz.config import (
    check_public_url,
    check_secrets,
    engine_options,
    instance_path,
    load_config,
)
from quiz.extensions import (
    REPORTS_ENGINE,
    address_limiter,
    db,
    end_request_unit,
    finish_unit_of_work,
    limiter,
    login_manager,
    migrate,
    read_only,
)
from quiz.runtime import RUNTIME, runtime_of
from quiz.services import leaderboards, points_metrics, signed_in
from quiz.services.running import build_runtime

# Cookie-authenticated JSON writes must carry this header (the contract's CSRF rule).
CSRF_EXEMPT = {"/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/sso"}
_SAFE = {"GET", "HEAD", "OPTIONS"}


def create_app(test_config: dict | None = None) -> Flask:
    # Whatever the service writes (the SQLite database and its WAL, backups, generated secrets)
    # is readable by its owner only.
    os.umask(0o077)
    app = Flask(__name__, instance_path=instance_path())
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    check_secrets(app.config)
    check_public_url(app.config["QUIZ_PUBLIC_URL"])
    if "SQLALCHEMY_ENGINE_OPTIONS" not in (test_config or {}):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
            app.config["SQLALCHEMY_DATABASE_URI"],
            app.config["QUIZ_SQLITE_BUSY_MS"],
            app.config["QUIZ_DB_POOL_SIZE"],
            app.config["QUIZ_DB_MAX_OVERFLOW"],
        )
    _reports_database(app)
    _private_database_files(app.config["SQLALCHEMY_DATABASE_URI"])
    app.json.ensure_ascii = False
    redis_link.configure(app.config.get("QUIZ_REDIS_TIMEOUT_MS", 200))
    app.extensions[RUNTIME] = build_runtime(
        app.config, app.config.get("QUIZ_CLOCK") or SystemClock()
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    address_limiter.init_app(app)
    limiter.init_app(app)
    smorest.init_app(app)
    problems.init_app(app)
    observability.init_app(app)
    ops.init_app(app)
    register_blueprints(app, smorest)
    _init_auth(app)
    _init_body_limit(app)
    _init_content_types(app)
    _init_security_headers(app)
    _init_unit_of_work(app)
    _init_audit(app)
    _init_commit_hooks(app)
    cli.init_app(app)
    web.init_app(app)
    return app


def _reports_database(app: Flask) -> None:
    """QUIZ_REPORTS_DATABASE_URL becomes the app's reports engine, pooled as the primary is;
    staff reports' reads go there (`quiz.extensions.report_reads`). It connects on first use:
    a replica that is down costs the reports a 503, never the start."""
    url = app.config.get("QUIZ_REPORTS_DATABASE_URL")
    if not url:
        return
    config = app.config
    options = engine_options(
        url,
        config["QUIZ_SQLITE_BUSY_MS"],
        config["QUIZ_DB_POOL_SIZE"],
        config["QUIZ_DB_MAX_OVERFLOW"],
    )
    if url.startswith("sqlite"):  # as Flask-SQLAlchemy sets for the primary
        options["connect_args"]["check_same_thread"] = False
    app.extensions[REPORTS_ENGINE] = create_engine(url, **options)


def _private_database_files(url: str) -> None:
    """An SQLite database (and its WAL) made before the umask was set becomes owner-only too."""
    if not url.startswith("sqlite:///"):
        return
    database = Path(url.removeprefix("sqlite:///"))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        with contextlib.suppress(OSError):  # not there yet, or not ours to change
            path.chmod(0o600)


def _init_auth(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str):
        """The cookie's "<id>:<session_version>" as a slim frozen user (with today's day row,
        one statement); a session from before a logout or password reset is none."""
        user_id, _, version = session_id.partition(":")
        if not (
            user_id.isdigit() and version.isdigit() and len(user_id) <= 10 and len(version) <= 10
        ):
            return None
        runtime = runtime_of(current_app)
        day = local_day(runtime.clock.now(), runtime.rules.tz)
        return signed_in.load(int(user_id), int(version), day)

    @login_manager.unauthorized_handler
    def unauthorized():
        raise errors.LoginRequired("请先登录。")

    @app.before_request
    def require_csrf_header():
        if (
            request.method not in _SAFE
            and request.path.startswith("/api/")
            and request.path not in CSRF_EXEMPT
            and current_user.is_authenticated
            and request.headers.get("X-Requested-With") != "XMLHttpRequest"
        ):
            raise errors.CsrfRequired("缺少 X-Requested-With 请求头。")


class ChunkedBodyLimit:
    """WSGI middleware: a chunked body (no Content-Length) is held to MAX_CONTENT_LENGTH too.

    Werkzeug only truncates such a body at the limit, so an oversized one would surface as
    broken JSON (400) instead of 413. It is read here, up to the limit; a body under it goes on
    with a Content-Length like any other, one over it is marked and refused by `refuse_oversized`.
    """

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if chunked and not environ.get("CONTENT_LENGTH") and limit is not None:
            stream, parts, size = environ["wsgi.input"], [], 0
            while size <= limit:
                part = stream.read(min(64 * 1024, limit + 1 - size))
                if not part:
                    break
                parts.append(part)
                size += len(part)
            body = b"".join(parts)
            if size > limit:
                environ["quiz.body_too_large"] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi_app(environ, start_response)


def _init_body_limit(app: Flask) -> None:
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app)

    @app.before_request
    def refuse_oversized():
        if request.environ.get("quiz.body_too_large"):
            raise errors.PayloadTooLarge("请求体过大。")


# Pages load scripts, styles, images and fonts from this origin only; the one inline script (the
# import map) carries the request's nonce. A rendering slip can then never run a script.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """This response's script nonce (templates put it on their inline import map)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _init_security_headers(app: Flask) -> None:
    app.add_template_global(csp_nonce)

    @app.after_request
    def no_framing(response):
        """No page is shown inside another site's frame (clickjacking); pages run only this
        origin's scripts."""
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            policy = PAGE_POLICY.format(nonce=csp_nonce())
        else:
            policy = "frame-ancestors 'none'"
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Only a path leaves for other sites; the SSO page's fragment never leaves at all.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


_BODY_TYPES = ("application/json", "multipart/form-data")


def _init_content_types(app: Flask) -> None:
    @app.before_request
    def require_json_body():
        """A body that is neither JSON nor an upload is refused with 415, not guessed at."""
        if (
            request.method not in _SAFE
            and request.path.startswith("/api/")
            and (request.content_length or request.headers.get("Transfer-Encoding"))
            and request.mimetype not in _BODY_TYPES
            and not request.mimetype.endswith("+json")
        ):
            raise errors.UnsupportedMediaType("请求体须为 application/json。")


def _init_commit_hooks(app: Flask) -> None:
    """The board store's and the points counter's commit hooks (the store itself is the
    runtime's, chosen once by `build_runtime`)."""
    leaderboards.install_session_hooks()
    points_metrics.install_hooks()


def _init_unit_of_work(app: Flask) -> None:
    """One commit per request, at one point: after a successful response; else roll back."""

    @app.before_request
    def mark_read_only():
        read_only(db.session)  # a GET's unit begins read-only: `will_write` may end that

    @app.after_request
    def commit_or_roll_back(response):
        try:
            finish_unit_of_work(response.status_code < 400)
        except Exception as exc:
            # The database went away between the work and the commit: nothing was written.
            unavailable = problems.database_error(exc)
            if unavailable is None:
                raise
            _discard_session()
            if response.status_code >= 400:
                return response  # already an error (often this very 503)
            return problems.app_error_response(unavailable)
        return response

    @app.teardown_request
    def forget_read_only(_exc):
        end_request_unit(db.session)


def _init_audit(app: Flask) -> None:
    """Every staff write leaves one audit entry, joining the request's commit (these hooks are
    installed after the unit of work's, so they run before it); auditors change nothing."""
    admin_audit.install(app)
    staff_session.install(app)


def _discard_session() -> None:
    """Forget the session after its connection failed; a second failure changes nothing."""
    try:
        db.session.rollback()
    except Exception:
        with contextlib.suppress(Exception):
            db.session.close()
