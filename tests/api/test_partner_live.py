"""The mall's whole day over real HTTP: the partner simulator signs requests with urllib against
the app served live (a werkzeug server thread), on SQLite and PostgreSQL — debit, replay, refund,
partial refund, statement, reconcile."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from quiz.extensions import db
from quiz.runtime import runtime_of
from quiz.services import ledger, partner_statements
from tests.partner_sim import PartnerSim, balance_of, make_partner, news_user


@pytest.fixture
def live_url(app):
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_a_mall_trades_a_day_over_http_and_the_books_agree(app, factory, live_url, tmp_path):
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "pg-8801", points=300)
    second_id = news_user(app, factory, "用户-2", points=100)
    mall = PartnerSim(live_url, partner_id, secret, runtime_of(app).clock)

    assert mall.balance("pg-8801").body == {"uid": "pg-8801", "balance": 300}
    assert mall.balance("用户-2").body == {"uid": "用户-2", "balance": 100}

    debit = mall.debit("pg-8801", 120, "MALL-20261123-0001", memo="帆布袋")
    assert debit.status == 201 and debit.body["balance"] == 180
    replay = mall.debit("pg-8801", 120, "MALL-20261123-0001", memo="帆布袋")
    assert replay.status == 200 and replay.body == debit.body
    assert mall.debit("用户-2", 100, "MALL-20261123-0002").status == 201

    debit_id = debit.body["debit_id"]
    partial = mall.refund(debit_id, 20, "RF-1")
    assert partial.status == 201 and partial.body["balance"] == 200
    rest = mall.refund(debit_id, 100, "RF-2")
    assert rest.status == 201 and rest.body["balance"] == 300
    assert mall.refund(debit_id, 1, "RF-3").code == "refund_exceeds_debit"
    assert mall.refund(debit_id, 20, "RF-1").status == 200
    assert balance_of(user_id) == 300 and balance_of(second_id) == 0

    statement = mall.statement("2026-11-23").body
    assert statement["totals"]["debited"] == 220 and statement["totals"]["refunded"] == 120
    csv_text = mall.statement("2026-11-23", "csv").text

    # Their file is our CSV, as the mall would keep it: it reconciles clean.
    theirs = partner_statements.read_partner_file(csv_text)
    ours = partner_statements.our_lines(
        partner_statements.statement(partner_id, runtime_of(app).clock.now().date(), tz=_tz(app))
    )
    result = partner_statements.reconcile(theirs, ours)
    assert result.clean and len(result.matched) == 4
    path = tmp_path / "their.csv"
    path.write_text(csv_text, encoding="utf-8")
    cli = app.test_cli_runner().invoke(
        args=["partners", "reconcile", "--partner", str(partner_id)]
        + ["--date", "2026-11-23", "--file", str(path)]
    )
    assert cli.exit_code == 0 and "the books agree" in cli.output
    assert ledger.mismatches() == []


def test_a_refused_request_over_http_changes_nothing(app, factory, live_url):
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "u1", points=50)
    db.session.commit()
    forged = PartnerSim(live_url, partner_id, "wrong-secret", runtime_of(app).clock)
    answer = forged.debit("u1", 50, "O-1")
    assert (answer.status, answer.code) == (401, "invalid_signature")
    assert answer.content_type == "application/problem+json"
    assert balance_of(user_id) == 50


def _tz(app):
    return runtime_of(app).rules.tz
