"""The audit trail: `record` is the one writer; `entries` the auditor's reader; `prune` the
retention (QUIZ_AUDIT_RETENTION_DAYS), itself recorded.

An entry is added to the caller's transaction (flushed, never committed), so it stands or falls
with the change it describes. `detail` is a short before → after of the fields changed; any
field whose name says it is a credential is replaced by "***" before it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, event, inspect, select, text
from sqlalchemy.orm import Session

from quiz.extensions import db
from quiz.models.audit import PRUNE_SETTING, AuditEntry

# Never stored, whatever the route sends or the row holds.
SECRET_NAME = re.compile(r"password|hash|secret|salt|token|totp|recovery|otp", re.I)
REDACTED = "***"
MAX_TEXT = 120
MAX_FIELDS = 40
# The watch flag and the changes collected on a watched session (see `watch`).
_WATCH, _CHANGES = "quiz.audit.watch", "quiz.audit.changes"


@dataclass(frozen=True)
class Actor:
    """Who did it, from where: the plain values an entry needs about the request."""

    id: int | None
    role: str | None
    ip: str | None = None
    request_id: str | None = None


def _short(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    if isinstance(value, dict):
        return scrub(value)
    if isinstance(value, list | tuple):
        return [_short(v) for v in list(value)[:MAX_FIELDS]]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return _short(str(value))


def scrub(detail: dict | None) -> dict | None:
    """The detail as stored: credentials blanked, long text cut, at most MAX_FIELDS keys."""
    if detail is None:
        return None
    return {
        str(key): REDACTED if SECRET_NAME.search(str(key)) else _short(value)
        for key, value in list(detail.items())[:MAX_FIELDS]
    }


def record(
    actor: Actor,
    action: str,
    *,
    at: datetime,
    target: str | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """The one way an entry is written: in the caller's transaction, flushed."""
    entry = AuditEntry(
        at=at,
        actor_id=actor.id,
        actor_role=actor.role,
        action=action[:64],
        target=target[:128] if target else None,
        ip=actor.ip[:45] if actor.ip else None,
        request_id=actor.request_id,
        detail=scrub(detail),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# --- what a staff write changed -------------------------------------------------------------


def watch(session: Session) -> None:
    """Collect the ORM changes of this session's flushes until `collected` (a staff write)."""
    session.info[_WATCH] = True
    session.info[_CHANGES] = []


def collected(session: Session, *, flush: bool = True) -> list[dict]:
    """The changes seen since `watch`, and stop watching (without a last flush for a write
    that failed: its changes are rolled back, never flushed)."""
    if flush and session.info.get(_WATCH):
        session.flush()
    session.info.pop(_WATCH, None)
    changes = session.info.pop(_CHANGES, [])
    for change in changes:
        # A created row's id is known only after the flush that inserted it.
        obj = change.pop("_obj", None)
        if obj is not None:
            change["id"] = getattr(obj, "id", None)
    return changes


def _described(obj, state: str) -> dict:
    mapper = inspect(obj)
    table = mapper.mapper.persist_selectable.name
    change: dict = {"table": table, "change": state}
    if state == "created":
        change["_obj"] = obj
    fields: dict = {}
    for attr in mapper.mapper.column_attrs:
        name = attr.key
        history = mapper.attrs[name].history
        if state == "updated" and not history.has_changes():
            continue
        if state == "created" and not history.added:
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if SECRET_NAME.search(name):
            fields[name] = REDACTED
        elif state == "created":
            fields[name] = _short(after)
        else:
            fields[name] = [_short(before), _short(after)]
    change["fields"] = fields
    return change


def _before_flush(session: Session, _context, _instances) -> None:
    if not session.info.get(_WATCH):
        return
    changes = session.info.setdefault(_CHANGES, [])
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False) and not isinstance(obj, AuditEntry):
            changes.append(_described(obj, "updated"))
    for obj in session.new:
        if not isinstance(obj, AuditEntry):
            changes.append(_described(obj, "created"))
    for obj in session.deleted:
        changes.append(
            {
                "table": inspect(obj).mapper.persist_selectable.name,
                "change": "deleted",
                "id": getattr(obj, "id", None),
            }
        )


def install_session_hooks() -> None:
    """Once per process: watched sessions note what each flush changes."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


# --- reading and retention -------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    actor: int | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def entries(filters: Filters, *, before_id: int | None, limit: int | None) -> list[AuditEntry]:
    """Newest first; `limit + 1` rows so the caller knows if there is a next page."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.actor is not None:
        query = query.where(AuditEntry.actor_id == filters.actor)
    if filters.action:
        query = query.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.target:
        query = query.where(AuditEntry.target == filters.target)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if limit is not None:
        query = query.limit(limit + 1)
    return list(db.session.scalars(query))


def prune(*, now: datetime, retention_days: int, actor: Actor) -> int:
    """Delete entries older than the retention and record that it was done."""
    cutoff = now - timedelta(days=retention_days)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL {PRUNE_SETTING} = 'on'"))
    removed = db.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL {PRUNE_SETTING} = 'off'"))
    record(
        actor,
        "audit.prune",
        at=now,
        detail={"retention_days": retention_days, "before": cutoff, "removed": removed},
    )
    return removed
