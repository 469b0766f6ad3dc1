"""Pages: the citizen mini-app (/app/) and the admin console (/admin/)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the page blueprints (filled in by the pages issue)."""
