"""The reminder feed (API.md v1.2, 签到 and reminders): the news app's server asks, signed like the
partner API with scope `reminders`, whom to remind — users who opted in, whose time has come and
who have not completed the day. The clock stands at Monday 2026-11-23, 10:00 in Shanghai."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from quiz.extensions import db
from quiz.models import QuizDay
from quiz.runtime import runtime_of
from quiz.services import players
from tests.partner_sim import PartnerSim, make_partner, news_user

DAY = date(2026, 11, 23)


@pytest.fixture
def feed(app, bare_client):
    partner_id, secret = make_partner(app, name="平观新闻推送", scopes=("reminders",))
    return PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)


def _reminded(app, factory, uid: str, at: str, *, enabled: bool = True) -> int:
    user_id = news_user(app, factory, uid)
    players.set_reminder(
        user_id, enabled=enabled, time=at, latest="22:00", now=runtime_of(app).clock.now()
    )
    db.session.commit()
    return user_id


def _completed(app, user_id: int, day: date = DAY) -> None:
    now = runtime_of(app).clock.now()
    db.session.add(
        QuizDay(user_id=user_id, day=day, total=5, answered=5, correct=5, completed_at=now)
    )
    db.session.commit()


def _uids(feed, query: str):
    answer = feed.call("GET", "/api/v1/partner/reminders", query=query)
    assert answer.status == 200, answer.body
    return answer.body


def test_the_feed_lists_opted_in_users_whose_time_has_come_and_who_have_not_finished(
    app, factory, feed
):
    _reminded(app, factory, "early", "08:00")
    _reminded(app, factory, "evening", "20:00")
    _completed(app, _reminded(app, factory, "done", "07:00"))
    _reminded(app, factory, "off", "07:00", enabled=False)
    assert _uids(feed, "date=2026-11-23&until=12:00") == {"date": "2026-11-23", "uids": ["early"]}
    assert _uids(feed, "date=2026-11-23&until=20:00")["uids"] == ["early", "evening"]


def test_without_a_query_the_feed_is_today_up_to_the_servers_clock(app, factory, feed):
    _reminded(app, factory, "nine", "09:00")
    _reminded(app, factory, "eleven", "11:00")
    assert _uids(feed, "") == {"date": "2026-11-23", "uids": ["nine"]}


def test_a_day_finished_yesterday_does_not_spare_today_s_reminder(app, factory, feed):
    _completed(app, _reminded(app, factory, "u1", "08:00"), DAY - timedelta(days=1))
    assert _uids(feed, "date=2026-11-23&until=09:00")["uids"] == ["u1"]


def test_a_started_but_unfinished_day_is_still_reminded(app, factory, feed):
    user_id = _reminded(app, factory, "half", "08:00")
    db.session.add(QuizDay(user_id=user_id, day=DAY, total=5, answered=2, correct=2))
    db.session.commit()
    assert _uids(feed, "date=2026-11-23&until=09:00")["uids"] == ["half"]


def test_password_accounts_are_not_in_the_feed_for_the_news_app_cannot_name_them(
    app, factory, feed
):
    user = factory.user()
    players.set_reminder(
        user.id, enabled=True, time="08:00", latest="22:00", now=runtime_of(app).clock.now()
    )
    db.session.commit()
    assert _uids(feed, "date=2026-11-23&until=23:00")["uids"] == []


def test_a_partner_without_the_reminders_scope_is_refused(app, bare_client):
    partner_id, secret = make_partner(app, scopes=("balance",))
    answer = PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock).call(
        "GET", "/api/v1/partner/reminders", query=""
    )
    assert (answer.status, answer.code) == (403, "scope_denied")


def test_an_unsigned_request_is_invalid_signature(bare_client):
    answer = bare_client.get("/api/v1/partner/reminders")
    assert answer.status_code == 401 and answer.get_json()["code"] == "invalid_signature"


@pytest.mark.parametrize("query", ["until=25:00", "until=8:00", "date=2026-13-01"])
def test_a_malformed_date_or_time_is_422(feed, query):
    answer = feed.call("GET", "/api/v1/partner/reminders", query=query)
    assert (answer.status, answer.code) == (422, "validation_error")
