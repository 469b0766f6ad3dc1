"""A partner simulator: the news app's mall, signing real requests the way docs/partners.md says.

It signs with its own copy of the rule (not the service's), so a drift between the two fails
the tests. It talks either to a Flask test client or to a live server over HTTP (urllib).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json as jsonlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

from quiz.extensions import db
from quiz.models import LedgerEntry, User
from quiz.runtime import runtime_of
from quiz.services import ledger, partners

_grants = itertools.count(1)


def sign(secret: str, method: str, path: str, query: str, ts: int, nonce: str, body: bytes) -> str:
    canonical = "\n".join(
        [method.upper(), path, query, str(ts), nonce, hashlib.sha256(body).hexdigest()]
    )
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    body: object
    text: str
    content_type: str

    @property
    def code(self):
        return self.body.get("code") if isinstance(self.body, dict) else None


class PartnerSim:
    """One partner's client. `transport` is a Flask test client or a base URL ("http://…")."""

    def __init__(self, transport, partner_id: int, secret: str, clock):
        self.transport = transport
        self.partner_id = partner_id
        self.secret = secret
        self.clock = clock

    def headers(self, method, path, query, body, *, ts=None, nonce=None, secret=None) -> dict:
        ts = int(self.clock.now().timestamp()) if ts is None else ts
        nonce = nonce or secrets.token_urlsafe(16)
        sig = sign(secret or self.secret, method, path, query, ts, nonce, body)
        return {
            "Authorization": (
                f"QUIZ-HMAC-SHA256 partner={self.partner_id}, ts={ts}, nonce={nonce}, sig={sig}"
            )
        }

    def send(self, method, path, *, body=b"", query="", headers=None, sent_body=None) -> Answer:
        """Send `sent_body` (default `body`) with `headers` — tests forge either on purpose."""
        data = body if sent_body is None else sent_body
        headers = dict(headers or {})
        if data:
            headers.setdefault("Content-Type", "application/json")
        if isinstance(self.transport, str):
            return self._over_http(method, path, query, data, headers)
        response = self.transport.open(
            path, method=method, data=data, query_string=query or None, headers=headers
        )
        text = response.get_data(as_text=True)
        return Answer(
            response.status_code,
            response.get_json(silent=True),
            text,
            response.mimetype,
        )

    def _over_http(self, method, path, query, data, headers) -> Answer:
        url = self.transport + path + (f"?{query}" if query else "")
        req = urllib.request.Request(url, data=data or None, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                status, raw, ctype = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, raw, ctype = exc.code, exc.read(), exc.headers
        text = raw.decode("utf-8")
        mimetype = (ctype.get("Content-Type") or "").split(";")[0]
        try:
            body = jsonlib.loads(text)
        except ValueError:
            body = None
        return Answer(status, body, text, mimetype)

    def call(self, method, path, payload=None, *, query="", **sign_args) -> Answer:
        body = b"" if payload is None else jsonlib.dumps(payload, ensure_ascii=False).encode()
        headers = self.headers(method, path, query, body, **sign_args)
        return self.send(method, path, body=body, query=query, headers=headers)

    # the contract's routes
    def balance(self, uid: str) -> Answer:
        return self.call("GET", f"/api/v1/partner/users/{quote(uid, safe='')}/balance")

    def debit(self, uid, points, order_id, memo=None) -> Answer:
        payload = {"uid": uid, "points": points, "order_id": order_id}
        if memo is not None:
            payload["memo"] = memo
        return self.call("POST", "/api/v1/partner/debits", payload)

    def refund(self, debit_id, points, refund_id) -> Answer:
        return self.call(
            "POST",
            f"/api/v1/partner/debits/{debit_id}/refunds",
            {"points": points, "refund_id": refund_id},
        )

    def statement(self, day: str, fmt: str | None = None) -> Answer:
        query = f"date={day}" + (f"&format={fmt}" if fmt else "")
        return self.call("GET", "/api/v1/partner/statements", query=query)


def make_partner(app, name="平观新闻商城", scopes=("balance", "debit", "refund"), **fields):
    """A registered partner: (id, secret)."""
    fields.setdefault("requests_per_minute", 10_000)
    issued = partners.create_partner(
        name,
        list(scopes),
        key=app.config["QUIZ_PARTNER_KEY"],
        now=runtime_of(app).clock.now(),
        **fields,
    )
    db.session.commit()
    return issued.partner.id, issued.secret


def news_user(app, factory, uid: str, points: int = 0, **fields) -> int:
    """A user who signed in from the news app as `uid`, holding `points`."""
    user = factory.user(sso_uid=uid, **fields)
    if points:
        ledger.post_entry(
            user.id,
            points,
            "admin_adjust",
            key=f"sim-grant:{next(_grants)}",
            now=runtime_of(app).clock.now(),
        )
        db.session.commit()
    return user.id


def balance_of(user_id: int) -> int:
    db.session.commit()  # a fresh transaction: what live requests committed meanwhile shows
    return db.session.get(User, user_id).balance


def entry_count() -> int:
    db.session.commit()
    return db.session.query(LedgerEntry).count()
