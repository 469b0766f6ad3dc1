"""三审 with QUIZ_REVIEW_STEPS=2 over HTTP: two different reviewers before citizens see a change."""

from __future__ import annotations

import pytest

from tests.sessions import signed_in_client


@pytest.fixture
def app_config():
    return {"QUIZ_REVIEW_STEPS": 2}


def test_a_change_needs_two_different_reviewers_before_citizens_see_it(
    app, factory, citizen_client
):
    def client_of(role, name):
        user = factory.user(role=role, username=name)
        return signed_in_client(app, user.id, session_version=user.session_version)

    editor, first, second = (
        client_of("editor", "editor"),
        client_of("reviewer", "first"),
        client_of("reviewer", "chief"),
    )
    for i in range(6):
        factory.question(stem=f"第{i}道原题？")
    qid = citizen_client.get("/api/v1/quiz/today").get_json()["questions"][0]["id"]
    assert (
        editor.patch(f"/api/v1/admin/questions/{qid}", json={"stem": "两审后的题干？"}).status_code
        == 202
    )
    url = f"/api/v1/admin/questions/{qid}/versions/2/approve"

    once = first.post(url, json={}).get_json()
    assert (once["published"], once["approvals"], once["status"]) == (False, 1, "submitted")
    stems = [q["stem"] for q in citizen_client.get("/api/v1/quiz/today").get_json()["questions"]]
    assert "两审后的题干？" not in stems
    again = first.post(url, json={})
    assert again.status_code == 409 and again.get_json()["code"] == "already_reviewed"

    twice = second.post(url, json={}).get_json()
    assert (twice["published"], twice["approvals"], twice["status"]) == (True, 2, "published")
    stems = [q["stem"] for q in citizen_client.get("/api/v1/quiz/today").get_json()["questions"]]
    assert "两审后的题干？" in stems
