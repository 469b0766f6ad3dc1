"""The page scripts read only fields the OpenAPI document promises.

Each module in quiz/web/static/ that calls the API declares `export const READS = {…}` (JSON,
trailing commas allowed):
per operation ("GET /api/v1/me"), the response fields it reads, as paths — `a.b` steps into an
object, `a[]` into an array's items, `a{}` into a map's values, a leading `[]` is a top-level
array. These tests resolve every path in the response schema of /api/v1/openapi.json, read
from the running app, and check that the lists match the code: no stale entry, and no
snake_case field read in the source that the list does not name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import make_app

STATIC = Path(__file__).resolve().parents[2] / "quiz" / "web" / "static"
TEMPLATES = STATIC.parent / "templates"
MODULES = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.js"))
CALLERS = [
    m for m in MODULES if re.search(r"\bapi\(", (STATIC / m).read_text("utf-8")) and m != "core.js"
]
READS_RE = re.compile(r"^export const READS = (\{.*?^\});$", re.S | re.M)
TOKEN_RE = re.compile(r"\[\]|\{\}|[A-Za-z_][A-Za-z0-9_]*")


@pytest.fixture(scope="module")
def openapi(tmp_path_factory) -> dict:
    app = make_app("sqlite", tmp_path_factory.mktemp("openapi"))
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def reads(module: str) -> dict[str, list[str]]:
    match = READS_RE.search((STATIC / module).read_text("utf-8"))
    assert match, f"{module} calls the API but declares no READS"
    return json.loads(
        re.sub(r",(\s*[}\]])", r"\1", match.group(1))
    )  # JSON, trailing commas allowed


def response_schemas(doc: dict, operation: str) -> list[dict]:
    method, path = operation.split(" ", 1)
    op = doc["paths"].get(path, {}).get(method.lower())
    assert op is not None, f"{operation} is not in the OpenAPI document"
    schemas = [
        r["content"]["application/json"]["schema"]
        for status, r in op["responses"].items()
        if status.startswith("2") and "application/json" in r.get("content", {})
    ]
    assert schemas, f"{operation} documents no JSON response"
    return schemas


def resolves(doc: dict, schema: dict, tokens: list[str]) -> bool:
    """Does the field path `tokens` exist in `schema` (following $ref, anyOf, arrays, maps)?"""
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("anyOf", "oneOf"):
        if combined in schema:
            return any(resolves(doc, branch, tokens) for branch in schema[combined])
    if "allOf" in schema:
        return any(resolves(doc, branch, tokens) for branch in schema["allOf"])
    if not tokens:
        return True
    head, rest = tokens[0], tokens[1:]
    if head == "[]":
        return schema.get("type") == "array" and resolves(doc, schema.get("items", {}), rest)
    if head == "{}":
        values = schema.get("additionalProperties")
        return isinstance(values, dict) and resolves(doc, values, rest)
    prop = schema.get("properties", {}).get(head)
    return prop is not None and resolves(doc, prop, rest)


def test_every_module_that_calls_the_api_declares_what_it_reads():
    assert "citizen.js" in CALLERS and "admin/dashboard.js" in CALLERS
    for module in CALLERS:
        assert reads(module), module


@pytest.mark.parametrize("module", CALLERS)
def test_every_field_a_script_reads_is_in_the_openapi_document(openapi, module):
    # A field is read from one of the operation's successful answers (an import answers 200 with
    # its report, or 202 with the batch waiting for review): it must be in at least one of them.
    missing = []
    for operation, paths in reads(module).items():
        schemas = response_schemas(openapi, operation)
        missing += [
            f"{operation}: {p}"
            for p in paths
            if not any(resolves(openapi, schema, TOKEN_RE.findall(p)) for schema in schemas)
        ]
    assert not missing, f"{module} reads fields the OpenAPI document does not have: {missing}"


@pytest.mark.parametrize("module", CALLERS)
def test_every_field_listed_is_read_somewhere_in_the_module(module):
    source = (STATIC / module).read_text("utf-8")
    code = READS_RE.sub("", source) + (STATIC / "core.js").read_text("utf-8")
    stale = [
        p
        for paths in reads(module).values()
        for p in paths
        if not re.search(
            r"\b" + TOKEN_RE.findall(p)[-1 if not p.endswith("[]") else -2] + r"\b", code
        )
    ]
    assert not stale, f"{module} lists fields it never reads: {stale}"


@pytest.mark.parametrize("module", CALLERS)
def test_a_script_reads_no_snake_case_field_it_does_not_list(module):
    """API fields are snake_case and JavaScript's own names are camelCase, so any `.snake_case`
    read is either a listed response field or a form field of a page (`name="…"`)."""
    source = READS_RE.sub("", (STATIC / module).read_text("utf-8"))
    listed = {t for paths in reads(module).values() for p in paths for t in TOKEN_RE.findall(p)}
    form_fields = {
        n
        for t in TEMPLATES.rglob("*.html")
        for n in re.findall(r'\bname="([a-z_]+)"', t.read_text("utf-8"))
    }
    unlisted = (
        set(re.findall(r"\.([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b", source)) - listed - form_fields
    )
    assert not unlisted, f"{module} reads fields missing from its READS: {sorted(unlisted)}"


def test_the_path_checker_refuses_what_the_document_lacks(openapi):
    schema = response_schemas(openapi, "GET /api/v1/me/points")[0]
    assert resolves(openapi, schema, TOKEN_RE.findall("entries[].delta"))
    assert not resolves(openapi, schema, TOKEN_RE.findall("items[].delta"))
    assert not resolves(openapi, schema, TOKEN_RE.findall("entries.delta"))
    assert not resolves(openapi, schema, TOKEN_RE.findall("balance[]"))
