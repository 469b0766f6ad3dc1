"""The runtime: the rulebook, the clock, today's set, the board store, the ledger's listeners and the
password hash method,
built once from the config (`build_runtime`, called by `create_app`) and handed on as one plain
object — to services through their session (`quiz.runtime.runtime_of(db.session)`), to views
and commands through the app (`quiz.current`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from quiz.services import leaderboards, points_metrics
from quiz.services.answering import Rules
from quiz.services.draw import TodaysSet
from quiz.services.leaderboards import BoardStore
from quiz.services.passwords import DEFAULT_METHOD


@dataclass
class Runtime:
    rules: Rules
    clock: object  # `.now()` → an aware UTC datetime (quiz.clock)
    todays_set: TodaysSet
    board_store: BoardStore
    # Each called as `listener(entry, owner)` for every new ledger entry, in its transaction.
    earning_listeners: tuple[Callable, ...]
    password_method: str = DEFAULT_METHOD


def build_runtime(config: Mapping, clock) -> Runtime:
    """The board store is chosen here, once: Redis when REDIS_URL is set, else the SQL table.
    Every earning reaches the boards (and the points counter) in the transaction that posts it."""
    rules = Rules.from_config(config)
    store = leaderboards.make_store(
        redis_url=config.get("REDIS_URL"),
        tz=rules.tz,
        retention_days=config["QUIZ_BOARD_RETENTION_DAYS"],
        clock=clock.now,
    )
    listeners = (partial(leaderboards.record_earning, store), points_metrics.count_points)
    method = config.get("QUIZ_PASSWORD_METHOD") or DEFAULT_METHOD
    return Runtime(rules, clock, TodaysSet(), store, listeners, method)
