"""One rule for every secret: at least 32 bytes, no placeholder, no run of repeated characters,
refused at start in one line naming the variable."""

from __future__ import annotations

import pytest

from quiz import create_app
from quiz.config import ConfigError

GOOD = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e"
BASE = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": GOOD}


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "QUIZ_SSO_SECRET", "QUIZ_DRAW_SECRET", "QUIZ_PARTNER_KEY"]
)
@pytest.mark.parametrize(
    "value",
    [
        "CHANGE-ME",
        "change-me-change-me-change-me-change-me",
        "please-replace-me-with-a-random-value-0123",
        "a" * 32,
        "abababababababababababababababab",
        "short-but-random-9f2c",
    ],
)
def test_a_placeholder_short_or_repetitive_secret_stops_the_service_naming_it(name, value):
    shown = "QUIZ_SECRET_KEY" if name == "SECRET_KEY" else name
    with pytest.raises(ConfigError) as refused:
        create_app({**BASE, name: value})
    message = str(refused.value)
    assert shown in message and "\n" not in message and value not in message


def test_random_secrets_of_32_bytes_start_the_service():
    app = create_app({**BASE, "QUIZ_SSO_SECRET": GOOD[::-1], "QUIZ_DRAW_SECRET": GOOD[1:] + "x"})
    assert app.config["QUIZ_DRAW_SECRET"].endswith("x")


def test_the_deploy_example_does_not_start_as_it_is():
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "deploy" / "quiz.env.example"
    values = dict(
        line.split("=", 1)
        for line in example.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    )
    with pytest.raises(ConfigError, match="QUIZ_SECRET_KEY"):
        create_app({**BASE, "SECRET_KEY": values["QUIZ_SECRET_KEY"]})
    with pytest.raises(ConfigError, match="QUIZ_SSO_SECRET"):
        create_app({**BASE, "QUIZ_SSO_SECRET": values["QUIZ_SSO_SECRET"]})
