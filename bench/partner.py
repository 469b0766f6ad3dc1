"""Partner points API benchmark: signed debits per second as a ratio of the bare route, as shipped.

    python -m bench partner                          # PostgreSQL (BENCH_DATABASE_URL)
    python -m bench partner --sqlite --seconds 5     # the embedded SQLite file

Serves the app exactly as `make run` does (deploy/gunicorn.conf.py, rate limits on, access log
on; only the per-IP rate raised, since one load generator stands for many servers), then runs wrk
against, back to back, with the same connections and duration:

* `ping`    GET /api/v1/ping — the bare Flask JSON route: the ceiling;
* `debits`  POST /api/v1/partner/debits, each request signed in advance (its own order_id and
            nonce, ts = the start of the run), users in turn so requests rarely queue on one row.

wrk's Lua has no HMAC, so the requests are signed here and cycled through by the script; every
nonce is used once, so the pool holds more requests than a run can send (`--pool`). The partner
is registered with a per-minute rate far above the run (its own setting, like the raised per-IP
rate); every other check (signature, clock, nonce spent on its own connection, scope, address,
the user's row lock, the ledger) is paid as shipped. After the run: one debit per 201, one
ledger entry per debit, Σ entries = balance for every account.
The bench database's public schema is dropped and rebuilt: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import time

from bench import common
from quiz.runtime import runtime_of

NAME = "partner"
# No goal was set; the nearest figure is the shop's redemptions: 0.085× the bare route.
SHOP_RATIO = 0.085

DEBITS_LUA = """
local n = 0
function request()
  local i = (n * THREADS + thread_id) % #auths + 1
  n = n + 1
  local h = {["User-Agent"] = BENCH_USER_AGENT, ["Content-Type"] = "application/json",
             ["Authorization"] = auths[i]}
  return wrk.format("POST", "/api/v1/partner/debits", h, bodies[i])
end
"""


def sign(secret: str, method: str, path: str, query: str, ts: int, nonce: str, body: bytes):
    canonical = "\n".join([method, path, query, str(ts), nonce, hashlib.sha256(body).hexdigest()])
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def signed_debits(partner_id: int, secret: str, uids: list[str], count: int, ts: int):
    """`count` signed debit requests of 1 point each, the users in turn: (authorizations, bodies)."""
    auths, bodies = [], []
    run = secrets.token_hex(4)
    for i in range(count):
        body = json.dumps(
            {"uid": uids[i % len(uids)], "points": 1, "order_id": f"bench-{run}-{i}"}
        ).encode()
        nonce = f"{run}-{i}"
        sig = sign(secret, "POST", "/api/v1/partner/debits", "", ts, nonce, body)
        auths.append(f"QUIZ-HMAC-SHA256 partner={partner_id}, ts={ts}, nonce={nonce}, sig={sig}")
        bodies.append(body.decode())
    return auths, bodies


def seed(app, users: int, points: int) -> tuple[int, str, list[str]]:
    """News-app users holding `points` each and the mall as a partner: (id, secret, uids)."""
    from sqlalchemy import update

    from quiz.extensions import db
    from quiz.models import User
    from quiz.services import ledger, partners

    ids = common.seed_users(app, users, prefix="mall")
    uids = [f"news-{user_id}" for user_id in ids]
    now = runtime_of(app).clock.now()
    for user_id, uid in zip(ids, uids, strict=True):
        db.session.execute(update(User).where(User.id == user_id).values(sso_uid=uid))
        ledger.post_entry(user_id, points, "admin_adjust", key=f"bench-grant:{user_id}", now=now)
    issued = partners.create_partner(
        "bench mall",
        ["balance", "debit", "refund"],
        key=app.config["QUIZ_PARTNER_KEY"],
        now=now,
        requests_per_minute=100_000_000,
    )
    db.session.commit()
    return issued.partner.id, issued.secret, uids


def check_database(app, created: int, connections: int) -> dict:
    from sqlalchemy import func, select

    from quiz.extensions import db
    from quiz.models import LedgerEntry
    from quiz.models.partner import PartnerDebit
    from quiz.services import ledger

    db.session.commit()
    debits = db.session.scalar(select(func.count()).select_from(PartnerDebit))
    entries = db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "partner_debit")
    )
    return {
        "debits": debits,
        "ledger_entries": entries,
        "responses_201": created,
        # wrk counts only the answers that arrived within the run; the last requests in flight
        # may still have debited: at most one per connection.
        "debits_match_201s": debits == entries and created <= debits <= created + connections,
        "ledger_mismatches": len(ledger.mismatches()),
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench partner", description=__doc__)
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite file")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--pool", type=int, default=60_000, help="pre-signed requests")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv or [])
    machine = common.machine()
    database_url = None if args.sqlite else common.database_url()
    env = common.bench_env(database_url, shipped=True)
    common.reset_schema(database_url, env)
    with common.app_for(env) as app:
        partner_id, secret, uids = seed(app, args.users, points=1_000_000)
    # Signed now, used within the next minute or two: well inside the 300 s window.
    auths, bodies = signed_debits(partner_id, secret, uids, args.pool, int(time.time()))
    threads = 2
    script = common.write_lua(
        common.OUT / "partner-debits.lua",
        f"THREADS = {threads}\n"
        + common.lua_list("auths", auths)
        + common.lua_list("bodies", bodies)
        + DEBITS_LUA,
    )
    duration = f"{args.seconds}s"
    with common.Gunicorn(env, shipped=True, path_log=NAME) as server:
        ping = common.run_wrk(
            server.url + "/api/v1/ping",
            name="ping",
            threads=threads,
            connections=args.connections,
            duration=duration,
        )
        debits = common.run_wrk(
            server.url + "/api/v1/partner/debits",
            script=script,
            name="debits",
            threads=threads,
            connections=args.connections,
            duration=duration,
        )
    created = debits.non_200.get("201", 0)
    failures = {status: n for status, n in debits.non_200.items() if status != "201"}
    with common.app_for(env) as app:
        check = check_database(app, created, args.connections)
    ratio = debits.requests_per_sec / ping.requests_per_sec
    label = "sqlite" if args.sqlite else "postgresql"
    print(f"\n{label} — shipped: deploy/gunicorn.conf.py, rate limits on, access log on")
    print(common.format_table([ping, debits], baseline=ping))
    print(f"debits/ping = {ratio:.3f} (the shop's redemptions: {SHOP_RATIO}×)")
    print("responses other than 201:", failures or "none")
    print("database after the run:", check)
    if debits.requests > args.pool:
        print("the pool ran out: raise --pool (replayed nonces were refused)", file=sys.stderr)
    payload = {
        "benchmark": NAME,
        "machine": machine,
        "configuration": "shipped",
        "database": label,
        "command": "python -m bench partner " + " ".join(argv or []),
        "settings": vars(args),
        "results": {"ping": ping.as_dict(), "debits": debits.as_dict()},
        "ratio": round(ratio, 3),
        "database_check": check,
    }
    path = common.write_results(NAME, payload)
    print(f"results: {path.relative_to(common.ROOT)}")
    if failures or not check["debits_match_201s"] or check["ledger_mismatches"]:
        print("FAILED: refused debits or an inconsistent database", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
