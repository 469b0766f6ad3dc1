"""Fair play in campaigns: options in the user's own order, answers in their keys, and the
minimum answer interval (too-fast answers neither score nor pay)."""

from __future__ import annotations

import pytest

from tests.api.test_campaigns import OPENS_AT, answer, new_campaign, start


@pytest.fixture
def app_config() -> dict:
    return {
        "QUIZ_SHUFFLE_OPTIONS": True,
        "QUIZ_DRAW_SECRET": "campaign-test-draw-secret-0123456789",
        "QUIZ_MIN_ANSWER_MS": 1500,
    }


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
            clock.advance(seconds=2)
            result = answer(client, campaign["id"], attempt, q["id"], [key]).get_json()
            assert result["correct"] is True and result["correct_choices"] == [key]
    assert any(order != ["甲", "乙", "丙", "丁", "戊"] for order in orders[0].values())
    assert orders[0] != orders[1]


def test_a_too_fast_answer_is_marked_and_neither_scores_nor_pays(
    admin_client, factory, as_user, clock
):
    ids = [factory.question(type="judge").id for _ in range(3)]
    campaign = new_campaign(admin_client, ids)
    clock.set(OPENS_AT)
    user = factory.user()
    client = as_user(user)
    attempt = start(client, campaign["id"]).get_json()
    q = [x["id"] for x in attempt["questions"]]
    clock.advance(seconds=1)
    hasty = answer(client, campaign["id"], attempt, q[0]).get_json()
    assert hasty["correct"] is True and hasty["too_fast"] is True
    assert hasty["points_awarded"] == 0 and hasty["score"] == 0
    clock.advance(seconds=2)
    calm = answer(client, campaign["id"], attempt, q[1]).get_json()
    assert calm["too_fast"] is False and calm["points_awarded"] == 10 and calm["score"] == 1
    board = client.get(f"/api/v1/campaigns/{campaign['id']}/leaderboard").get_json()
    assert board["me"]["score"] == 1
