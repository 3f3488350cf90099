"""GET /openapi.json: an OpenAPI 3 document of every /api/v1 endpoint, errors included."""

from __future__ import annotations

import re

import pytest

URL = "/api/v1/openapi.json"


@pytest.fixture
def document(client):
    """The document, fetched without a token."""
    response = client.get(URL)
    assert response.status_code == 200
    return response.get_json()


def _path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_api_route_is_documented(app, document):
    """Each rule of the URL map under /api/v1, with each of its methods."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        operations = document["paths"].get(_path(rule.rule))
        assert operations is not None, f"{rule.rule} is not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in operations, f"{method} {rule.rule} is not documented"


def test_the_document_is_openapi_3_with_bearer_auth(document):
    """Version, security scheme, public endpoints marked as such."""
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    paths = document["paths"]
    assert paths["/api/v1/vocabulary"]["get"]["security"] == []
    assert paths["/api/v1/auth/token"]["post"]["security"] == []
    assert "401" in paths["/api/v1/auth/token"]["post"]["responses"]  # wrong credentials
    assert "security" not in paths["/api/v1/sync/push"]["post"]


def test_sync_is_described_from_the_schemas(document):
    """Push body, its answer and the pull query come from the marshmallow schemas."""
    schemas = document["components"]["schemas"]
    push = document["paths"]["/api/v1/sync/push"]["post"]
    body_ref = push["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.endswith("/Push")
    op = schemas["Op"]["properties"]
    assert op["kind"]["enum"] == ["upsert", "delete", "restore"]
    entry = schemas["EntryIn"]["properties"]
    assert set(entry["region"]["enum"]) >= {"shoulder", "ankle_foot"}
    assert set(schemas["EntryIn"]["required"]) == {
        "scanned_on", "region", "side", "activity", "supervision",
    }  # fmt: skip
    assert schemas["Entry"]["properties"]["version"]["readOnly"] is True
    pull = document["paths"]["/api/v1/sync/pull"]["get"]
    assert {p["name"] for p in pull["parameters"]} == {"since", "limit"}


def test_errors_are_documented_with_the_error_body(document):
    """Each operation lists its error answers, all in the one error shape."""
    push = document["paths"]["/api/v1/sync/push"]["post"]["responses"]
    assert {"200", "401", "403", "413", "422", "500"} <= set(push)
    assert push["413"] == {"$ref": "#/components/responses/TooLarge"}
    error = document["components"]["responses"]["Invalid"]["content"]["application/json"]
    assert error["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(document["components"]["schemas"]["Error"]["properties"]) == {
        "code", "status", "message", "errors",
    }  # fmt: skip
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "500" in operation["responses"], f"{method} {path}"
            if operation.get("security") != []:
                assert "401" in operation["responses"], f"{method} {path}"


def test_path_parameters_are_declared(document):
    """{entry_id} and friends are parameters of their path."""
    comments = document["paths"]["/api/v1/entries/{entry_id}/comments"]
    assert comments["parameters"][0]["name"] == "entry_id"
    assert comments["post"]["responses"]["201"]["content"]
