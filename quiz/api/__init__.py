"""The JSON API: thin blueprints (load schema → call service → dump schema)."""

from __future__ import annotations

from importlib import import_module

from werkzeug.routing import BaseConverter

from quiz.models.types import MAX_ID

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
    "admin_review",
    "admin_quiz",
    "admin_points",
    "admin_shop",
    "admin_reports",
    "admin_users",
    "admin_fairplay",
    "learning",
    "admin_learning",
    "recognition",
    "campaigns",
    "admin_campaigns",
    "partner",
    "admin_partners",
    "players",
    "admin_audit",
    "staff_session",
    "privacy",
)


class IdConverter(BaseConverter):
    """`<id:name>`: a row id in a path, documented as 1 … the largest INTEGER. Digits beyond
    that still reach the service, whose `row_by_id` answers them with the resource's own
    not-found code (`unknown_prize`…) without asking the database."""

    regex = r"\d{1,40}"
    weight = 50

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def register_blueprints(app, smorest) -> None:
    app.url_map.converters["id"] = IdConverter
    smorest.register_converter(
        IdConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    for name in MODULES:
        module = import_module(f"quiz.api.{name}")
        blp = getattr(module, "blp", None)
        if blp is not None:
            smorest.register_blueprint(blp)
