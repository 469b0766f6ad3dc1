"""The JSON API: thin blueprints (load schema → call service → dump schema)."""

from __future__ import annotations

from importlib import import_module

from werkzeug.routing import IntegerConverter

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
    "admin_quiz",
    "admin_points",
    "admin_shop",
    "admin_reports",
    "admin_users",
    "admin_fairplay",
)


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id in a path, 1 … the largest INTEGER; anything else does not match
    the route (404), so no view or service sees an id that cannot exist."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


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
