"""The OpenAPI document and its docs page, served without any CDN."""

from __future__ import annotations


def test_the_openapi_document_lists_the_contract_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/sso", "/api/v1/me"):
        assert path in spec["paths"]


def test_the_docs_page_loads_its_assets_from_this_service(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/swagger-ui.css").status_code == 200


def test_errors_are_documented_as_the_problem_json_the_server_sends(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    default = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(default) == ["application/problem+json"]
    ref = default["application/problem+json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    documented = set(spec["components"]["schemas"][ref]["properties"])
    sent = client.get("/api/v1/me").get_json()
    assert {"type", "title", "status", "code", "detail", "errors"} == documented
    assert set(sent) <= documented


def test_a_documented_422_names_the_problem_schema(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    unprocessable = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert "application/problem+json" in unprocessable
