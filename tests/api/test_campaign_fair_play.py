"""A campaign attempt shows options in the user's own order and takes answers in their keys."""

from __future__ import annotations

import pytest

from tests.api.test_campaigns import OPENS_AT, answer, new_campaign, start


@pytest.fixture
def app_config() -> dict:
    return {"QUIZ_SHUFFLE_OPTIONS": True, "QUIZ_DRAW_SECRET": "campaign-test-secret"}


def test_options_come_in_the_users_order_and_answers_in_their_keys(
    admin_client, factory, as_user, clock
):
    texts = [["A", "甲"], ["B", "乙"], ["C", "丙"], ["D", "丁"], ["E", "戊"]]
    ids = [factory.question(options=texts, answer="A").id for _ in range(6)]
    campaign = new_campaign(admin_client, ids, questions_per_attempt=6, attempts_allowed=1)
    clock.set(OPENS_AT)
    orders = []
    for user in (factory.user(), factory.user()):
        client = as_user(user)
        attempt = start(client, campaign["id"]).get_json()
        shown = {q["id"]: [o["text"] for o in q["options"]] for q in attempt["questions"]}
        orders.append(shown)
        for q in attempt["questions"]:
            # The user's key of the right answer (the question's "A", text 甲).
            key = next(o["key"] for o in q["options"] if o["text"] == "甲")
            result = answer(client, campaign["id"], attempt, q["id"], [key]).get_json()
            assert result["correct"] is True and result["correct_choices"] == [key]
    assert any(order != ["甲", "乙", "丙", "丁", "戊"] for order in orders[0].values())
    assert orders[0] != orders[1]
