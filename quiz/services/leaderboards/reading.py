"""Reading a board: the top, the rows around the viewer, names (minors masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from quiz.clock import local_day
from quiz.extensions import db
from quiz.models import Team, User
from quiz.models.account import ERASED_NAME, Role, is_minor
from quiz.services.leaderboards.attribution import my_subject
from quiz.services.leaderboards.periods import BoardKey, resolve_start


@dataclass(frozen=True)
class Standing:
    board: str
    period: str
    start: date | None
    entries: list[dict]
    me: dict | None


def mask_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*, 张 → 张: a minor's name on a public board."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" + name[-1]


def _names(board: str, subjects: list[str], *, full_names: bool) -> dict[str, tuple]:
    """subject → (id, name) for the rows shown."""
    if board == "districts":
        return {s: (s, s) for s in subjects}
    ids = [int(s) for s in subjects]
    if board == "teams":
        rows = db.session.execute(select(Team.id, Team.name).where(Team.id.in_(ids)))
        return {str(i): (i, name) for i, name in rows}
    rows = db.session.execute(
        select(
            User.id,
            User.display_name,
            User.role,
            User.invite_code,
            User.show_full_name,
            User.erased_at,
        ).where(User.id.in_(ids))
    )
    out = {}
    for i, name, role, invite_code, consent, erased_at in rows:
        # A reporter keeps the mask after leaving a team: an invite code marks a 小记者 for life.
        # Without a guardian's recorded consent a minor's name is masked.
        minor = is_minor(role, invite_code) and not consent
        if erased_at is not None:
            name = ERASED_NAME
        elif minor and not full_names:
            name = mask_name(name)
        out[str(i)] = (i, name)
    return out


def _entries(board: str, ranked: list[tuple[int, str, int]], *, full_names: bool) -> list[dict]:
    names = _names(board, [s for _, s, _ in ranked], full_names=full_names)
    out = []
    for rank, subject, score in ranked:
        ident, name = names.get(subject, (subject, subject))
        out.append({"rank": rank, "id": ident, "name": name, "score": score})
    return out


def standing(
    store,
    board: str,
    period: str,
    viewer,
    *,
    now: datetime,
    limit: int | None = None,
    radius: int | None = None,
    start: date | None = None,
) -> Standing:
    """Top `limit` of a board (or the rows `radius` around the viewer) and the viewer's row,
    for the current period or the past one beginning on `start` (its final standings)."""
    key = BoardKey(board, period, resolve_start(period, start, local_day(now, store.tz)))
    subject = my_subject(board, viewer)
    if radius is not None:
        ranked, me = store.around(key, subject, radius) if subject is not None else ([], None)
    else:
        ranked = [(i + 1, s, p) for i, (s, p) in enumerate(store.top(key, 0, limit))]
        me = store.rank(key, subject) if subject is not None else None
    return Standing(
        board=board,
        period=period,
        start=None if period == "all" else key.start,
        entries=_entries(board, ranked, full_names=viewer.role == Role.ADMIN),
        me={"rank": me[0], "score": me[1]} if me else None,
    )


def display_names(user_ids: list[int], *, full_names: bool) -> dict[int, str]:
    """user id → the name a public board shows (minors masked unless `full_names`), for
    boards kept outside the store (a campaign's)."""
    names = _names("citizens", [str(i) for i in user_ids], full_names=full_names)
    return {int(s): name for s, (_, name) in names.items()}
