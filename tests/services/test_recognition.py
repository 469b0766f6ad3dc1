"""Certificates come from pluggable achievement sources, each issued once."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from quiz.extensions import db
from quiz.services import recognition
from quiz.services.recognition import Achievement

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def campaign_source(monkeypatch):
    """A stand-in for the campaign source (≥ 90 % in a 专项答题) the lead appends later."""

    def campaigns(user_id, *, now, tz):
        return [
            Achievement("campaign", "7", "专项答题「垃圾分类」成绩优异（95%）", date(2026, 11, 20))
        ]

    monkeypatch.setattr(
        recognition, "ACHIEVEMENT_SOURCES", [*recognition.ACHIEVEMENT_SOURCES, campaigns]
    )


def test_an_added_source_issues_its_certificates_once(app, factory, clock, campaign_source):
    user = factory.user()
    first = recognition.issue_certificates(user, now=clock.now(), tz=TZ)
    db.session.commit()
    again = recognition.issue_certificates(user, now=clock.now(), tz=TZ)
    assert [(c.kind, c.subject, c.title) for c in first] == [
        ("campaign", "7", "专项答题「垃圾分类」成绩优异（95%）")
    ]
    assert [c.code for c in again] == [c.code for c in first]
    assert recognition.verify(first[0].code.lower()).title.startswith("专项答题")


def test_codes_are_long_and_differ_per_certificate(app, factory, clock, campaign_source):
    codes = {
        recognition.issue_certificates(factory.user(), now=clock.now(), tz=TZ)[0].code
        for _ in range(5)
    }
    assert len(codes) == 5 and all(len(c) >= 12 for c in codes)
