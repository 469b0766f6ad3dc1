"""The JSON API: thin blueprints (load schema → call service → dump schema)."""

from __future__ import annotations

from importlib import import_module

# Each module exposes `blp`; order is the order in the OpenAPI document.
MODULES = (
    "auth",
    "me",
    "quiz",
    "points",
    "leaderboards",
    "teams",
    "shop",
    "admin_banks",
    "admin_quiz",
    "admin_points",
    "admin_shop",
    "admin_reports",
    "admin_users",
    "admin_fairplay",
    "campaigns",
    "admin_campaigns",
)


def register_blueprints(smorest) -> None:
    for name in MODULES:
        module = import_module(f"quiz.api.{name}")
        blp = getattr(module, "blp", None)
        if blp is not None:
            smorest.register_blueprint(blp)
