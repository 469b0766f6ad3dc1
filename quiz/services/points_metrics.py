"""Points awarded, counted for the metrics once their transaction commits (a ledger listener)."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from quiz import metrics
from quiz.extensions import db
from quiz.models import EARNING_KINDS

_POINTS = "metrics_points"


def count_points(entry, owner=None) -> None:
    """A ledger listener: remember an earning; it is counted if its transaction commits."""
    if entry.kind in EARNING_KINDS and entry.delta > 0:
        db.session.info.setdefault(_POINTS, []).append((entry.kind, entry.delta))


def _count_committed(session) -> None:
    for kind, delta in session.info.pop(_POINTS, ()):
        metrics.POINTS.labels(kind).inc(delta)


def _drop(session, *_args) -> None:
    session.info.pop(_POINTS, None)


def install_hooks() -> None:
    if not event.contains(Session, "after_commit", _count_committed):
        event.listen(Session, "after_commit", _count_committed)
        event.listen(Session, "after_rollback", _drop)
