"""`flask partners …`: registering a partner and reconciling its file with our statement."""

from __future__ import annotations

import pytest

from quiz.extensions import db
from quiz.models.partner import Partner
from quiz.runtime import runtime_of
from tests.partner_sim import PartnerSim, make_partner, news_user

HEADER = "type,debit_id,refund_id,order_id,uid,points,created_at\n"


@pytest.fixture
def traded(app, factory, bare_client):
    """A partner's day: two debits and a refund."""
    partner_id, secret = make_partner(app)
    news_user(app, factory, "u1", points=500)
    sim = PartnerSim(bare_client, partner_id, secret, runtime_of(app).clock)
    first = sim.debit("u1", 100, "O-1").body["debit_id"]
    sim.debit("u1", 50, "O-2")
    sim.refund(first, 30, "R-1")
    return sim


def _reconcile(app, tmp_path, text: str, partner="平观新闻商城"):
    path = tmp_path / "their.csv"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(
        args=[
            "partners",
            "reconcile",
            "--partner",
            partner,
            "--date",
            "2026-11-23",
            "--file",
            str(path),
        ]
    )


def test_our_own_statement_reconciles_clean_against_itself(app, tmp_path, traded):
    ours = traded.statement("2026-11-23", "csv").text
    result = _reconcile(app, tmp_path, ours)
    assert result.exit_code == 0, result.output
    assert "matched        3" in result.output and "the books agree" in result.output


def test_reconcile_prints_only_theirs_only_ours_and_amounts_that_differ(app, tmp_path, traded):
    theirs = HEADER + (
        "debit,,,O-1,u1,100,\n"  # matched
        "debit,,,O-2,u1,55,\n"  # amount differs
        "debit,,,O-9,u1,10,\n"  # only theirs
    )  # R-1 is only ours
    result = _reconcile(app, tmp_path, theirs)
    assert result.exit_code == 1
    out = result.output
    assert "matched        1" in out
    assert "only-theirs    1" in out and "only-theirs   debit O-9 10" in out
    assert "only-ours      1" in out and "only-ours     refund R-1 30" in out
    assert "amount-differs 1" in out and "debit O-2 theirs 55 ours 50" in out


def test_reconcile_names_a_bad_row(app, tmp_path, traded):
    result = _reconcile(app, tmp_path, HEADER + "debit,,,O-1,u1,lots,\n")
    assert result.exit_code != 0 and "第 2 行" in result.output


def test_reconcile_refuses_a_file_without_the_columns(app, tmp_path, traded):
    result = _reconcile(app, tmp_path, "a,b\n1,2\n")
    assert result.exit_code != 0 and "缺少列" in result.output


def test_reconcile_of_an_unknown_partner_fails_readably(app, tmp_path):
    result = _reconcile(app, tmp_path, HEADER, partner="nobody")
    assert result.exit_code != 0 and "合作方不存在" in result.output


def test_create_prints_the_secret_once_and_list_never_does(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["partners", "create", "商城", "--scopes", "balance,debit"])
    assert created.exit_code == 0, created.output
    secret = created.output.split("secret ", 1)[1].split()[0]
    assert len(secret) == 64
    listed = runner.invoke(args=["partners", "list"])
    assert "商城" in listed.output and secret not in listed.output
    assert db.session.query(Partner).one().scopes == ["balance", "debit"]


def test_the_report_command_says_the_books_agree(app, traded):
    result = app.test_cli_runner().invoke(args=["partners", "report", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "agrees" in result.output and "debits 2 (150)" in result.output
