"""Learning: review, the 错题本, practice that never pays nor peeks ahead, 纠错 reports and the
statistics that point admins at questions needing a look."""

from __future__ import annotations

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from quiz.extensions import db
from quiz.models import Answer, LedgerEntry, QuestionReport, QuizDay, User
from quiz.runtime import runtime_of
from quiz.services import draw
from quiz.services.daily_quiz import Rules

CATEGORIES = ["垃圾分类", "交通文明"]
_numbers = itertools.count(1)


@pytest.fixture
def bank(factory):
    # Every question's right answer is A (options in their own order: shuffling is off here).
    return [factory.question(category=CATEGORIES[i % 2], explanation=f"解析{i}") for i in range(12)]


def today(client) -> dict:
    response = client.get("/api/v1/quiz/today")
    assert response.status_code == 200
    return response.get_json()


def answer(client, qid, choices):
    return client.post(
        "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": list(choices)}
    )


def play(client, wrong: int = 0) -> list[dict]:
    """Answer today's questions: the first `wrong` with B, the rest right; returns the set."""
    questions = today(client)["questions"]
    for i, q in enumerate(questions):
        assert answer(client, q["id"], ["B"] if i < wrong else ["A"]).status_code == 200
    return questions


def practise(client, source="mistakes", **body):
    return client.post("/api/v1/practice", json={"source": source, **body})


def practice_answer(client, session_id, qid, choices):
    return client.post(
        f"/api/v1/practice/{session_id}/answers", json={"question_id": qid, "choices": choices}
    )


def mistakes(client, query="") -> list[dict]:
    response = client.get(f"/api/v1/me/mistakes{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


# --- review ----------------------------------------------------------------------------


def test_learning_needs_a_signed_in_user(client, bank):
    for method, path in (
        ("get", "/api/v1/quiz/history/2026-11-23"),
        ("get", "/api/v1/me/mistakes"),
        ("post", "/api/v1/practice"),
        ("post", "/api/v1/practice/1/answers"),
        ("post", f"/api/v1/questions/{bank[0].id}/reports"),
        ("get", "/api/v1/me/question-reports"),
    ):
        response = getattr(client, method)(path, json={} if method == "post" else None)
        assert response.status_code == 401, path
        assert response.get_json()["code"] == "login_required"


def test_review_shows_an_answered_day_with_choices_answers_and_explanations(
    citizen_client, bank, clock
):
    questions = play(citizen_client, wrong=2)
    clock.advance(days=1)
    review = citizen_client.get("/api/v1/quiz/history/2026-11-23").get_json()
    assert review["date"] == "2026-11-23"
    assert [item["question"]["id"] for item in review["questions"]] == [q["id"] for q in questions]
    first, last = review["questions"][0], review["questions"][-1]
    assert first["choices"] == ["B"] and first["correct"] is False and first["points_awarded"] == 0
    assert last["choices"] == ["A"] and last["correct"] is True and last["points_awarded"] >= 10
    assert first["correct_choices"] == ["A"] and first["explanation"].startswith("解析")


def test_review_of_today_shows_only_the_answered_questions(citizen_client, bank):
    questions = today(citizen_client)["questions"]
    answer(citizen_client, questions[0]["id"], ["A"])
    review = citizen_client.get("/api/v1/quiz/history/2026-11-23").get_json()
    assert [item["question"]["id"] for item in review["questions"]] == [questions[0]["id"]]


def test_review_of_a_day_without_answers_is_404(citizen_client, bank):
    response = citizen_client.get("/api/v1/quiz/history/2026-11-20")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert citizen_client.get("/api/v1/quiz/history/not-a-day").status_code == 422


# --- the 错题本 -------------------------------------------------------------------------


def test_wrong_answers_fill_the_mistake_book_newest_first(citizen_client, bank, clock):
    first_day = play(citizen_client, wrong=1)
    clock.advance(days=1)
    second_day = play(citizen_client, wrong=2)
    items = mistakes(citizen_client)
    assert [m["question"]["id"] for m in items][0] in {q["id"] for q in second_day[:2]}
    assert {m["question"]["id"] for m in items} == {q["id"] for q in first_day[:1] + second_day[:2]}
    assert items[-1]["last_wrong_on"] == "2026-11-23" and items[0]["last_wrong_on"] == "2026-11-24"
    assert all(m["correct_choices"] == ["A"] and not m["mastered"] for m in items)
    assert all(m["wrong_count"] == 1 for m in items)


def test_the_mistake_book_filters_by_category_and_pages(citizen_client, bank):
    play(citizen_client, wrong=5)
    everything = mistakes(citizen_client)
    assert len(everything) == 5
    garbage = mistakes(citizen_client, "?category=垃圾分类")
    assert garbage and all(m["question"]["category"] == "垃圾分类" for m in garbage)
    assert mistakes(citizen_client, "?mastered=1") == []
    page = citizen_client.get("/api/v1/me/mistakes?limit=2").get_json()
    rest = citizen_client.get(f"/api/v1/me/mistakes?limit=10&cursor={page['next_cursor']}")
    ids = [m["id"] for m in page["items"] + rest.get_json()["items"]]
    assert ids == [m["id"] for m in everything]
    assert citizen_client.get("/api/v1/me/mistakes?cursor=%%%").status_code == 422


# --- practice ----------------------------------------------------------------------------


def test_practice_never_awards_points_boards_streaks_or_the_days_completion(
    app, factory, as_user, bank, clock
):
    user = factory.user(username="learner")
    client = as_user(user)
    play(client, wrong=3)
    clock.advance(days=1)
    questions = today(client)["questions"]
    answer(client, questions[0]["id"], ["A"])  # today is under way, not complete

    def state():
        db.session.expire_all()
        me = db.session.get(User, user.id)
        entries = db.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.user_id == user.id)
        )
        day = db.session.scalar(
            select(QuizDay).where(QuizDay.user_id == user.id, QuizDay.day == clock.now().date())
        )
        board = client.get("/api/v1/leaderboards/citizens?period=week").get_json()["me"]
        return (
            me.balance,
            entries,
            me.streak,
            me.streak_day,
            day.answered,
            day.completed_at,
            board,
        )

    before = state()
    for source in ("mistakes", "past", "category"):
        session = practise(client, source, category="垃圾分类", count=20).get_json()
        for q in session["questions"]:
            result = practice_answer(client, session["id"], q["id"], ["A"]).get_json()
            assert result["correct"] is True and result["points_awarded"] == 0
            assert result["bonus_awarded"] == 0 and result["correct_choices"] == ["A"]
    assert state() == before


def test_practice_never_reaches_today_or_a_scheduled_future_day(
    citizen_client, admin_client, bank, clock
):
    day_one = play(citizen_client, wrong=5)
    # Tomorrow reuses two of day one's questions and adds fresh ones; the day after, fresh ones.
    used = {q["id"] for q in day_one}
    fresh = [q.id for q in bank if q.id not in used]
    tomorrow = [day_one[0]["id"], day_one[1]["id"], *fresh[:3]]
    assert (
        admin_client.put(
            "/api/v1/admin/quiz/schedule/2026-11-25", json={"question_ids": tomorrow}
        ).status_code
        == 200
    )
    clock.advance(days=1)
    todays = [q["id"] for q in today(citizen_client)["questions"]]
    withheld = set(tomorrow) | set(todays)
    seen: set[int] = set()
    for _ in range(5):
        for source in ("past", "mistakes", "category"):
            for category in CATEGORIES:
                response = practise(citizen_client, source, category=category, count=20)
                if response.status_code == 409:
                    assert response.get_json()["code"] == "nothing_to_practise"
                    continue
                assert response.status_code == 201, response.get_json()
                session = response.get_json()
                ids = {q["id"] for q in session["questions"]}
                assert not ids & withheld
                if source == "category":
                    assert {q["category"] for q in session["questions"]} == {category}
                seen |= ids
                # Answering tomorrow's or today's questions through a session: refused.
                for qid in withheld:
                    refused = practice_answer(citizen_client, session["id"], qid, ["A"])
                    assert refused.status_code == 404
                    assert refused.get_json()["code"] == "not_in_session"
    assert seen == used - set(tomorrow)


def test_practice_from_the_past_shows_todays_questions_once_answered(citizen_client, bank, clock):
    play(citizen_client)
    clock.advance(days=1)
    todays = today(citizen_client)["questions"]
    answer(citizen_client, todays[0]["id"], ["B"])  # answered (wrong) today: now a mistake
    session = practise(citizen_client, "mistakes", count=20).get_json()
    assert [q["id"] for q in session["questions"]] == [todays[0]["id"]]


def test_nothing_to_practise_is_409(citizen_client, bank):
    for source in ("mistakes", "past"):
        response = practise(citizen_client, source)
        assert response.status_code == 409
        assert response.get_json()["code"] == "nothing_to_practise"
    assert practise(citizen_client, "category").status_code == 422  # no category named
    assert practise(citizen_client, "past", count=21).status_code == 422


def test_mastered_flips_only_on_a_correct_practice_answer(citizen_client, bank, clock):
    wrong = play(citizen_client, wrong=1)[0]
    session = practise(citizen_client, "mistakes").get_json()
    assert [q["id"] for q in session["questions"]] == [wrong["id"]]
    result = practice_answer(citizen_client, session["id"], wrong["id"], ["C"]).get_json()
    assert result["correct"] is False and result["completed"] is True
    [item] = mistakes(citizen_client)
    assert item["mastered"] is False and item["wrong_count"] == 2

    clock.advance(minutes=5)
    session = practise(citizen_client, "mistakes").get_json()
    result = practice_answer(citizen_client, session["id"], wrong["id"], ["A"]).get_json()
    assert result["correct"] is True
    [item] = mistakes(citizen_client)
    assert item["mastered"] is True and item["mastered_at"]
    assert mistakes(citizen_client, "?mastered=0") == []
    assert practise(citizen_client, "mistakes").status_code == 409  # nothing unmastered left


def test_a_question_is_answered_once_per_practice_session(citizen_client, bank):
    wrong = play(citizen_client, wrong=1)[0]
    session = practise(citizen_client, "mistakes").get_json()
    assert practice_answer(citizen_client, session["id"], wrong["id"], ["A"]).status_code == 200
    again = practice_answer(citizen_client, session["id"], wrong["id"], ["A"])
    assert again.status_code == 409 and again.get_json()["code"] == "already_answered"


def test_another_users_practice_session_is_404(citizen_client, factory, as_user, bank):
    wrong = play(citizen_client, wrong=1)[0]
    session = practise(citizen_client, "mistakes").get_json()
    other = as_user(factory.user())
    response = practice_answer(other, session["id"], wrong["id"], ["A"])
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert practice_answer(other, 2**40, wrong["id"], ["A"]).status_code == 404


def test_practice_answers_count_in_awareness_only_when_asked(
    citizen_client, admin_client, bank, clock
):
    play(citizen_client, wrong=5)  # five daily answers, all wrong
    session = practise(citizen_client, "mistakes", count=5).get_json()
    for q in session["questions"]:
        practice_answer(citizen_client, session["id"], q["id"], ["A"])
    url = "/api/v1/admin/reports/awareness?from=2026-11-01&to=2026-11-30&by=category"
    daily = admin_client.get(url).get_json()["rows"]
    assert sum(r["answers"] for r in daily) == 5 and sum(r["correct"] for r in daily) == 0
    both = admin_client.get(url + "&include_practice=1").get_json()["rows"]
    assert sum(r["answers"] for r in both) == 10 and sum(r["correct"] for r in both) == 5


# --- 纠错 ---------------------------------------------------------------------------------


def report(client, qid, reason="answer", message="答案应为 B"):
    return client.post(
        f"/api/v1/questions/{qid}/reports", json={"reason": reason, "message": message}
    )


def test_a_report_on_an_unanswered_question_is_404(citizen_client, bank):
    questions = today(citizen_client)["questions"]
    response = report(citizen_client, questions[0]["id"])
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert report(citizen_client, 2**40).status_code == 404


def test_one_open_report_per_user_and_question(citizen_client, admin_client, bank):
    qid = play(citizen_client)[0]["id"]
    first = report(citizen_client, qid)
    assert first.status_code == 201
    assert first.get_json()["status"] == "open" and first.get_json()["id"]
    again = report(citizen_client, qid, reason="stem", message="另一个问题")
    assert again.status_code == 409 and again.get_json()["code"] == "already_reported"
    admin_client.post(
        f"/api/v1/admin/question-reports/{first.get_json()['id']}/resolve",
        json={"resolution": "fixed", "note": "已更正"},
    )
    # A fixed question may have another fault; after a rejection the reporter cannot re-file
    # it (tests/api/test_report_waves.py).
    assert report(citizen_client, qid, reason="stem", message="再看看").status_code == 201


def test_a_bad_report_is_422(citizen_client, bank):
    qid = play(citizen_client)[0]["id"]
    assert report(citizen_client, qid, reason="spam").status_code == 422
    assert report(citizen_client, qid, message="").status_code == 422


def test_admin_resolves_reports_and_the_reporter_reads_the_note(
    citizen_client, admin_client, factory, as_user, bank
):
    qid = play(citizen_client, wrong=1)[0]["id"]
    other = as_user(factory.user())
    play(other)
    mine = report(citizen_client, qid).get_json()
    report(other, qid, reason="explanation", message="解析有错字")
    queue = admin_client.get("/api/v1/admin/question-reports?status=open").get_json()
    assert [item["question"]["id"] for item in queue["items"]] == [qid, qid]
    first = queue["items"][0]
    assert first["question"]["answer"] == ["A"] and first["stats"]["open_reports"] == 2
    assert first["stats"]["answers"] == 2 and first["user"]["display_name"]
    assert first["message"] == "答案应为 B"
    assert citizen_client.get("/api/v1/admin/question-reports").status_code == 403

    resolved = admin_client.post(
        f"/api/v1/admin/question-reports/{mine['id']}/resolve",
        json={"resolution": "fixed", "note": "已更正题干"},
    )
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    twice = admin_client.post(
        f"/api/v1/admin/question-reports/{mine['id']}/resolve",
        json={"resolution": "fixed", "note": "再次"},
    )
    assert twice.status_code == 409
    assert admin_client.get("/api/v1/admin/question-reports").get_json()["items"] == []
    done = admin_client.get("/api/v1/admin/question-reports?status=resolved").get_json()["items"]
    assert len(done) == 2
    [seen] = citizen_client.get("/api/v1/me/question-reports").get_json()["items"]
    assert seen["status"] == "resolved" and seen["resolution"] == "fixed"
    assert seen["note"] == "已更正题干" and seen["question"]["id"] == qid


def test_a_suspended_question_leaves_the_next_draw_and_returns_after_resolution(
    app, factory, bank, admin_client
):
    rules = Rules(tz=ZoneInfo("Asia/Shanghai"), daily_count=len(bank), draw_secret="s")
    # One question fewer than the bank: suspension never shortens a day's set.
    short = Rules(tz=rules.tz, daily_count=len(bank) - 1, draw_secret="s")
    target = bank[3]
    reporters = [factory.user() for _ in range(5)]
    for reporter in reporters:  # reports count from accounts at least three days old
        reporter.created_at = runtime_of(app).clock.now() - timedelta(days=3)
    for i, user in enumerate(reporters):
        db.session.add(
            QuestionReport(
                question_id=target.id,
                user_id=user.id,
                reason="answer",
                message=f"第{i}条",
                status="open",
                created_at=runtime_of(app).clock.now(),
            )
        )
    db.session.commit()
    day = runtime_of(app).clock.now().date() + timedelta(days=1)
    assert target.id not in draw.choose_questions(day, short)
    assert target.id in draw.choose_questions(
        day, Rules(tz=rules.tz, daily_count=len(bank), draw_secret="s", report_suspend_at=6)
    )
    first = db.session.scalar(select(QuestionReport.id).order_by(QuestionReport.id))
    response = admin_client.post(
        f"/api/v1/admin/question-reports/{first}/resolve",
        json={"resolution": "fixed", "note": "已修改答案"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert target.id in draw.choose_questions(day, rules)


# --- statistics and the needs-attention filter -----------------------------------------


def _answers(app, question, outcomes, day_offset=0):
    """Store daily answers of fresh users: each outcome is (correct, rest of the day's score)."""
    day = runtime_of(app).clock.now().date() - timedelta(days=day_offset + 1)
    for correct, rest in outcomes:
        user = User(
            username=f"stats{next(_numbers)}",
            display_name="答题者",
            created_at=runtime_of(app).clock.now(),
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(
            QuizDay(
                user_id=user.id,
                day=day,
                total=5,
                answered=5,
                correct=rest + int(correct),
                points=0,
                bonus=0,
                too_fast=0,
            )
        )
        db.session.add(
            Answer(
                user_id=user.id,
                question_id=question.id,
                day=day,
                choices="A" if correct else "B",
                correct=correct,
                category=question.category,
                interval_ms=3000,
                created_at=runtime_of(app).clock.now(),
            )
        )
    db.session.commit()


@pytest.fixture
def app_config():
    return {"QUIZ_STATS_MIN_ANSWERS": 10}


def test_the_needs_attention_filter_lists_flagged_questions_with_reasons(
    app, factory, admin_client, bank
):
    easy, hard, backwards, fine, reported, few = bank[:6]
    _answers(app, easy, [(True, 2)] * 20)
    _answers(app, hard, [(True, 2)] * 2 + [(False, 2)] * 18)
    # The strong (rest 4) get it wrong, the weak (rest 0) right: negative discrimination.
    _answers(app, backwards, [(False, 4)] * 6 + [(True, 0)] * 6)
    _answers(app, fine, [(True, 4)] * 6 + [(False, 0)] * 6)
    _answers(app, few, [(True, 2)] * 3)  # all right but under the threshold: no flag
    db.session.add(
        QuestionReport(
            question_id=reported.id,
            user_id=factory.user().id,
            reason="stem",
            message="错字",
            status="open",
            created_at=runtime_of(app).clock.now(),
        )
    )
    db.session.commit()

    listed = admin_client.get("/api/v1/admin/questions?attention=1&limit=100").get_json()
    flags = {q["id"]: q["stats"]["flags"] for q in listed["questions"]}
    assert flags == {
        easy.id: ["too_easy"],
        hard.id: ["too_hard"],
        backwards.id: ["negative_discrimination"],
        reported.id: ["open_reports"],
    }
    assert all(q["stats"]["reasons"] for q in listed["questions"])
    by_rate = admin_client.get(
        "/api/v1/admin/questions?sort=correct_rate&order=desc&limit=3"
    ).get_json()
    assert [q["id"] for q in by_rate["questions"]][:2] == [easy.id, few.id]
    rest = admin_client.get(
        f"/api/v1/admin/questions?sort=correct_rate&order=desc&limit=100&cursor={by_rate['next_cursor']}"
    ).get_json()
    assert len(by_rate["questions"]) + len(rest["questions"]) == len(bank)
    plain = admin_client.get("/api/v1/admin/questions?limit=100").get_json()["questions"]
    assert [q["id"] for q in plain] == sorted(q.id for q in bank)
    assert next(q for q in plain if q["id"] == backwards.id)["stats"]["discrimination"] == -1.0


def test_stats_need_an_admin(citizen_client, bank):
    assert citizen_client.get(f"/api/v1/admin/questions/{bank[0].id}/stats").status_code == 403


def test_elder_mode_is_remembered_on_the_user(citizen_client):
    assert citizen_client.get("/api/v1/me").get_json()["elder_mode"] is False
    response = citizen_client.patch("/api/v1/me", json={"elder_mode": True})
    assert response.status_code == 200 and response.get_json()["elder_mode"] is True
    assert citizen_client.get("/api/v1/me").get_json()["elder_mode"] is True
