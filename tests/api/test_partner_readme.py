"""The README's partner examples work as printed: its curl recipe and its Python signer, run
against the app served live, debit real points."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from quiz.extensions import db
from quiz.runtime import runtime_of
from tests.partner_sim import balance_of, make_partner, news_user

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


@pytest.fixture
def live_url(app):
    runtime_of(app).clock.set(datetime.now(UTC))  # the examples sign with the real time
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_the_readmes_python_signer_debits_and_reads_a_statement(app, factory, live_url):
    code = README.split("<!-- partner-signer -->\n```python\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 25
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "pg-1001", points=100)
    namespace: dict = {}
    exec(compile(code, "README signer", "exec"), namespace)  # noqa: S102 - our own README
    namespace.update(BASE=live_url, PARTNER_ID=partner_id, SECRET=secret)
    call = namespace["call"]
    status, body = call(
        "POST", "/api/v1/partner/debits", {"uid": "pg-1001", "points": 30, "order_id": "MALL-1"}
    )
    assert (status, body["balance"]) == (201, 70)
    assert call("GET", "/api/v1/partner/users/pg-1001/balance") == (
        200,
        {"uid": "pg-1001", "balance": 70},
    )
    day = runtime_of(app).clock.now().astimezone(runtime_of(app).rules.tz).date().isoformat()
    status, statement = call("GET", "/api/v1/partner/statements", query=f"date={day}")
    assert status == 200 and statement["totals"]["debited"] == 30
    status, refused = call(
        "POST", "/api/v1/partner/debits", {"uid": "pg-1001", "points": 71, "order_id": "MALL-2"}
    )
    assert (status, refused["code"]) == (409, "insufficient_points")
    assert balance_of(user_id) == 70


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("openssl")), reason="curl, openssl")
def test_the_readmes_curl_recipe_debits(app, factory, live_url):
    recipe = re.search(r"```sh\n(BASE=https://quiz\.example\.com.*?)```", README, re.S).group(1)
    partner_id, secret = make_partner(app)
    user_id = news_user(app, factory, "pg-1001", points=100)
    first, rest = recipe.split("\n", 1)
    script = f"BASE={live_url} PARTNER={partner_id} SECRET={secret}\n" + rest
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert '"balance":70' in out.stdout.replace(" ", ""), out.stdout + out.stderr
    assert balance_of(user_id) == 70
