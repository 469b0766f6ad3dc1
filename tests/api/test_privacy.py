"""Citizens' rights (个人信息保护法): the privacy notice and its consent, guardian consent for a
小记者, the export of everything held about a user, erasure and the sign-in history's
retention — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from quiz.extensions import db
from quiz.models import AuditEntry, LedgerEntry, User
from quiz.models.privacy import GuardianConsent, SignInRecord
from quiz.models.shop import Prize, Redemption
from quiz.runtime import runtime_of
from quiz.services import ledger, prizes
from quiz.services.accounts import sign_sso_token
from tests.conftest import SSO_SECRET, START
from tests.factories import PASSWORD

NOTICE = "2026-12"
_keys = itertools.count(1)


def register(client, **fields):
    body = {"username": "wang_fang", "password": "longenough1", "display_name": "王芳"}
    return client.post("/api/v1/auth/register", json={**body, **fields})


def sso_token(uid: str = "news-7", **claims) -> str:
    payload = {"uid": uid, "name": "赵六", "exp": START.timestamp() + 300, "jti": f"j{next(_keys)}"}
    return sign_sso_token({**payload, **claims}, SSO_SECRET)


def give_points(app, user, amount: int) -> None:
    ledger.post_entry(
        user.id,
        amount,
        "admin_adjust",
        key=f"privacy-grant:{next(_keys)}",
        now=runtime_of(app).clock.now(),
    )
    db.session.commit()


def make_prize(app, cost: int = 30) -> Prize:
    values = {"name": "帆布袋", "description": "袋", "cost": cost, "stock": 5}
    prize = prizes.create_prize(
        {**values, "per_user_limit": None, "on_sale": True}, now=runtime_of(app).clock.now()
    )
    db.session.commit()
    return prize


def redeem(client, prize_id):
    return client.post(
        "/api/v1/shop/redemptions",
        json={"prize_id": prize_id},
        headers={"Idempotency-Key": f"k-{next(_keys)}"},
    )


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


# ---------------------------------------------------------------- the notice and consent


def test_the_privacy_notice_gives_its_version_and_a_readable_page(app, bare_client):
    body = bare_client.get("/api/v1/privacy").get_json()
    assert body["version"] == NOTICE and body["url"].endswith("/privacy")
    page = bare_client.get("/privacy")
    assert page.status_code == 200 and NOTICE in page.get_data(as_text=True)
    assert "个人信息处理规则" in page.get_data(as_text=True)


def test_registering_records_the_notice_version_accepted(app, client):
    response = register(client, consent_version=NOTICE)
    assert response.status_code == 201
    user = response.get_json()
    assert user["consent_version"] == NOTICE and user["consent_needed"] is False
    stored = db.session.scalar(select(User).where(User.username == "wang_fang"))
    assert stored.consent_at == runtime_of(app).clock.now()


@pytest.mark.parametrize("app_config", [{"QUIZ_CONSENT_REQUIRED": True}])
def test_registering_without_consent_is_refused_when_it_is_required(app, client):
    response = register(client)
    assert response.status_code == 422 and response.get_json()["code"] == "consent_required"
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_registering_with_an_old_notice_version_is_refused(app, client):
    response = register(client, consent_version="2020-01")
    assert response.status_code == 422 and response.get_json()["code"] == "consent_required"
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("app_config", [{"QUIZ_CONSENT_REQUIRED": True}])
def test_the_first_sso_sign_in_needs_and_records_consent(app, client):
    refused = client.post("/api/v1/auth/sso", json={"token": sso_token()})
    assert refused.status_code == 422 and refused.get_json()["code"] == "consent_required"
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    signed = client.post("/api/v1/auth/sso", json={"token": sso_token(), "consent_version": NOTICE})
    assert signed.status_code == 200 and signed.get_json()["consent_version"] == NOTICE
    # A returning SSO user is not asked at sign-in; /me tells the client when to ask.
    assert client.post("/api/v1/auth/sso", json={"token": sso_token()}).status_code == 200


def test_a_newer_notice_asks_again_on_the_next_visit(app, client):
    register(client, consent_version=NOTICE)
    app.config["QUIZ_PRIVACY_VERSION"] = "2027-03"
    me = client.get("/api/v1/me").get_json()
    assert me["consent_version"] == NOTICE and me["consent_needed"] is True
    stale = client.post("/api/v1/me/consent", json={"version": NOTICE})
    assert stale.status_code == 422 and stale.get_json()["code"] == "consent_required"
    accepted = client.post("/api/v1/me/consent", json={"version": "2027-03"})
    assert accepted.status_code == 200 and accepted.get_json()["consent_needed"] is False
    assert client.get("/api/v1/me").get_json()["consent_version"] == "2027-03"


# ---------------------------------------------------------------- guardian consent


def family(factory):
    kid = factory.user(role="reporter", display_name="张三明", invite_code="KIDZHANG")
    mum = factory.user(display_name="张妈妈", family_reporter_id=kid.id)
    return kid, mum


def test_a_family_member_consents_for_their_child_as_a_recorded_fact(app, factory, as_user):
    kid, mum = family(factory)
    client = as_user(mum)
    assert client.get("/api/v1/me/guardian-consent").get_json()["consented"] is False
    body = client.post("/api/v1/me/guardian-consent", json={}).get_json()
    assert body["consented"] is True and body["by_me"] is True and body["source"] == "family"
    consent = db.session.scalar(select(GuardianConsent).where(GuardianConsent.child_id == kid.id))
    assert (consent.guardian_id, consent.notice_version) == (mum.id, NOTICE)
    assert consent.granted_at == runtime_of(app).clock.now() and fresh(User, kid.id).show_full_name


def test_withdrawing_keeps_the_consent_as_history(app, factory, as_user):
    kid, mum = family(factory)
    client = as_user(mum)
    client.post("/api/v1/me/guardian-consent", json={})
    runtime_of(app).clock.advance(days=1)
    assert client.delete("/api/v1/me/guardian-consent").get_json()["consented"] is False
    consent = db.session.scalar(select(GuardianConsent).where(GuardianConsent.child_id == kid.id))
    assert consent.withdrawn_at == runtime_of(app).clock.now() and consent.withdrawn_by == mum.id
    assert fresh(User, kid.id).show_full_name is False


@pytest.mark.parametrize("who", ["stranger", "the_child", "staff"])
def test_only_an_adult_family_member_may_consent(app, factory, as_user, who):
    kid, _ = family(factory)
    caller = {
        "stranger": lambda: factory.user(),
        "the_child": lambda: kid,
        "staff": lambda: factory.user(role="admin", family_reporter_id=kid.id),
    }[who]()
    response = as_user(caller).post("/api/v1/me/guardian-consent", json={})
    assert response.status_code == 403 and response.get_json()["code"] == "not_a_guardian"
    assert fresh(User, kid.id).show_full_name is False


def test_a_guardian_consents_to_the_notice_in_force_only(app, factory, as_user):
    _, mum = family(factory)
    response = as_user(mum).post("/api/v1/me/guardian-consent", json={"version": "2020-01"})
    assert response.status_code == 422 and response.get_json()["code"] == "consent_required"


def test_staff_record_the_schools_paper_form_with_one_audit_entry(app, factory, admin_client):
    kid, _ = family(factory)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    response = admin_client.patch(
        f"/api/v1/admin/users/{kid.id}", json={"show_full_name": True, "guardian_name": "张爸爸"}
    )
    assert response.status_code == 200 and response.get_json()["show_full_name"] is True
    consent = db.session.scalar(select(GuardianConsent).where(GuardianConsent.child_id == kid.id))
    assert consent.source == "paper_form" and consent.guardian_name == "张爸爸"
    assert consent.recorded_by is not None and consent.guardian_id is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1
    withdrawn = admin_client.patch(f"/api/v1/admin/users/{kid.id}", json={"show_full_name": False})
    assert withdrawn.get_json()["show_full_name"] is False
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before + 2


def test_a_child_without_consent_cannot_redeem_until_a_guardian_consents_and_again_after_withdrawal(
    app, factory, as_user
):
    kid, mum = family(factory)
    give_points(app, kid, 100)
    prize = make_prize(app)
    child, guardian = as_user(kid), as_user(mum)
    refused = redeem(child, prize.id)
    assert refused.status_code == 403 and refused.get_json()["code"] == "guardian_consent_required"
    guardian.post("/api/v1/me/guardian-consent", json={})
    assert redeem(child, prize.id).status_code == 201
    guardian.delete("/api/v1/me/guardian-consent")
    again = redeem(child, prize.id)
    assert again.status_code == 403 and again.get_json()["code"] == "guardian_consent_required"
    assert fresh(User, kid.id).balance == 70


# ---------------------------------------------------------------- export


def active_user(app, factory, client, name: str):
    """A user with rows in the tables a citizen fills: sign-ins, settings, a day and answers,
    a practice session, a report, a mistake, ledger entries and a redemption."""
    user = factory.user(username=name, display_name=name)
    client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    client.put("/api/v1/me/reminders", json={"enabled": True, "time": "19:30"})
    today = client.get("/api/v1/quiz/today").get_json()
    for q in today["questions"]:
        client.post("/api/v1/quiz/today/answers", json={"question_id": q["id"], "choices": ["B"]})
    client.post(
        f"/api/v1/questions/{today['questions'][0]['id']}/reports",
        json={"reason": "answer", "message": "答案似乎有误"},
    )
    give_points(app, user, 200)
    assert redeem(client, make_prize(app).id).status_code == 201
    return user


def test_the_export_holds_every_row_about_the_caller_and_no_one_elses(app, factory):
    for _ in range(5):
        factory.question(answer="A")
    me_client, other_client = app.test_client(), app.test_client()
    for c in (me_client, other_client):
        c.environ_base["HTTP_X_REQUESTED_WITH"] = "XMLHttpRequest"
    me = active_user(app, factory, me_client, "me_user")
    other = active_user(app, factory, other_client, "other_user")
    response = me_client.get("/api/v1/me/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    doc = response.get_json()
    assert doc["profile"]["id"] == me.id and "password_hash" not in doc["profile"]
    # Each table about a user: the export's rows are exactly that user's rows.
    tables = {
        "days": "quiz_days",
        "answers": "answers",
        "ledger": "ledger_entries",
        "redemptions": "redemptions",
        "reports": "question_reports",
        "settings": "player_settings",
        "login_history": "sign_in_records",
        "mistakes": "mistakes",
        "months_taken_part": "rollup_people_months",
        "certificates": "certificates",
        "practice_sessions": "practice_sessions",
        "practice_answers": "practice_answers",
        "campaign_attempts": "campaign_attempts",
        "partner_debits": "partner_debits",
        "account_holds": "account_holds",
        "password_reset_codes": "password_reset_codes",
    }
    metadata = db.metadata.tables
    for section, table in tables.items():
        rows = metadata[table]
        mine = db.session.scalar(
            select(func.count()).select_from(rows).where(rows.c.user_id == me.id)
        )
        assert len(doc[section]) == mine, section
        assert all(r["user_id"] == me.id for r in doc[section]), section
    for section in ("days", "answers", "ledger", "redemptions", "reports", "login_history"):
        assert doc[section], f"{section} should hold the caller's rows"
    assert doc["consents"]["privacy_notice"]["current_version"] == NOTICE
    assert str(other.id) not in {str(r.get("user_id")) for s in tables for r in doc[s]}
    assert "other_user" not in response.get_data(as_text=True)


def test_every_table_about_a_user_is_exported_or_is_staff_only(app):
    """A new table pointing at users must join the export (or say why it is not personal)."""
    exported = {
        "quiz_days", "answers", "ledger_entries", "redemptions", "question_reports",
        "player_settings", "sign_in_records", "mistakes", "certificates", "practice_sessions",
        "practice_answers", "campaign_attempts", "partner_debits", "account_holds",
        "password_reset_codes", "guardian_consents", "users", "rollup_people_months",
    }  # fmt: skip
    # Columns naming the staff member who acted, never the citizen the row is about.
    staff_only = {
        "question_banks", "daily_sets", "campaigns", "partners", "participation_targets",
        "stock_movements", "recovery_codes", "audit_log", "question_versions", "review_batches",
    }  # fmt: skip
    pointing = {
        table.name
        for table in db.metadata.sorted_tables
        if any(fk.column.table.name == "users" for fk in table.foreign_keys)
    }
    assert pointing - exported - staff_only == set()
    assert inspect(db.engine).has_table("sign_in_records")


def test_the_export_needs_a_signed_in_user(app, client):
    response = client.get("/api/v1/me/export")
    assert response.status_code == 401 and response.get_json()["code"] == "login_required"


# ---------------------------------------------------------------- erasure


def test_erasure_refunds_pending_vouchers_ends_sessions_and_keeps_the_books(
    app, factory, as_user, client
):
    kid, mum = family(factory)
    user = factory.user(username="leaving", display_name="李四", registered_ip="10.1.2.3")
    give_points(app, user, 100)
    prize = make_prize(app)
    other_cookie = as_user(user)
    client.post("/api/v1/auth/login", json={"username": "leaving", "password": PASSWORD})
    assert redeem(client, prize.id).status_code == 201
    assert client.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    erased = fresh(User, user.id)
    assert erased.display_name == "已注销用户" and erased.username == f"erased_{user.id}"
    assert (erased.password_hash, erased.sso_uid, erased.registered_ip) == (None, None, None)
    assert erased.erased_at == runtime_of(app).clock.now() and erased.balance == 100
    assert fresh(Prize, prize.id).stock == 5
    assert db.session.scalar(select(Redemption.status).where(Redemption.user_id == user.id)) == (
        "cancelled"
    )
    assert db.session.scalar(select(func.count()).select_from(SignInRecord)) == 0
    assert ledger.mismatches() == []
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0
    # Every session has ended: this browser's and any other's.
    assert client.get("/api/v1/me").status_code == 401
    assert other_cookie.get("/api/v1/me").get_json()["code"] == "login_required"
    relogin = client.post("/api/v1/auth/login", json={"username": "leaving", "password": PASSWORD})
    assert relogin.status_code == 401


def test_erasure_needs_the_right_password_and_changes_nothing_without_it(app, factory, as_user):
    user = factory.user(display_name="李四")
    response = as_user(user).delete("/api/v1/me", json={"password": "wrong password"})
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_credentials"
    assert fresh(User, user.id).display_name == "李四"


def test_an_sso_account_erases_itself_within_ten_minutes_of_signing_in(app, client):
    client.post("/api/v1/auth/sso", json={"token": sso_token("news-9")})
    runtime_of(app).clock.advance(minutes=11)
    late = client.delete("/api/v1/me", json={})
    assert late.status_code == 403 and late.get_json()["code"] == "reauth_required"
    client.post(
        "/api/v1/auth/sso",
        json={"token": sso_token("news-9", exp=runtime_of(app).clock.now().timestamp() + 300)},
    )
    runtime_of(app).clock.advance(minutes=9)
    assert client.delete("/api/v1/me", json={}).status_code == 204
    assert db.session.scalar(select(User.id).where(User.sso_uid == "news-9")) is None


def test_staff_accounts_are_not_erased_by_themselves(app, factory, as_user):
    admin = factory.user(role="admin")
    response = as_user(admin).delete("/api/v1/me", json={"password": PASSWORD})
    assert response.status_code == 403 and fresh(User, admin.id).erased_at is None


def test_an_erased_family_member_leaves_the_family_and_its_memos(app, factory, as_user):
    kid, mum = family(factory)
    as_user(mum).post("/api/v1/me/guardian-consent", json={})
    ledger.post_entry(
        kid.id, 5, "family_bonus", key=f"family:{mum.id}:2026-11-23", now=runtime_of(app).clock.now(),
        ref=f"family:{mum.id}", memo="家人 张妈妈 完成 2026-11-23 答题",
    )  # fmt: skip
    db.session.commit()
    assert as_user(mum).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    assert fresh(User, mum.id).family_reporter_id is None
    family_view = as_user(kid).get("/api/v1/me/family").get_json()
    assert family_view["members"] == []
    memo = db.session.scalar(select(LedgerEntry.memo).where(LedgerEntry.user_id == kid.id))
    assert "张妈妈" not in memo and "已注销用户" in memo
    # The consent she gave goes with her: the child is masked again.
    assert fresh(User, kid.id).show_full_name is False


def test_an_erased_reporter_leaves_their_family_members_unlinked(app, factory, as_user):
    kid, mum = family(factory)
    assert as_user(kid).delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    assert fresh(User, mum.id).family_reporter_id is None
    assert fresh(User, kid.id).invite_code is None


def test_nobody_may_register_a_name_erasure_uses(app, client):
    response = register(client, username="erased_12")
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "username"


# ---------------------------------------------------------------- retention


def test_the_daily_purge_forgets_sign_ins_older_than_the_retention(app, factory, client):
    factory.user(username="keeper")
    client.post("/api/v1/auth/login", json={"username": "keeper", "password": PASSWORD})
    days = app.config["QUIZ_IP_RETENTION_DAYS"]
    runtime_of(app).clock.advance(days=days - 1)
    client.post("/api/v1/auth/login", json={"username": "keeper", "password": PASSWORD})
    runtime_of(app).clock.advance(days=2)
    result = app.test_cli_runner().invoke(args=["fairplay", "purge-ips"])
    assert result.exit_code == 0 and "sign-in records" in result.output
    db.session.expire_all()
    left = db.session.scalars(select(SignInRecord.at)).all()
    assert left == [runtime_of(app).clock.now() - timedelta(days=2)]


def test_a_sign_in_records_when_how_and_from_where(app, factory, client):
    user = factory.user(username="seen")
    client.post("/api/v1/auth/login", json={"username": "seen", "password": PASSWORD})
    record = db.session.scalar(select(SignInRecord).where(SignInRecord.user_id == user.id))
    assert (record.method, record.at, record.ip) == (
        "password",
        runtime_of(app).clock.now(),
        "127.0.0.1",
    )


def test_staff_sign_ins_stay_in_the_audit_trail_not_the_citizens_history(app, factory, client):
    factory.user(username="boss", role="admin")
    client.post("/api/v1/auth/login", json={"username": "boss", "password": PASSWORD})
    assert db.session.scalar(select(func.count()).select_from(SignInRecord)) == 0
