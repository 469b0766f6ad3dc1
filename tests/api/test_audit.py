"""The audit trail: every staff write leaves exactly one entry, sign-ins too; the auditor reads
it and changes nothing; the log cannot be edited on PostgreSQL; pruning keeps its own entry."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from quiz.extensions import db
from quiz.models import AuditEntry
from tests.factories import PASSWORD


def entries(action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def admin(factory):
    return factory.user(role="admin", username="admin")


@pytest.fixture
def admin_client(admin, as_user):
    return as_user(admin)


def test_a_hold_leaves_one_entry_with_actor_target_address_request_id_and_change(
    admin, admin_client, factory
):
    user = factory.user()
    response = admin_client.post(
        f"/api/v1/admin/users/{user.id}/hold",
        json={"memo": "待核实"},
        headers={"X-Request-ID": "req-hold-1"},
    )
    assert response.status_code == 200
    [entry] = entries()
    assert (entry.actor_id, entry.actor_role, entry.action) == (
        admin.id,
        "admin",
        "admin_fairplay.hold",
    )
    assert entry.target == f"user:{user.id}"
    assert entry.request_id == "req-hold-1"
    assert entry.ip == "127.0.0.1"
    changes = {c["table"]: c for c in entry.detail["changes"]}
    assert changes["users"]["fields"]["hold_memo"] == [None, "待核实"]
    assert changes["account_holds"]["change"] == "created"


def test_a_points_adjustment_and_a_new_prize_each_leave_one_entry(admin_client, factory):
    user = factory.user()
    adjusted = admin_client.post(
        "/api/v1/admin/points/adjust",
        json={"user_id": user.id, "delta": 30, "memo": "活动奖励"},
        headers={"Idempotency-Key": "adj-1"},
    )
    assert adjusted.status_code in (200, 201)
    prize = admin_client.post(
        "/api/v1/admin/prizes",
        json={"name": "乘车卡", "description": "20 元", "cost": 500, "stock": 3, "on_sale": True},
    )
    assert prize.status_code == 201
    stocked = admin_client.post(
        f"/api/v1/admin/prizes/{prize.get_json()['id']}/stock", json={"delta": 2, "memo": "补货"}
    )
    assert [e.action for e in entries()] == [
        "admin_points.adjust",
        "admin_shop.create_prize",
        "admin_shop.restock",
    ][: 2 + (stocked.status_code < 400)]
    created = entries("admin_shop.create_prize")[0].detail["changes"]
    assert any(c["table"] == "prizes" and c["id"] == prize.get_json()["id"] for c in created)


def test_a_partner_secret_never_reaches_the_trail(admin_client):
    response = admin_client.post(
        "/api/v1/admin/partners", json={"name": "商城", "scopes": ["balance"]}
    )
    assert response.status_code == 201
    secret = response.get_json()["secret"]
    [entry] = entries()
    stored = str(entry.detail)
    assert secret not in stored
    assert "secret_salt" in stored and "***" in stored


def test_a_refused_staff_write_leaves_no_entry(admin_client):
    assert (
        admin_client.post("/api/v1/admin/users/999999/hold", json={"memo": "x"}).status_code == 404
    )
    assert count() == 0


WALK_BODIES = {
    "teams.create_team": {"name": "实验小学", "district": "新华区"},
    "admin_shop.create_prize": {"name": "乘车卡", "description": "卡", "cost": 5, "stock": 3},
    "admin_shop.update_prize": {"cost": 6},
    "admin_partners.create": {"name": "商城", "scopes": ["balance"]},
    "admin_fairplay.hold": {"memo": "待核实"},
    "admin_fairplay.release": {"memo": "无误"},
    "recognition.put_target": {"target": 3},
    "admin_users.update_user": {"show_full_name": True},
}


def test_every_staff_write_route_leaves_one_entry_when_it_succeeds_and_none_when_refused(
    app, admin_client, factory
):
    """Walks the app's routes: whatever a staff write route answers an admin, an answer under
    400 left exactly one entry and a refusal none."""
    user = factory.user()
    writes = sorted(
        (
            (method, rule)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/admin/")
            for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"})
        ),
        # Creations first, so the routes of row 1 find it; deletions last.
        key=lambda w: (w[0] == "DELETE", len(w[1].arguments), w[1].rule),
    )
    assert len(writes) >= 25
    succeeded = 0
    for method, rule in writes:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{rule._converters[name].__class__.__name__}:{name}>", "1")
        path = (
            path.replace("<id:", "<")
            .replace("<string:", "<")
            .replace("<by>", "district")
            .replace("<key>", "新华区")
        )
        for name in rule.arguments:
            path = path.replace(f"<{name}>", str(user.id) if name == "user_id" else "1")
        before = count()
        response = admin_client.open(
            path,
            method=method,
            json=WALK_BODIES.get(rule.endpoint, {}),
            headers={"Idempotency-Key": f"walk-{path}-{method}"},
        )
        assert response.status_code < 500, (method, path, response.get_json())
        expected = 1 if response.status_code < 400 else 0
        succeeded += expected
        assert count() - before == expected, (method, path, response.status_code)
    assert count() == succeeded
    assert succeeded >= 5  # the walk reached real changes, not only refusals


def test_a_clerk_handing_over_a_voucher_is_recorded(app, factory, as_user):
    clerk = factory.user(role="clerk", username="clerk1")
    response = as_user(clerk).post("/api/v1/admin/redemptions/ABCDEFGHJKLM/fulfil")
    assert response.status_code == 404
    assert count() == 0  # refused: nothing happened, nothing recorded


def test_staff_sign_in_failure_and_sign_out_are_recorded_but_citizens_are_not(
    admin, client, factory
):
    factory.user(username="citizen1")
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "citizen1", "password": "x" * 9}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "wrong-one"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert [(e.action, e.actor_id, e.target) for e in entries()] == [
        ("auth.sign_in_failed", None, f"user:{admin.id}"),
        ("auth.sign_in", admin.id, f"user:{admin.id}"),
        ("auth.sign_out", admin.id, f"user:{admin.id}"),
    ]
    assert "wrong-one" not in str([e.detail for e in entries()])


@pytest.fixture
def auditor_client(factory, as_user):
    return as_user(factory.user(role="auditor", username="auditor1"))


def test_the_auditor_reads_and_filters_the_trail_as_json_and_csv(
    admin, admin_client, factory, clock, as_user
):
    user = factory.user()
    admin_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "待核实"})
    clock.advance(days=2)
    admin_client = as_user(admin)  # the first session ended when idle
    auditor_client = as_user(factory.user(role="auditor", username="auditor1"))
    admin_client.post(f"/api/v1/admin/users/{user.id}/release", json={"memo": "=核实无误"})
    page = auditor_client.get("/api/v1/admin/audit-log").get_json()
    assert [i["action"] for i in page["items"]] == ["admin_fairplay.release", "admin_fairplay.hold"]
    assert set(page["items"][0]) == {
        "id",
        "at",
        "actor_id",
        "actor_role",
        "action",
        "target",
        "ip",
        "request_id",
        "detail",
    }
    assert page["next_cursor"] is None
    one = auditor_client.get("/api/v1/admin/audit-log?limit=1").get_json()
    rest = auditor_client.get(f"/api/v1/admin/audit-log?limit=1&cursor={one['next_cursor']}")
    assert rest.get_json()["items"][0]["action"] == "admin_fairplay.hold"
    held = auditor_client.get("/api/v1/admin/audit-log?action=admin_fairplay.hold").get_json()
    assert len(held["items"]) == 1
    mine = auditor_client.get(f"/api/v1/admin/audit-log?actor={admin.id}&to=2026-11-23")
    assert [i["action"] for i in mine.get_json()["items"]] == ["admin_fairplay.hold"]
    csv = auditor_client.get("/api/v1/admin/audit-log?format=csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert len(lines) == 3 and "admin_fairplay.release" in lines[1]


def test_the_auditor_changes_nothing_and_others_cannot_read_the_trail(
    admin_client, auditor_client, factory
):
    user = factory.user()
    assert (
        auditor_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "x"}).status_code
        == 403
    )
    assert auditor_client.patch("/api/v1/me", json={"display_name": "x"}).status_code == 403
    assert auditor_client.post("/api/v1/shop/redemptions", json={}).status_code == 403
    assert admin_client.get("/api/v1/admin/audit-log").status_code == 403
    assert count() == 0
    assert auditor_client.post("/api/v1/auth/logout").status_code == 204


def test_the_auditor_gets_403_on_every_write_route(app, auditor_client):
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            if not rule.rule.startswith("/api/") or rule.rule.startswith(
                ("/api/v1/auth/", "/api/v1/partner/")
            ):
                continue
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<{name}>", "1")
            path = path.replace("<id:", "<").replace("<string:", "<")
            for name in rule.arguments:
                path = path.replace(f"<{name}>", "1")
            response = auditor_client.open(path, method=method, json={})
            assert response.status_code == 403, (method, path)


def test_the_log_refuses_update_and_delete_on_postgresql(backend, admin_client, factory):
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    user = factory.user()
    admin_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "x"})
    for statement in (
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert count() == 1


def test_pruning_removes_only_old_entries_and_records_itself(
    app, admin, admin_client, factory, clock, as_user
):
    user = factory.user()
    admin_client.post(f"/api/v1/admin/users/{user.id}/hold", json={"memo": "旧"})
    clock.advance(days=401)
    as_user(admin).post(f"/api/v1/admin/users/{user.id}/release", json={"memo": "新"})
    result = app.test_cli_runner().invoke(args=["audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "removed: 1" in result.output
    assert [e.action for e in entries()] == ["admin_fairplay.release", "audit.prune"]
    assert entries("audit.prune")[0].detail["removed"] == 1


def test_retention_is_never_under_180_days(tmp_path):
    from quiz.config import load_config

    config = load_config(str(tmp_path), {"QUIZ_AUDIT_RETENTION_DAYS": "30"})
    assert config["QUIZ_AUDIT_RETENTION_DAYS"] == 180


def test_create_auditor_makes_a_staff_account_and_records_it(app):
    result = app.test_cli_runner().invoke(
        args=["create-auditor", "auditor9", "--password", "Tiger-lily-parade-91"]
    )
    assert result.exit_code == 0, result.output
    [entry] = entries()
    assert entry.action == "staff.create" and entry.detail["role"] == "auditor"
    assert "Tiger" not in str(entry.detail)
