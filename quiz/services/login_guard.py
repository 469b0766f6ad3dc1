"""The failed-login and registration limits, exact across workers and instances: counted in the
database.

Every process of every instance shares the database, so the count lives there, in fixed windows
(`10 per 5 minutes`: the window is the current 5-minute slot). An attempt first *reserves* one
failure with an atomic upsert (`count = count + 1 … RETURNING count`) on its own connection,
committed at once by the caller (it must outlive the 401 that rolls the request back): of N
racing attempts exactly `limit` get a count within the limit, the rest are refused before the
password is even checked. A correct password gives its reservation back.

Two keys per attempt: the username with the client address (failures from one address lock that
address out of that account only, so a stranger cannot lock the owner out), and the username
alone with a much higher ceiling (a botnet spreading guesses over many addresses).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from limits import parse
from sqlalchemy import delete, update

from quiz.errors import RateLimited
from quiz.models import LoginFailureCount
from quiz.services.sql import insert_on_conflict_for


@dataclass(frozen=True)
class Limit:
    amount: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        item = parse(text)
        return cls(item.amount, item.get_expiry())


@dataclass(frozen=True)
class Reservation:
    keys: tuple[tuple[str, int], ...]  # (key, window_start) reserved


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:64]


def keys_for(
    username: str, address: str | None, *, per_address: Limit, per_account: Limit
) -> list[tuple[str, Limit]]:
    name = username.lower()
    return [(_key("user-ip", name, address or "?"), per_address), (_key("user", name), per_account)]


def registration_keys(address: str | None, *, per_address: Limit) -> list[tuple[str, Limit]]:
    """Registrations from one address, counted like failed sign-ins: exact across workers,
    instances and restarts."""
    return [(_key("register-ip", address or "?"), per_address)]


def reserve(session, keys: list[tuple[str, Limit]], *, now: datetime) -> Reservation | None:
    """Count one failure in advance under every key. None when any key is past its limit: the
    reservation is then given back (refused attempts do not extend the lockout) and the caller
    answers 429 once it has committed."""
    at = int(now.timestamp())
    taken: list[tuple[str, int]] = []
    table = LoginFailureCount.__table__
    dialect = session.get_bind().dialect.name
    for key, limit in keys:
        window = at - at % limit.seconds
        stmt = insert_on_conflict_for(dialect, table).values(key=key, window_start=window, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"count": table.c.count + 1}
        ).returning(table.c.count)
        count = session.execute(stmt).scalar_one()
        taken.append((key, window))
        # Older windows of this key are over: forget them.
        session.execute(delete(table).where(table.c.key == key, table.c.window_start < window))
        if count > limit.amount:
            _give_back(session, taken)
            return None
    return Reservation(tuple(taken))


def refused(keys: list[tuple[str, Limit]], what: str = "登录失败次数过多") -> RateLimited:
    minutes = max(limit.seconds // 60 for _, limit in keys) or 1
    return RateLimited(f"{what}，请 {minutes} 分钟后再试。")


def release(session, reservation: Reservation) -> None:
    """The password was right: the reserved failures were not failures."""
    _give_back(session, reservation.keys)


def _give_back(session, keys) -> None:
    table = LoginFailureCount.__table__
    for key, window in keys:
        session.execute(
            update(table)
            .where(table.c.key == key, table.c.window_start == window)
            .values(count=table.c.count - 1)
        )
