"""Property test: no body, however malformed, gets a 5xx from any API endpoint.

The endpoints are read from the app's own URL map, so every endpoint added later is covered.
Requests are made as an admin so they get past the role checks to the validation they guard.

Besides random JSON, every field of every route (read from the OpenAPI document: body
properties and query parameters) is sent each hostile class — lone surrogates, NUL and other
control characters, bidi overrides, zero-width and BOM-only text, 5,000-digit integers, deep
nesting — with plausible values in the other fields, so the request reaches the rules and the
database behind the validation.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow  # a long module: scheduled first (see conftest)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)
# The hostile classes: each is (a JSON value) or (raw JSON text, for what json.dumps cannot write).
HUGE_INT = "9" * 5000
DEEP = "[" * 3000 + "]" * 3000
HOSTILE_VALUES = {
    "lone high surrogate": "\ud800",
    "lone low surrogate": "a\udfff",
    "nul": "a\x00b",
    "only nul": "\x00",
    "ansi escape": "\x1b[31mred",
    "newline": "a\nb",
    "bidi override": "\u202eevil",
    "zero-width only": "\u200b\u200b",
    "bom only": "\ufeff",
    "hangul filler": "\u3164",
    "surrogate key": {"\ud800": 1},
    "nul key": {"a\x00": "x"},
}
HOSTILE_RAW = {"5000-digit integer": HUGE_INT, "deep nesting": DEEP, "-5000-digit": "-" + HUGE_INT}
hostile = st.sampled_from(sorted(HOSTILE_VALUES.values(), key=repr))

# Objects with the field names the API uses, filled with values of every type.
FIELD_NAMES = [
    "username",
    "password",
    "display_name",
    "district",
    "invite_code",
    "token",
    "question_id",
    "choices",
    "user_id",
    "delta",
    "memo",
    "prize_id",
    "name",
    "cost",
    "stock",
    "per_user_limit",
    "on_sale",
    "question_ids",
    "join_code",
    "active",
    "stem",
    "options",
    "answer",
    "explanation",
    "category",
    "description",
    "image_url",
]
bodies = (
    json_values
    | hostile
    | st.dictionaries(st.sampled_from(FIELD_NAMES), json_values | hostile, max_size=6)
)
path_values = st.sampled_from(
    [
        "1",
        "0",
        "-1",
        "999999999999999999999",
        "abc",
        "%E4%B8%AD",
        "2026-13-45",
        "2026-11-23",
        "A" * 300,
        "%00",
        "a%00b",
        "%ED%A0%80",
        "%E2%80%AE1",
        "%E2%80%8B",
        "9" * 5000,
    ]
)
query_strings = st.sampled_from(
    [
        "",
        "?limit=0",
        "?limit=abc",
        "?limit=101",
        "?cursor=%%%",
        "?cursor=eyJ4Ijp9",
        "?period=year",
        "?from=x&to=y",
        "?by=nothing",
        "?dry_run=maybe",
        "?radius=-5",
        "?active=maybe",
        "?q=%00",
        "?category=a%00b",
        "?cursor=dHJ1ZQ",
        "?q=%ED%A0%80",
        "?limit=" + "9" * 5000,
        "?status=%E2%80%AE",
    ]
)

SKIP = {"/api/docs", "/api/docs/assets/<path:filename>", "/api/v1/openapi.json"}


def api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.rule not in SKIP:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def fill(rule: str, value: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", value, rule)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_malformed_request_gets_a_server_error(app, factory, as_user, data):
    if not hasattr(app, "_fuzz_admin"):
        # A bank to draw today's set from, so the quiz routes are fuzzed past "no questions".
        for _ in range(6):
            factory.question()
        app._fuzz_admin = factory.user(role="admin")
    admin = app._fuzz_admin
    client = as_user(admin)
    routes = sorted(api_routes(app))
    method, rule = data.draw(st.sampled_from(routes))
    url = fill(rule, data.draw(path_values)) + data.draw(query_strings)
    kind = data.draw(st.sampled_from(["json", "raw", "none", "hostile raw"]))
    if kind == "json":
        # ASCII escapes: a lone surrogate travels as "\\ud800", as an attacker's client sends it.
        response = client.open(
            url, method=method, data=json.dumps(data.draw(bodies)), content_type="application/json"
        )
    elif kind == "raw":
        raw = data.draw(st.binary(max_size=64))
        response = client.open(url, method=method, data=raw, content_type="application/json")
    elif kind == "hostile raw":
        field = data.draw(st.sampled_from(FIELD_NAMES))
        raw = json.dumps({field: "@@"}).replace(
            '"@@"', data.draw(st.sampled_from(sorted(HOSTILE_RAW.values())))
        )
        response = client.open(url, method=method, data=raw, content_type="application/json")
    else:
        response = client.open(url, method=method)
    assert response.status_code < 500, (method, url, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", (method, url)
        body = response.get_json()
        assert body["status"] == response.status_code and body["code"]


def test_every_api_route_is_reachable_by_the_fuzzer(app):
    assert len(list(api_routes(app))) >= 5


# ------------------------------------------------------------------ every field × every class
# Plausible values, so that one hostile field is the only thing wrong with a request.
PLAUSIBLE = {
    "username": "fuzz_user",
    "password": "fuzz-password",
    "display_name": "市民",
    "district": "新华区",
    "token": "abc.def",
    "memo": "备注",
    "name": "名字",
    "cost": 10,
    "stock": 1,
    "choices": ["A"],
    "delta": 5,
    "join_code": "ABCD",
    "stem": "题干",
    "type": "single",
    "options": {"A": "甲", "B": "乙"},
    "answer": ["A"],
    "category": "垃圾分类",
    "explanation": "解析",
    "description": "说明",
    "question_ids": [1],
    "on_sale": True,
    "active": True,
    "show_full_name": True,
}


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def fields_of_every_route(app, client):
    """(method, rule, body fields, query fields) for every API route, from the OpenAPI document."""
    spec = client.get("/api/v1/openapi.json").get_json()
    for method, rule in api_routes(app):
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)[len("/api") :]
        operation = (
            spec["paths"].get(path, spec["paths"].get("/api" + path, {})).get(method.lower(), {})
        )
        content = operation.get("requestBody", {}).get("content", {})
        body = content.get("application/json", {})
        props = list(_resolve(spec, body.get("schema", {})).get("properties", {})) if body else []
        query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
        files = content.get("multipart/form-data", {})
        file_fields = (
            list(_resolve(spec, files.get("schema", {})).get("properties", {})) if files else []
        )
        yield method, rule, props, query, file_fields


def test_every_field_of_every_route_refuses_each_hostile_class_without_a_server_error(
    app, factory, as_user
):
    question = factory.question()
    user = factory.user()
    admin = factory.user(role="admin")
    client = as_user(admin)
    routes = list(fields_of_every_route(app, client))
    covered_body = covered_query = 0
    covered_files = 0
    for method, rule, props, query, file_fields in routes:
        url = fill(rule, str(question.id))
        base = {name: PLAUSIBLE.get(name, user.id if name.endswith("_id") else 1) for name in props}
        for name in props:
            covered_body += 1
            raws = [json.dumps({**base, name: value}) for value in HOSTILE_VALUES.values()]
            placeholder = json.dumps({**base, name: "@@"})
            raws += [placeholder.replace('"@@"', raw) for raw in HOSTILE_RAW.values()]
            for raw in raws:
                response = client.open(
                    url, method=method, data=raw, content_type="application/json"
                )
                assert response.status_code < 500, (method, url, name, raw[:80])
                assert response.mimetype == "application/problem+json" or response.status_code < 400
        for name in query:
            covered_query += 1
            for value in (
                "%00",
                "a%00b",
                "%ED%A0%80",
                "%E2%80%AEx",
                "%E2%80%8B",
                "%EF%BB%BF",
                "9" * 5000,
                "%1B%5B31m",
            ):
                response = client.open(f"{url}?{name}={value}", method=method)
                assert response.status_code < 500, (method, url, name, value)
        for name in file_fields:
            covered_files += 1
            for filename in ("a\x00.csv", "\u202egpj.csv", "\x1b[31m.json", "\u200b"):
                for content in (
                    b"\x00" * 64,
                    "题型,题干\n单选,\x00\n".encode(),
                    b"\x89PNG\r\n\x1a\n",
                ):
                    response = client.open(
                        url,
                        method=method,
                        content_type="multipart/form-data",
                        data={name: (io.BytesIO(content), filename)},
                    )
                    assert response.status_code < 500, (method, url, name, filename, content)
        if "<" in rule:
            for value in ("%00", "a%00b", "%ED%A0%80", "%E2%80%AE1", "%E2%80%8B", "9" * 5000):
                response = client.open(fill(rule, value), method=method, json={})
                assert response.status_code < 500, (method, rule, value)
    assert covered_body >= 30 and covered_query >= 10 and covered_files >= 2
