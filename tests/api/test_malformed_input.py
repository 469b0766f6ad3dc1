"""Property test: no body, however malformed, gets a 5xx from any API endpoint.

The endpoints are read from the app's own URL map, so every endpoint added later is covered.
Requests are made as an admin so they get past the role checks to the validation they guard.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
# Objects with the field names the API uses, filled with values of every type.
FIELD_NAMES = ["username", "password", "display_name", "district", "invite_code", "token",
               "question_id", "choices", "user_id", "delta", "memo", "prize_id", "name", "cost",
               "stock", "per_user_limit", "on_sale", "question_ids", "join_code", "active", "stem",
               "options", "answer", "explanation", "category", "description", "image_url"]
bodies = json_values | st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6)
path_values = st.sampled_from(["1", "0", "-1", "999999999999999999999", "abc", "%E4%B8%AD",
                               "2026-13-45", "2026-11-23", "A" * 300])
query_strings = st.sampled_from(["", "?limit=0", "?limit=abc", "?limit=101", "?cursor=%%%",
                                 "?cursor=eyJ4Ijp9", "?period=year", "?from=x&to=y",
                                 "?by=nothing", "?dry_run=maybe", "?radius=-5", "?active=maybe"])

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
    kind = data.draw(st.sampled_from(["json", "raw", "none"]))
    if kind == "json":
        response = client.open(url, method=method, json=data.draw(bodies))
    elif kind == "raw":
        raw = data.draw(st.binary(max_size=64))
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
