"""Fair play: each way the prize economy was predicted, shared or farmed, tried as a cheater
would; each paid out before and pays nothing now."""

from __future__ import annotations

import itertools
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import has_request_context
from sqlalchemy import event, select

from quiz.extensions import db
from quiz.models import Answer, LedgerEntry, Question, QuizDay, User
from quiz.runtime import runtime_of
from quiz.services import draw, ledger
from quiz.services.daily_quiz import Rules
from tests.api.test_shop import balance_of, give_points, make_prize, redeem
from tests.factories import fresh_key

CATEGORIES = ["垃圾分类", "交通文明", "志愿服务", "健康与公共卫生", "生态环保"]
DRAW_SECRET = "fair-play-test-draw-secret-0123456789abcdef"
_addresses = itertools.count(1)


@pytest.fixture
def app_config():
    return {
        "QUIZ_SHUFFLE_OPTIONS": True,
        "QUIZ_MIN_ANSWER_MS": 1500,
        "QUIZ_DRAW_SECRET": DRAW_SECRET,
    }


@pytest.fixture
def bank(factory):
    return [
        factory.question(
            category=CATEGORIES[i % 5],
            answer="A",
            explanation=f"解析{i}",
            options=[["A", f"对{i}"], ["B", f"乙{i}"], ["C", f"丙{i}"], ["D", f"丁{i}"]],
        )
        for i in range(10)
    ]


def today(client) -> dict:
    response = client.get("/api/v1/quiz/today")
    assert response.status_code == 200
    return response.get_json()


def answer(client, qid, choices):
    return client.post(
        "/api/v1/quiz/today/answers", json={"question_id": qid, "choices": list(choices)}
    )


def key_of(question: dict, text: str) -> str:
    return next(o["key"] for o in question["options"] if o["text"] == text)


def correct_text(qid: int) -> str:
    db.session.expire_all()
    q = db.session.get(Question, qid)
    return dict(q.options)[q.answer]


def play_day_correctly(client, clock, *, gap_ms: int = 2000) -> list[dict]:
    """Fetch the day and answer every question right, `gap_ms` after the previous step."""
    results = []
    for question in today(client)["questions"]:
        clock.advance(milliseconds=gap_ms)
        response = answer(client, question["id"], [key_of(question, correct_text(question["id"]))])
        assert response.status_code == 200, response.get_json()
        results.append(response.get_json())
    return results


def a_new_address() -> str:
    n = next(_addresses)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def register(app, username, address, **fields):
    client = app.test_client()
    client.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post(
        "/api/v1/auth/register",
        json={"username": username, "password": "password123", "display_name": username, **fields},
    )
    return client, response


# ---------------------------------------------------------------- predicted


def test_the_days_set_cannot_be_computed_offline_from_the_code_and_the_bank(
    app, citizen_client, factory
):
    for i in range(40):
        factory.question(category=CATEGORIES[i % 5])
    served = [q["id"] for q in today(citizen_client)["questions"]]
    # What a cheater computes with the repository alone: the code's draw, without the secret.
    offline = draw.choose_questions(
        runtime_of(app).clock.now().date() + timedelta(days=0), Rules(tz=ZoneInfo("Asia/Shanghai"))
    )
    assert len(served) == 5
    assert served != offline


def test_two_draw_secrets_give_different_sets_for_the_same_day_and_bank(app, factory):
    for i in range(40):
        factory.question(category=CATEGORIES[i % 5])
    day = runtime_of(app).clock.now().date()
    tz = ZoneInfo("Asia/Shanghai")
    first = draw.choose_questions(day, Rules(tz=tz, draw_secret="secret one"))
    second = draw.choose_questions(day, Rules(tz=tz, draw_secret="secret two"))
    assert first != second


def test_one_draw_secret_gives_the_same_set_in_every_worker_and_after_a_restart(app, factory):
    for i in range(40):
        factory.question(category=CATEGORIES[i % 5])
    day = runtime_of(app).clock.now().date()
    worker_a = draw.choose_questions(day, Rules.from_config(app.config))
    worker_b = draw.choose_questions(day, Rules.from_config(dict(app.config)))
    assert worker_a == worker_b


def test_an_unset_draw_secret_is_generated_once_into_the_instance_folder(tmp_path):
    from quiz.config import load_config

    first = load_config(str(tmp_path), env={})["QUIZ_DRAW_SECRET"]
    restarted = load_config(str(tmp_path), env={})["QUIZ_DRAW_SECRET"]
    assert len(first) == 64 and first == restarted
    assert (tmp_path / "draw_secret").stat().st_mode & 0o077 == 0
    assert (
        load_config(str(tmp_path), env={"QUIZ_DRAW_SECRET": "given"})["QUIZ_DRAW_SECRET"] == "given"
    )


# ---------------------------------------------------------------- shared


def test_an_answer_sheet_of_letters_from_a_throwaway_account_does_not_score(
    factory, as_user, bank, clock
):
    throwaway, main = as_user(factory.user()), as_user(factory.user())
    sheet = {}
    for question in today(throwaway)["questions"]:
        clock.advance(seconds=2)
        sheet[question["id"]] = answer(throwaway, question["id"], ["A"]).get_json()[
            "correct_choices"
        ]
    today(main)
    results = []
    for qid, letters in sheet.items():
        clock.advance(seconds=2)
        results.append(answer(main, qid, letters).get_json())
    assert sum(r["correct"] for r in results) < 5
    assert all(b["kind"] != "perfect" for r in results for b in r.get("bonuses", []))


def test_each_user_sees_the_options_in_an_order_of_their_own_that_never_changes(
    factory, as_user, bank
):
    orders = set()
    for _ in range(8):
        client = as_user(factory.user())
        first = today(client)["questions"]
        assert today(client)["questions"] == first
        orders.add(tuple(o["text"] for q in first for o in q["options"]))
        for question in first:
            assert [o["key"] for o in question["options"]] == ["A", "B", "C", "D"]
    assert len(orders) > 1


def test_a_judge_question_stays_a_true_b_false(factory, as_user, clock):
    for i in range(5):
        factory.question(type="judge", answer="B", category=CATEGORIES[i])
    for _ in range(4):
        client = as_user(factory.user())
        for question in today(client)["questions"]:
            assert question["options"] == [
                {"key": "A", "text": "正确"},
                {"key": "B", "text": "错误"},
            ]


def test_answers_in_the_users_keys_are_scored_stored_and_reported_in_the_questions_keys(
    app, factory, as_user, admin_client, clock
):
    options = [["A", "可回收物"], ["B", "有害垃圾"], ["C", "厨余垃圾"], ["D", "其他垃圾"]]
    single = factory.question(stem="废电池属于？", options=options, answer="B")
    multiple = factory.question(
        type="multiple",
        stem="哪些可回收？",
        answer="AC",
        options=[["A", "纸"], ["B", "电池"], ["C", "玻璃"], ["D", "陶瓷"]],
    )
    user = factory.user()
    client = as_user(user)
    shown = {q["id"]: q for q in today(client)["questions"]}
    clock.advance(seconds=2)
    first = answer(client, single.id, [key_of(shown[single.id], "有害垃圾")]).get_json()
    clock.advance(seconds=2)
    second = answer(
        client, multiple.id, [key_of(shown[multiple.id], "纸"), key_of(shown[multiple.id], "玻璃")]
    ).get_json()
    assert first["correct"] and second["correct"]
    # The result speaks the user's keys…
    assert first["correct_choices"] == [key_of(shown[single.id], "有害垃圾")]
    assert second["correct_choices"] == sorted(
        [key_of(shown[multiple.id], "纸"), key_of(shown[multiple.id], "玻璃")]
    )
    # …on every later fetch too (the day's review)…
    answered = today(client)["answered"]
    assert answered[str(single.id)]["correct_choices"] == first["correct_choices"]
    assert answered[str(multiple.id)]["correct_choices"] == second["correct_choices"]
    # …while storage and the admin's reports use the question's own keys.
    stored = {
        a.question_id: a.choices
        for a in db.session.scalars(select(Answer).where(Answer.user_id == user.id))
    }
    assert stored == {single.id: "B", multiple.id: "AC"}
    report = admin_client.get(
        "/api/v1/admin/reports/awareness?from=2026-11-23&to=2026-11-23"
    ).get_json()
    assert sum(r["correct"] for r in report["rows"]) == 2


def test_a_wrong_answer_in_the_users_keys_is_wrong_and_stored_as_the_option_they_picked(
    factory, as_user, clock
):
    options = [["A", "可回收物"], ["B", "有害垃圾"], ["C", "厨余垃圾"], ["D", "其他垃圾"]]
    question = factory.question(stem="废电池属于？", options=options, answer="B")
    user = factory.user()
    client = as_user(user)
    shown = today(client)["questions"][0]
    clock.advance(seconds=2)
    result = answer(client, question.id, [key_of(shown, "厨余垃圾")]).get_json()
    assert not result["correct"] and result["points_awarded"] == 0
    assert db.session.scalar(select(Answer.choices).where(Answer.user_id == user.id)) == "C"


@pytest.mark.parametrize("app_config", [{"QUIZ_SHUFFLE_OPTIONS": False}])
def test_with_shuffling_off_every_user_sees_the_questions_own_order(factory, as_user, bank):
    for _ in range(3):
        for question in today(as_user(factory.user()))["questions"]:
            assert question["options"][0]["text"].startswith("对")


# ---------------------------------------------------------------- farmed: machine speed


def test_answers_sooner_than_the_minimum_interval_earn_nothing_and_say_too_fast(
    factory, as_user, bank, clock
):
    user = factory.user()
    client = as_user(user)
    questions = today(client)["questions"]
    # A script answers the whole day at once with the right answers.
    results = [
        answer(client, q["id"], [key_of(q, correct_text(q["id"]))]).get_json() for q in questions
    ]
    assert sum(r["points_awarded"] for r in results) == 0
    assert all(r["correct"] and r["too_fast"] for r in results)
    assert balance_of(user.id) == 0
    assert db.session.scalar(select(Answer.too_fast).where(Answer.user_id == user.id).limit(1))


def test_an_answer_after_the_minimum_interval_earns_its_points(factory, as_user, bank, clock):
    client = as_user(factory.user())
    question = today(client)["questions"][0]
    clock.advance(milliseconds=1500)
    result = answer(
        client, question["id"], [key_of(question, correct_text(question["id"]))]
    ).get_json()
    assert result["too_fast"] is False and result["points_awarded"] == 10


def test_an_answer_without_fetching_the_day_first_is_too_fast(factory, as_user, bank, clock):
    client = as_user(factory.user())
    question = today(as_user(factory.user()))["questions"][0]
    clock.advance(seconds=5)
    result = answer(client, question["id"], ["A"]).get_json()
    assert result["too_fast"] is True and result["points_awarded"] == 0


def test_a_day_with_one_too_fast_answer_pays_no_bonus(factory, as_user, bank, clock):
    user = factory.user()
    client = as_user(user)
    questions = today(client)["questions"]
    results = []
    for i, q in enumerate(questions):
        if i:
            clock.advance(seconds=2)
        results.append(answer(client, q["id"], [key_of(q, correct_text(q["id"]))]).get_json())
    assert results[0]["too_fast"] and not any(r["too_fast"] for r in results[1:])
    assert results[-1]["completed"] and results[-1]["bonus_awarded"] == 0
    assert balance_of(user.id) == 40


# ---------------------------------------------------------------- staff


def test_an_admin_cannot_adjust_their_own_points(factory, as_user):
    admin = factory.user(role="admin")
    response = as_user(admin).post(
        "/api/v1/admin/points/adjust",
        json={"user_id": admin.id, "delta": 1_000_000, "memo": "奖励自己"},
        headers=fresh_key(),
    )
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert balance_of(admin.id) == 0


def test_an_admin_cannot_give_points_to_another_staff_account(factory, admin_client):
    clerk = factory.user(role="clerk")
    response = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": clerk.id, "delta": 500, "memo": "同事"},
        headers=fresh_key(),
    )
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert balance_of(clerk.id) == 0


def test_an_admin_still_adjusts_a_citizens_points(factory, admin_client):
    citizen = factory.user()
    response = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": citizen.id, "delta": 50, "memo": "补发"},
        headers=fresh_key(),
    )
    assert response.status_code == 200 and balance_of(citizen.id) == 50


def test_a_clerk_who_plays_the_quiz_earns_nothing_and_ranks_nowhere(factory, as_user, bank, clock):
    clerk = factory.user(role="clerk")
    client = as_user(clerk)
    results = play_day_correctly(client, clock)
    assert all(r["correct"] for r in results)
    assert sum(r["points_awarded"] for r in results) == 0
    assert balance_of(clerk.id) == 0
    assert db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.user_id == clerk.id)) is None
    board = client.get("/api/v1/leaderboards/citizens?period=day").get_json()
    assert board["entries"] == [] and board["me"] is None


def test_staff_cannot_redeem(app, factory, as_user):
    admin = factory.user(role="admin")
    # Points an admin had from before the rule (they stay in the ledger) buy nothing.
    give_points(app, admin, 1000)
    prize = make_prize(app, cost=100)
    response = redeem(as_user(admin), prize.id)
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert balance_of(admin.id) == 1000


def test_nobody_hands_over_their_own_voucher(app, factory, as_user):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app, cost=100)
    code = redeem(as_user(user), prize.id).get_json()["voucher_code"]
    user.role = "admin"  # promoted later, the voucher still theirs
    db.session.commit()
    response = as_user(user).post(f"/api/v1/admin/redemptions/{code}/fulfil")
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert (
        as_user(factory.user(role="clerk"))
        .post(f"/api/v1/admin/redemptions/{code}/fulfil")
        .status_code
        == 200
    )


# ---------------------------------------------------------------- farmed: registrations


@pytest.mark.parametrize("app_config", [{"QUIZ_REGISTRATION": "sso_only"}])
def test_sso_only_closes_registration(app):
    _, response = register(app, "farmer1", a_new_address())
    assert response.status_code == 403 and response.get_json()["code"] == "registration_closed"
    assert db.session.scalar(select(User.id).where(User.username == "farmer1")) is None


@pytest.mark.parametrize("app_config", [{"QUIZ_REGISTRATION": "invite"}])
def test_invite_mode_needs_a_valid_invite_code(app, factory):
    factory.user(role="reporter", invite_code="FAM123")
    _, without = register(app, "nocode", a_new_address())
    assert without.status_code == 422 and without.get_json()["errors"][0]["field"] == "invite_code"
    _, wrong = register(app, "wrongcode", a_new_address(), invite_code="NOPE99")
    assert wrong.status_code == 404 and wrong.get_json()["code"] == "unknown_invite_code"
    _, right = register(app, "withcode", a_new_address(), invite_code="FAM123")
    assert right.status_code == 201


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "QUIZ_REGISTER_LIMIT_IP": "5 per hour"}]
)
def test_registrations_from_one_address_are_limited(app):
    address = a_new_address()
    statuses = [
        register(app, f"farm{address.replace('.', '_')}_{i}", address)[1].status_code
        for i in range(6)
    ]
    assert statuses == [201] * 5 + [429]
    # Another address is not affected.
    assert (
        register(app, "neighbour_" + address.replace(".", "_"), a_new_address())[1].status_code
        == 201
    )


def test_the_shipped_settings_are_the_fair_ones(tmp_path):
    from quiz.config import load_config

    config = load_config(str(tmp_path), env={})
    assert config["QUIZ_REGISTER_LIMIT_IP"] == "60 per hour"
    assert config["QUIZ_MIN_ANSWER_MS"] == 1500 and config["QUIZ_SHUFFLE_OPTIONS"] is True
    assert config["QUIZ_REGISTRATION"] == "open" and config["QUIZ_IP_RETENTION_DAYS"] == 90


def test_an_unknown_registration_mode_stops_the_service_with_one_line(tmp_path):
    from quiz.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="QUIZ_REGISTRATION"):
        load_config(str(tmp_path), env={"QUIZ_REGISTRATION": "everyone"})


def test_registration_records_the_client_address(app):
    address = a_new_address()
    register(app, "recorded", address)
    assert (
        db.session.scalar(select(User.registered_ip).where(User.username == "recorded")) == address
    )


def test_addresses_older_than_the_retention_are_purged(app, factory, clock):
    old = factory.user(registered_ip="203.0.113.5")
    clock.advance(days=91)
    recent = factory.user(registered_ip="203.0.113.6")
    result = app.test_cli_runner().invoke(args=["fairplay", "purge-ips"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, old.id).registered_ip is None
    assert db.session.get(User, recent.id).registered_ip == "203.0.113.6"


# ---------------------------------------------------------------- suspects and holds


def test_a_simulated_farm_appears_in_the_suspects_report_with_the_right_reasons(
    app, factory, as_user, admin_client, bank, clock
):
    farm_address = a_new_address()
    farm = []
    for i in range(30):
        client, response = register(app, f"farm_{i}", farm_address)
        assert response.status_code == 201
        farm.append((client, response.get_json()["id"]))
    honest, honest_response = register(app, "honest_one", a_new_address())
    clock.advance(minutes=5)
    for client, _ in farm:
        play_day_correctly(client, clock, gap_ms=1500)  # a script waiting out the floor
    play_day_correctly(honest, clock, gap_ms=20_000)

    report = admin_client.get("/api/v1/admin/fair-play/suspects").get_json()
    rows = {r["user_id"]: r for r in report["rows"]}
    for _, user_id in farm:
        row = rows[user_id]
        assert {"many_accounts_from_address", "answers_at_floor"} <= set(row["reasons"])
        assert row["registered_ip_accounts"] == 30 and row["answers"] == 5
        assert row["too_fast"] == 0 and row["redemptions_pending"] == 0
    assert honest_response.get_json()["id"] not in rows


def test_each_day_counts_its_answers_near_the_floor_as_they_come(factory, as_user, bank, clock):
    """The floor is 1.5 s here: an answer sooner than 2 s after the previous step is near it
    (a too-fast one too); the suspects report sums these per day."""
    user = factory.user()
    client = as_user(user)
    questions = today(client)["questions"]
    for question, gap_ms in zip(questions, [1500, 2500, 1900, 20_000, 1000], strict=True):
        clock.advance(milliseconds=gap_ms)
        response = answer(client, question["id"], [key_of(question, correct_text(question["id"]))])
        assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    day = db.session.scalars(select(QuizDay).where(QuizDay.user_id == user.id)).one()
    assert (day.answered, day.too_fast, day.near_floor) == (5, 1, 3)


def test_too_fast_answers_put_an_account_in_the_report(factory, as_user, admin_client, bank):
    user = factory.user()
    client = as_user(user)
    for q in today(client)["questions"]:
        answer(client, q["id"], ["A"])
    row = next(
        r
        for r in admin_client.get("/api/v1/admin/fair-play/suspects").get_json()["rows"]
        if r["user_id"] == user.id
    )
    assert row["reasons"] == ["answers_at_floor"] and row["too_fast"] == 5


def test_family_registered_from_the_reporters_own_address_is_a_reason(app, factory, admin_client):
    home = a_new_address()
    reporter = factory.user(role="reporter", invite_code="KID777", registered_ip=home)
    for i in range(3):
        assert register(app, f"relative_{i}", home, invite_code="KID777")[1].status_code == 201
    rows = admin_client.get("/api/v1/admin/fair-play/suspects").get_json()["rows"]
    assert next(r for r in rows if r["user_id"] == reporter.id)["reasons"] == [
        "family_from_reporter_address"
    ]


def test_a_perfect_week_answered_fast_is_a_reason(factory, as_user, admin_client, bank, clock):
    for i in range(40):
        factory.question(category=CATEGORIES[i % 5], answer="A")
    user = factory.user()
    client = as_user(user)
    for _ in range(7):
        play_day_correctly(client, clock, gap_ms=2000)
        clock.advance(days=1)
    clock.advance(days=-1)
    rows = admin_client.get("/api/v1/admin/fair-play/suspects").get_json()["rows"]
    assert "perfect_week_fast" in next(r for r in rows if r["user_id"] == user.id)["reasons"]


def test_the_suspects_report_refuses_a_backwards_period(admin_client):
    response = admin_client.get("/api/v1/admin/fair-play/suspects?from=2026-11-20&to=2026-11-10")
    assert response.status_code == 422 and response.get_json()["code"] == "validation_error"


def test_a_held_accounts_redemption_is_refused_while_its_quiz_still_works(
    app, factory, as_user, admin_client, bank, clock
):
    user = factory.user()
    give_points(app, user, 500)
    prize = make_prize(app, cost=100)
    client = as_user(user)
    held = admin_client.post(
        f"/api/v1/admin/users/{user.id}/hold", json={"memo": "同一地址批量注册"}
    )
    assert held.status_code == 200 and held.get_json()["on_hold"] is True

    refused = redeem(client, prize.id)
    assert refused.status_code == 409 and refused.get_json()["code"] == "account_on_hold"
    assert balance_of(user.id) == 500
    results = play_day_correctly(client, clock)
    assert sum(r["points_awarded"] for r in results) == 70  # 5 × 10 + perfect 20

    released = admin_client.post(
        f"/api/v1/admin/users/{user.id}/release", json={"memo": "核实无误"}
    )
    assert released.get_json()["on_hold"] is False
    assert [h["action"] for h in released.get_json()["holds"]] == ["release", "hold"]
    assert redeem(client, prize.id).status_code == 201


def test_a_held_accounts_voucher_is_not_handed_over(app, factory, as_user, admin_client):
    user = factory.user()
    give_points(app, user, 500)
    code = redeem(as_user(user), make_prize(app, cost=100).id).get_json()["voucher_code"]
    admin_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "待核实"})
    clerk = as_user(factory.user(role="clerk"))
    response = clerk.post(f"/api/v1/admin/redemptions/{code}/fulfil")
    assert response.status_code == 409 and response.get_json()["code"] == "account_on_hold"
    assert clerk.get(f"/api/v1/admin/redemptions/{code}").get_json()["status"] == "pending"


def test_a_hold_needs_a_memo_an_existing_user_and_an_admin(factory, as_user, admin_client):
    user = factory.user()
    no_memo = admin_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "  "})
    assert no_memo.status_code == 422
    assert (
        admin_client.post("/api/v1/admin/users/999999/hold", json={"memo": "x"}).status_code == 404
    )
    clerk = as_user(factory.user(role="clerk"))
    assert clerk.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).held_at is None


def test_the_held_list_shows_accounts_on_hold(factory, admin_client):
    user = factory.user()
    admin_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "待核实"})
    items = admin_client.get("/api/v1/admin/fair-play/holds").get_json()["items"]
    assert [(i["id"], i["hold_memo"]) for i in items] == [(user.id, "待核实")]


def test_staff_earnings_from_before_stay_in_the_ledger_but_not_on_rebuilt_boards(
    app, factory, as_user, clock
):
    admin = factory.user(role="admin")
    citizen = factory.user()
    for user in (admin, citizen):
        ledger.post_entry(user.id, 70, "quiz_correct", key=f"old:{user.id}", now=clock.now())
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["boards", "rebuild"]).exit_code == 0
    board = as_user(citizen).get("/api/v1/leaderboards/citizens?period=day").get_json()
    assert [e["id"] for e in board["entries"]] == [citizen.id]
    assert db.session.scalar(select(LedgerEntry.delta).where(LedgerEntry.user_id == admin.id)) == 70


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "QUIZ_REGISTER_LIMIT_IP": "6 per hour"}]
)
def test_registrations_are_counted_across_workers_and_a_restart(app, backend, tmp_path):
    """Two workers (two apps on one database) and a restarted one share one exact count."""
    from tests.conftest import make_app

    overrides = {"RATELIMIT_ENABLED": True, "QUIZ_REGISTER_LIMIT_IP": "6 per hour"}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    other = make_app(backend, tmp_path, **overrides)
    other.config["SQLALCHEMY_DATABASE_URI"] = url
    address = a_new_address()
    statuses = []
    for i in range(4):
        worker = app if i % 2 == 0 else other
        statuses.append(
            register(worker, f"w{i}_{address.replace('.', '_')}", address)[1].status_code
        )
    restarted = make_app(backend, tmp_path, **overrides)
    for i in range(4, 8):
        name = f"w{i}_{address.replace('.', '_')}"
        statuses.append(register(restarted, name, address)[1].status_code)
    assert statuses == [201] * 6 + [429, 429]


def test_the_suspects_report_sends_a_fixed_number_of_statements_however_many_weeks_it_finds(
    app, factory, as_user, admin_client, bank, clock
):
    for i in range(40):
        factory.question(category=CATEGORIES[i % 5], answer="A")
    clients = [as_user(factory.user()) for _ in range(3)]
    start = clock.now()
    for _ in range(7):
        for client in clients:
            play_day_correctly(client, clock, gap_ms=2000)
        clock.advance(days=1)
    clock.advance(days=-1)
    sent = []

    def count(_conn, _cursor, statement, *_args):
        if has_request_context() and statement.startswith("SELECT"):
            sent.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        rows = admin_client.get("/api/v1/admin/fair-play/suspects").get_json()["rows"]
        with_three = len(sent)
        sent.clear()
        first_day = start.date().isoformat()
        rows_of_none = admin_client.get(
            f"/api/v1/admin/fair-play/suspects?from={first_day}&to={first_day}"
        ).get_json()["rows"]
        with_none = len(sent)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum("perfect_week_fast" in r["reasons"] for r in rows) == 3
    assert not any("perfect_week_fast" in r["reasons"] for r in rows_of_none)
    # Beyond an empty report: the candidates' intervals, the users listed, their redemptions.
    assert with_three - with_none <= 3
