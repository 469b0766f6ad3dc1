"""First-run content: what `make run` loads into an empty database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import exists, select

from quiz.extensions import db
from quiz.models import Question
from quiz.services import banks, prizes, review


def seed_empty_database(*, now: datetime) -> Iterator[str]:
    """Yield a line per step. Each part is loaded only when its tables are empty."""

    if db.session.scalar(select(exists().where(Question.id.is_not(None)))):
        yield "questions: already present, bundled bank not loaded"
    else:
        report = banks.import_bundled(now=now)
        # The bundled bank ships reviewed with the code: its questions start published.
        review.submit_import(report.bank_id, banks.BUNDLED_NAME, author_id=None, steps=0, now=now)
        yield f"questions: loaded the bundled bank ({report.created} questions)"
    added = prizes.seed_demo_prizes(now)
    yield f"shop: {added} demo prizes added" if added else "shop: prizes present, none added"
