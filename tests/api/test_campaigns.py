"""Campaigns (专项答题): the admin's editor, the window, attempts, the deadline, best-attempt
points, the campaign's own board, and the daily draw leaving a running campaign's pool alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.runtime import runtime_of
from quiz.services import campaign_board, draw, ledger

# START (tests/conftest.py) is Monday 2026-11-23 10:00 in Asia/Shanghai.
OPENS = "2026-11-24T09:00:00+08:00"
CLOSES = "2026-11-30T21:00:00+08:00"
OPENS_AT = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
CLOSES_AT = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def pool(factory, count=5, category="创文"):
    """Questions whose correct answer is the question's own "A"."""
    return [factory.question(category=category).id for _ in range(count)]


def new_campaign(admin_client, question_ids, **fields):
    body = {
        "name": "创文知识专项答题",
        "description": "创建全国文明城市，你我同行。",
        "starts_at": OPENS,
        "ends_at": CLOSES,
        "question_ids": question_ids,
        "questions_per_attempt": 3,
        "attempts_allowed": 3,
        "points_per_correct": 10,
        **fields,
    }
    response = admin_client.post("/api/v1/admin/campaigns", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def start(client, campaign_id):
    return client.post(f"/api/v1/campaigns/{campaign_id}/attempts")


def answer(client, campaign_id, attempt, question_id, choices=("A",)):
    return client.post(
        f"/api/v1/campaigns/{campaign_id}/attempts/{attempt['id']}/answers",
        json={"question_id": question_id, "choices": list(choices)},
    )


def play(client, campaign_id, correct: int, clock=None, seconds_each=0):
    """One attempt answering its first `correct` questions right and the rest wrong."""
    response = start(client, campaign_id)
    assert response.status_code == 201, response.get_json()
    attempt = response.get_json()
    results = []
    for i, q in enumerate(attempt["questions"]):
        if clock is not None and seconds_each:
            clock.advance(seconds=seconds_each)
        r = answer(client, campaign_id, attempt, q["id"], ["A"] if i < correct else ["B"])
        assert r.status_code == 200, r.get_json()
        results.append(r.get_json())
    return attempt, results


def campaign_points(user_id):
    return db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
            LedgerEntry.user_id == user_id, LedgerEntry.kind == "campaign_points"
        )
    )


# --- the editor ---------------------------------------------------------------------------


def test_an_admin_creates_a_campaign_with_times_read_in_shanghai(admin_client, factory):
    ids = pool(factory)
    body = new_campaign(
        admin_client, ids, starts_at="2026-11-24T09:00:00", ends_at="2026-11-30T21:00:00"
    )
    assert body["starts_at"] == "2026-11-24T09:00:00+08:00"
    assert body["ends_at"] == "2026-11-30T21:00:00+08:00"
    assert body["question_ids"] == ids and body["category"] is None
    fetched = admin_client.get(f"/api/v1/admin/campaigns/{body['id']}").get_json()
    assert fetched == body
    listed = admin_client.get("/api/v1/admin/campaigns").get_json()
    assert [c["id"] for c in listed["items"]] == [body["id"]] and listed["next_cursor"] is None


def test_an_admin_edits_a_campaign_and_a_category_replaces_the_question_list(admin_client, factory):
    body = new_campaign(admin_client, pool(factory))
    pool(factory, 4, category="文明交通")
    response = admin_client.patch(
        f"/api/v1/admin/campaigns/{body['id']}",
        json={"category": "文明交通", "time_limit_s": 300, "name": "文明交通专项"},
    )
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert edited["category"] == "文明交通" and edited["question_ids"] is None
    assert edited["time_limit_s"] == 300 and edited["name"] == "文明交通专项"
    assert edited["starts_at"] == body["starts_at"]


def test_a_campaign_that_breaks_the_rules_is_422_with_field_errors(admin_client, factory):
    ids = pool(factory, 2)
    response = admin_client.post(
        "/api/v1/admin/campaigns",
        json={
            "name": "坏的",
            "starts_at": CLOSES,
            "ends_at": OPENS,
            "question_ids": ids,
            "questions_per_attempt": 3,
            "attempts_allowed": 0,
            "points_per_correct": 10,
        },
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == "validation_error"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert "attempts_allowed" in fields

    response = admin_client.post(
        "/api/v1/admin/campaigns",
        json={
            "name": "坏的",
            "starts_at": CLOSES,
            "ends_at": OPENS,
            "question_ids": ids,
            "questions_per_attempt": 3,
            "attempts_allowed": 101,
            "points_per_correct": 10,
            "time_limit_s": 5,
        },
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"ends_at", "attempts_allowed", "time_limit_s"} <= fields


def test_an_edit_that_breaks_the_rules_is_422_and_changes_nothing(admin_client, factory):
    ids = pool(factory)
    body = new_campaign(admin_client, ids)
    response = admin_client.patch(
        f"/api/v1/admin/campaigns/{body['id']}",
        json={"ends_at": "2026-11-01T00:00:00+08:00", "question_ids": ids[:4]},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["ends_at"]
    response = admin_client.patch(
        f"/api/v1/admin/campaigns/{body['id']}", json={"question_ids": None}
    )
    assert response.status_code == 422
    assert admin_client.get(f"/api/v1/admin/campaigns/{body['id']}").get_json() == body


def test_a_pool_smaller_than_an_attempt_is_422(admin_client, factory):
    ids = pool(factory, 2)
    inactive = factory.question(category="创文", active=False).id
    response = admin_client.post(
        "/api/v1/admin/campaigns",
        json={
            "name": "题目不够",
            "starts_at": OPENS,
            "ends_at": CLOSES,
            "question_ids": ids,
            "questions_per_attempt": 3,
            "attempts_allowed": 1,
            "points_per_correct": 10,
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["question_ids"]
    response = admin_client.post(
        "/api/v1/admin/campaigns",
        json={
            "name": "停用的题",
            "starts_at": OPENS,
            "ends_at": CLOSES,
            "question_ids": [*ids, inactive],
            "questions_per_attempt": 2,
            "attempts_allowed": 1,
            "points_per_correct": 10,
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["question_ids.2"]


def test_a_campaign_needs_exactly_one_pool(admin_client, factory):
    ids = pool(factory, 3)
    common = {
        "name": "两个题目池",
        "starts_at": OPENS,
        "ends_at": CLOSES,
        "questions_per_attempt": 3,
        "attempts_allowed": 1,
        "points_per_correct": 10,
    }
    both = admin_client.post(
        "/api/v1/admin/campaigns", json={**common, "question_ids": ids, "category": "创文"}
    )
    neither = admin_client.post("/api/v1/admin/campaigns", json=common)
    assert both.status_code == neither.status_code == 422


def test_the_admin_list_pages_newest_first(admin_client, factory):
    ids = pool(factory, 3)
    made = [new_campaign(admin_client, ids, name=f"专项{n}")["id"] for n in range(3)]
    first = admin_client.get("/api/v1/admin/campaigns?limit=2").get_json()
    assert [c["id"] for c in first["items"]] == made[:0:-1]
    rest = admin_client.get(f"/api/v1/admin/campaigns?limit=2&cursor={first['next_cursor']}")
    assert [c["id"] for c in rest.get_json()["items"]] == made[:1]
    assert rest.get_json()["next_cursor"] is None
    bad = admin_client.get("/api/v1/admin/campaigns?cursor=not-a-cursor")
    assert bad.status_code == 422


def test_only_admins_run_campaigns(citizen_client, factory):
    ids = pool(factory, 3)
    response = citizen_client.post(
        "/api/v1/admin/campaigns",
        json={
            "name": "x",
            "starts_at": OPENS,
            "ends_at": CLOSES,
            "question_ids": ids,
            "questions_per_attempt": 3,
            "attempts_allowed": 1,
            "points_per_correct": 10,
        },
    )
    assert response.status_code == 403
    assert citizen_client.get("/api/v1/admin/campaigns").status_code == 403


# --- the window and attempts --------------------------------------------------------------


def test_one_second_before_the_start_the_campaign_is_closed(
    admin_client, citizen_client, factory, clock
):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT - timedelta(seconds=1))
    response = start(citizen_client, campaign["id"])
    assert response.status_code == 409 and response.get_json()["code"] == "campaign_closed"
    listed = citizen_client.get("/api/v1/campaigns").get_json()
    assert listed[0]["status"] == "upcoming"


def test_at_the_start_an_attempt_begins(admin_client, citizen_client, factory, clock):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    response = start(citizen_client, campaign["id"])
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["questions"]) == 3 and body["deadline"] is None
    assert set(body["questions"][0]) == {"id", "type", "stem", "options", "category"}


def test_one_second_after_the_end_the_campaign_is_closed(
    admin_client, citizen_client, factory, clock
):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(CLOSES_AT)
    assert start(citizen_client, campaign["id"]).status_code == 201
    clock.set(CLOSES_AT + timedelta(seconds=1))
    response = start(citizen_client, campaign["id"])
    assert response.status_code == 409 and response.get_json()["code"] == "campaign_closed"
    assert citizen_client.get("/api/v1/campaigns").get_json()[0]["status"] == "ended"


def test_a_user_has_only_the_attempts_allowed(admin_client, citizen_client, factory, clock):
    campaign = new_campaign(admin_client, pool(factory), attempts_allowed=2)
    clock.set(OPENS_AT)
    assert start(citizen_client, campaign["id"]).status_code == 201
    assert start(citizen_client, campaign["id"]).status_code == 201
    response = start(citizen_client, campaign["id"])
    assert response.status_code == 409 and response.get_json()["code"] == "no_attempts_left"
    listed = citizen_client.get("/api/v1/campaigns").get_json()[0]
    assert listed["attempts_left"] == 0 and listed["status"] == "open"


def test_each_attempt_draws_its_own_questions_from_the_pool(
    admin_client, citizen_client, factory, clock
):
    ids = pool(factory, 12)
    campaign = new_campaign(admin_client, ids, attempts_allowed=5)
    clock.set(OPENS_AT)
    draws = [
        tuple(q["id"] for q in start(citizen_client, campaign["id"]).get_json()["questions"])
        for _ in range(5)
    ]
    assert all(set(d) <= set(ids) and len(set(d)) == 3 for d in draws)
    assert len(set(draws)) > 1


def test_the_deadline_is_enforced_on_the_server(admin_client, citizen_client, factory, clock):
    campaign = new_campaign(admin_client, pool(factory), time_limit_s=60)
    clock.set(OPENS_AT)
    attempt = start(citizen_client, campaign["id"]).get_json()
    assert attempt["deadline"] == "2026-11-24T09:01:00+08:00"
    assert attempt["remaining_s"] == 60
    clock.advance(seconds=60)
    first = answer(citizen_client, campaign["id"], attempt, attempt["questions"][0]["id"])
    assert first.status_code == 200 and first.get_json()["remaining_s"] == 0
    clock.advance(seconds=1)
    late = answer(citizen_client, campaign["id"], attempt, attempt["questions"][1]["id"])
    assert late.status_code == 409 and late.get_json()["code"] == "attempt_over"


def test_the_windows_end_caps_the_deadline(admin_client, citizen_client, factory, clock):
    campaign = new_campaign(admin_client, pool(factory), time_limit_s=600)
    clock.set(CLOSES_AT - timedelta(seconds=30))
    attempt = start(citizen_client, campaign["id"]).get_json()
    assert attempt["deadline"] == "2026-11-30T21:00:00+08:00" and attempt["remaining_s"] == 30


def test_an_attempt_without_a_time_limit_ends_with_the_window(
    admin_client, citizen_client, factory, clock
):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(CLOSES_AT - timedelta(minutes=1))
    attempt = start(citizen_client, campaign["id"]).get_json()
    clock.set(CLOSES_AT + timedelta(seconds=1))
    late = answer(citizen_client, campaign["id"], attempt, attempt["questions"][0]["id"])
    assert late.status_code == 409 and late.get_json()["code"] == "attempt_over"


def test_a_question_is_answered_once_and_a_finished_attempt_is_over(
    admin_client, citizen_client, factory, clock
):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    attempt = start(citizen_client, campaign["id"]).get_json()
    q = [x["id"] for x in attempt["questions"]]
    assert answer(citizen_client, campaign["id"], attempt, q[0]).status_code == 200
    again = answer(citizen_client, campaign["id"], attempt, q[0])
    assert again.status_code == 409 and again.get_json()["code"] == "already_answered"
    answer(citizen_client, campaign["id"], attempt, q[1])
    last = answer(citizen_client, campaign["id"], attempt, q[2]).get_json()
    assert last["completed"] is True and last["answered"] == last["total"] == 3
    over = answer(citizen_client, campaign["id"], attempt, q[0])
    assert over.status_code == 409 and over.get_json()["code"] == "attempt_over"


def test_a_running_attempt_resumes_until_it_is_over(
    admin_client, citizen_client, factory, as_user, clock
):
    campaign = new_campaign(admin_client, pool(factory), time_limit_s=120)
    clock.set(OPENS_AT)
    attempt = start(citizen_client, campaign["id"]).get_json()
    q = [x["id"] for x in attempt["questions"]]
    answer(citizen_client, campaign["id"], attempt, q[0])
    clock.advance(seconds=30)
    listed = citizen_client.get("/api/v1/campaigns").get_json()[0]
    assert listed["open_attempt_id"] == attempt["id"]
    url = f"/api/v1/campaigns/{campaign['id']}/attempts/{attempt['id']}"
    again = citizen_client.get(url).get_json()
    assert [x["id"] for x in again["questions"]] == q
    assert again["questions"] == attempt["questions"]
    assert again["answered_ids"] == [q[0]] and again["score"] == 1 and again["points"] == 10
    assert again["remaining_s"] == 90 and again["deadline"] == attempt["deadline"]
    assert as_user(factory.user()).get(url).status_code == 404
    clock.advance(seconds=91)
    over = citizen_client.get(url)
    assert over.status_code == 409 and over.get_json()["code"] == "attempt_over"
    assert citizen_client.get("/api/v1/campaigns").get_json()[0]["open_attempt_id"] is None


def test_a_question_outside_the_attempt_is_404(admin_client, citizen_client, factory, clock):
    ids = pool(factory, 4)
    campaign = new_campaign(admin_client, ids)
    clock.set(OPENS_AT)
    attempt = start(citizen_client, campaign["id"]).get_json()
    drawn = {q["id"] for q in attempt["questions"]}
    other = next(i for i in ids if i not in drawn)
    response = answer(citizen_client, campaign["id"], attempt, other)
    assert response.status_code == 404 and response.get_json()["code"] == "not_in_attempt"


def test_another_users_attempt_is_not_found(admin_client, citizen_client, factory, as_user, clock):
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    attempt = start(citizen_client, campaign["id"]).get_json()
    stranger = as_user(factory.user())
    response = answer(stranger, campaign["id"], attempt, attempt["questions"][0]["id"])
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_attempt"


# --- points -------------------------------------------------------------------------------


def test_points_are_paid_only_for_improving_on_the_best_attempt(
    admin_client, factory, as_user, clock
):
    user = factory.user()
    client = as_user(user)
    campaign = new_campaign(admin_client, pool(factory), attempts_allowed=3)
    clock.set(OPENS_AT)
    _, first = play(client, campaign["id"], correct=2)
    assert [r["points_awarded"] for r in first] == [10, 10, 0]
    _, second = play(client, campaign["id"], correct=1)
    assert [r["points_awarded"] for r in second] == [0, 0, 0]
    _, third = play(client, campaign["id"], correct=3)
    assert [r["points_awarded"] for r in third] == [0, 0, 10]
    assert third[-1]["balance"] == 30
    assert campaign_points(user.id) == 30
    assert db.session.get(User, user.id).balance == 30
    listed = client.get("/api/v1/campaigns").get_json()[0]
    assert listed["best_score"] == 3 and listed["attempts_left"] == 0
    assert ledger.mismatches() == []


def test_replaying_an_equal_score_pays_nothing(admin_client, factory, as_user, clock):
    user = factory.user()
    client = as_user(user)
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    play(client, campaign["id"], correct=3)
    _, replay = play(client, campaign["id"], correct=3)
    assert sum(r["points_awarded"] for r in replay) == 0
    assert campaign_points(user.id) == 30


def test_staff_earn_nothing_and_stay_off_the_board(admin_client, factory, as_user, clock):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    _, results = play(admin_client, campaign["id"], correct=3)
    assert all(r["correct"] for r in results)
    assert sum(r["points_awarded"] for r in results) == 0
    assert campaign_points(admin.id) == 0
    board = admin_client.get(f"/api/v1/campaigns/{campaign['id']}/leaderboard").get_json()
    assert board == {"entries": [], "me": None}


def test_campaign_points_are_their_own_ledger_kind_and_move_no_daily_board(
    admin_client, factory, as_user, clock
):
    user = factory.user()
    client = as_user(user)
    campaign = new_campaign(admin_client, pool(factory))
    clock.set(OPENS_AT)
    play(client, campaign["id"], correct=3)
    entries = client.get("/api/v1/me/points").get_json()["entries"]
    assert {e["kind"] for e in entries} == {"campaign_points"} and len(entries) == 3
    assert entries[0]["ref"] == f"campaign:{campaign['id']}"
    for period in ("day", "week", "month", "all"):
        board = client.get(f"/api/v1/leaderboards/citizens?period={period}").get_json()
        assert board["entries"] == [] and board["me"] is None


# --- the campaign's board -----------------------------------------------------------------


def test_the_board_ranks_best_attempts_ties_to_less_time_and_masks_minors(
    admin_client, factory, as_user, clock
):
    campaign = new_campaign(admin_client, pool(factory), attempts_allowed=2)
    slow = factory.user(display_name="王慢慢")
    fast = factory.user(display_name="李小明", role="reporter")  # a 小记者: a minor
    low = factory.user(display_name="赵低分")
    clock.set(OPENS_AT)
    play(as_user(slow), campaign["id"], correct=3, clock=clock, seconds_each=20)
    play(as_user(fast), campaign["id"], correct=1, clock=clock, seconds_each=1)
    play(as_user(fast), campaign["id"], correct=3, clock=clock, seconds_each=5)
    play(as_user(low), campaign["id"], correct=2, clock=clock, seconds_each=1)
    viewer = as_user(low)
    board = viewer.get(f"/api/v1/campaigns/{campaign['id']}/leaderboard?limit=10").get_json()
    assert board["entries"] == [
        {"rank": 1, "id": fast.id, "name": "李*明", "score": 3, "seconds": 15},
        {"rank": 2, "id": slow.id, "name": "王慢慢", "score": 3, "seconds": 60},
        {"rank": 3, "id": low.id, "name": "赵低分", "score": 2, "seconds": 3},
    ]
    assert board["me"] == {"rank": 3, "score": 2, "seconds": 3}
    top = viewer.get(f"/api/v1/campaigns/{campaign['id']}/leaderboard?limit=1").get_json()
    assert len(top["entries"]) == 1 and top["me"]["rank"] == 3
    as_admin = admin_client.get(f"/api/v1/campaigns/{campaign['id']}/leaderboard").get_json()
    assert as_admin["entries"][0]["name"] == "李小明"


def test_a_board_limit_outside_1_to_100_is_422(admin_client, citizen_client, factory):
    campaign = new_campaign(admin_client, pool(factory))
    url = f"/api/v1/campaigns/{campaign['id']}/leaderboard"
    assert citizen_client.get(url + "?limit=0").status_code == 422
    assert citizen_client.get(url + "?limit=101").status_code == 422


def test_an_unknown_campaign_is_404(citizen_client, admin_client):
    assert citizen_client.get("/api/v1/campaigns/999/leaderboard").status_code == 404
    huge = "999999999999999999999"
    assert citizen_client.get(f"/api/v1/campaigns/{huge}/attempts/{huge}").status_code == 404
    assert admin_client.get(f"/api/v1/admin/campaigns/{huge}").status_code == 404
    response = start(citizen_client, 999)
    assert response.status_code == 404 and response.get_json()["code"] == "unknown_campaign"


# --- the daily draw -----------------------------------------------------------------------


def test_a_running_campaigns_questions_stay_out_of_the_daily_draw(admin_client, factory, app):
    held = pool(factory, 5, category="创文")
    others = pool(factory, 5, category="垃圾分类")
    new_campaign(admin_client, held)
    rules = runtime_of(app).rules
    for day in (date(2026, 11, 24), date(2026, 11, 30)):
        assert set(draw.choose_questions(day, rules)) == set(others)
    # Before and after the window the whole bank is drawn from again.
    for day in (date(2026, 11, 23), date(2026, 12, 1)):
        drawn = draw.choose_questions(day, rules)
        assert set(drawn) <= set(held) | set(others) and set(drawn) & set(held)


def test_a_category_campaign_holds_its_category_back(admin_client, factory, app):
    pool(factory, 5, category="创文")
    others = pool(factory, 5, category="垃圾分类")
    new_campaign(admin_client, None, category="创文")
    rules = runtime_of(app).rules
    assert set(draw.choose_questions(date(2026, 11, 25), rules)) == set(others)


# --- for certificates ---------------------------------------------------------------------


def test_high_scores_lists_best_attempts_of_at_least_90_percent(
    admin_client, factory, as_user, clock
):
    user = factory.user()
    client = as_user(user)
    good = new_campaign(admin_client, pool(factory))
    poor = new_campaign(admin_client, pool(factory), name="垃圾分类专项")
    clock.set(OPENS_AT)
    play(client, good["id"], correct=2)
    clock.advance(minutes=5)
    play(client, good["id"], correct=3)
    play(client, poor["id"], correct=2)
    found = campaign_board.high_scores(user.id)
    assert [(a.campaign_id, a.score, a.total) for a in found] == [(good["id"], 3, 3)]
    assert found[0].name == "创文知识专项答题" and found[0].achieved_at == clock.now()


def test_a_campaign_scored_at_90_percent_earns_a_certificate_anyone_can_verify(
    admin_client, factory, as_user, client, clock
):
    user = factory.user(display_name="王小明")
    player = as_user(user)
    good = new_campaign(admin_client, pool(factory))
    poor = new_campaign(admin_client, pool(factory), name="垃圾分类专项")
    clock.set(OPENS_AT)
    play(player, good["id"], correct=3)
    play(player, poor["id"], correct=2)
    listed = player.get("/api/v1/me/certificates").get_json()["items"]
    assert [c["kind"] for c in listed] == ["campaign"]
    assert "创文知识专项答题" in listed[0]["title"]
    verified = client.get(f"/api/v1/certificates/{listed[0]['code']}")
    assert verified.status_code == 200
    assert verified.get_json()["kind"] == "campaign"
    again = player.get("/api/v1/me/certificates").get_json()["items"]
    assert [c["code"] for c in again] == [listed[0]["code"]]
