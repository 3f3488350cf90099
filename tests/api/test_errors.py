"""Every /api error has the contract's JSON body; other paths get HTML pages."""

from __future__ import annotations

import pytest
from flask import abort

from server.extensions import db
from server.models import User


@pytest.fixture
def app_with_probe_routes(app):
    """Routes that fail in the ways no public route can be made to fail on demand."""

    def forbidden():
        abort(403)

    def crash():
        db.session.add(User(email="half@example.org", name="Half", role="student"))
        db.session.flush()
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/api/v1/_probe/forbidden", "probe_forbidden", forbidden)
    app.add_url_rule("/api/v1/_probe/crash", "probe_crash", crash)
    app.add_url_rule("/_probe/crash", "probe_web_crash", crash)
    return app


def _assert_error_body(response, code):
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_401(client):
    _assert_error_body(client.get("/api/v1/me"), 401)


def test_403(app_with_probe_routes):
    _assert_error_body(app_with_probe_routes.test_client().get("/api/v1/_probe/forbidden"), 403)


def test_404(client):
    _assert_error_body(client.get("/api/v1/no-such-thing"), 404)


def test_405_keeps_allow_header(client):
    response = client.put("/api/v1/auth/token", json={})
    _assert_error_body(response, 405)
    assert "POST" in response.headers["Allow"]


def test_413(app, client):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/api/v1/auth/token", data=big, headers={"Content-Type": "application/json"}
    )
    _assert_error_body(response, 413)


def test_422_names_fields(client):
    response = client.post("/api/v1/auth/token", json={"email": 5})
    _assert_error_body(response, 422)
    assert "email" in response.json["errors"] and "password" in response.json["errors"]


def test_400_on_malformed_json(client):
    response = client.post(
        "/api/v1/auth/token", data="{not json", headers={"Content-Type": "application/json"}
    )
    _assert_error_body(response, 400)


def test_429(client, make_user):
    make_user("student", email="z@example.org")
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"email": "z@example.org", "password": "nope"})
    response = client.post("/api/v1/auth/token", json={"email": "z@example.org", "password": "no"})
    _assert_error_body(response, 429)
    assert response.headers["Retry-After"].isdigit()


def test_500_rolls_back_and_hides_internals(app_with_probe_routes):
    app = app_with_probe_routes
    response = app.test_client().get("/api/v1/_probe/crash")
    _assert_error_body(response, 500)
    assert "secret internal detail" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(email="half@example.org").count() == 0


def test_html_error_pages_outside_the_api(app_with_probe_routes):
    client = app_with_probe_routes.test_client()
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "Not Found" in missing.get_data(as_text=True)
    crash = client.get("/_probe/crash")
    assert crash.status_code == 500 and crash.mimetype == "text/html"
    assert "secret internal detail" not in crash.get_data(as_text=True)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
