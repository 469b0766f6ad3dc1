"""Trying another day on `make run`: QUIZ_FAKE_NOW moves the injectable clock (issue 23, defect 10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quiz.clock import ShiftedClock
from quiz.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def test_quiz_fake_now_starts_the_clock_at_that_moment_and_keeps_it_ticking(tmp_path):
    config = load_config(str(tmp_path), {"QUIZ_FAKE_NOW": "2026-12-08T09:00"})
    clock = config["QUIZ_CLOCK"]
    assert isinstance(clock, ShiftedClock)
    first = clock.now()
    assert abs((first - datetime(2026, 12, 8, 1, 0, tzinfo=UTC)).total_seconds()) < 5
    assert clock.now() >= first


def test_without_quiz_fake_now_the_real_clock_is_used(tmp_path):
    assert load_config(str(tmp_path), {})["QUIZ_CLOCK"] is None


@pytest.mark.parametrize(
    "production", [{"QUIZ_COOKIE_SECURE": "1"}, {"QUIZ_REGISTRATION": "sso_only"}]
)
def test_quiz_fake_now_is_refused_with_production_settings(tmp_path, production):
    with pytest.raises(ValueError, match="never with production settings"):
        load_config(str(tmp_path), {"QUIZ_FAKE_NOW": "2026-12-08T09:00", **production})


def test_a_malformed_quiz_fake_now_stops_the_start_with_a_reason(tmp_path):
    with pytest.raises(ValueError, match="not an ISO 8601"):
        load_config(str(tmp_path), {"QUIZ_FAKE_NOW": "tomorrow"})


def test_the_makefile_leaves_libfakatimes_own_faketime_variable_alone():
    # make exports variables that came from the environment: a Makefile variable named FAKETIME
    # would replace the time `faketime … make run` asked for in every child process.
    assert not re.search(r"^FAKETIME\s*[:?+]?=", (ROOT / "Makefile").read_text(), re.M)


def test_the_app_under_quiz_fake_now_answers_with_that_day(tmp_path, monkeypatch):
    from quiz import create_app
    from quiz.extensions import db

    monkeypatch.setenv("QUIZ_FAKE_NOW", "2026-12-08T09:00:00+08:00")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'q.sqlite3'}",
            "SECRET_KEY": "test-secret-key-of-at-least-32-bytes",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        from quiz.current import today

        assert today().isoformat() == "2026-12-08"
        db.engine.dispose()
