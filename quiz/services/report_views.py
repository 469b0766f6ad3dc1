"""The 纠错 queue as the reporter saw the question (issue 23, defect 9): options are shown in a
per-user order, so a report saying "B 才对" names the reporter's B. Each queue item carries the
options in the reporter's order, each with the question's own key beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SeenOption:
    key: str  # the reporter's key
    own_key: str  # the question's key
    text: str


@dataclass(frozen=True)
class SeenQueueItem:
    """A queue item (reads through to it) with `reporter_options`: None when the reporter saw
    the question's own order (judge questions, shuffling off)."""

    item: object
    reporter_options: list[SeenOption] | None

    def __getattr__(self, name):
        return getattr(self.item, name)


def as_reporter_saw(items, options_for: Callable) -> list[SeenQueueItem]:
    """`options_for(user_id, question)` is the answering rules' (an OptionOrder or None)."""
    seen = []
    for item in items:
        question = item.question
        order = options_for(item.user_id, question) if item.user_id else None
        options = None
        if order is not None:
            keys = [key for key, _ in question.options]
            options = [SeenOption(keys[i], *question.options[j]) for i, j in enumerate(order.shown)]
        seen.append(SeenQueueItem(item, options))
    return seen
