"""Every /api error has the contract's JSON body; other paths get HTML pages; a 500 rolls back."""

from __future__ import annotations

import datetime as dt
import uuid
from http import HTTPStatus

import pytest
from sqlalchemy import text

from server.extensions import db
from server.models import User
from tests.web.conftest import sign_in_client

HALF = "half@example.org"


@pytest.fixture
def app_with_probe_routes(app):
    """Routes that fail in the ways no public route can be made to fail on demand."""

    def crash():
        db.session.add(User(email=HALF, name="Half", role="student"))
        db.session.flush()
        raise RuntimeError("secret internal detail")

    def write_then_clash():
        # A real database error mid-transaction: one row written, then a unique-key clash.
        db.session.add(User(email=HALF, name="Half", role="student"))
        db.session.flush()
        db.session.add(User(email=HALF, name="Clash", role="student"))
        db.session.flush()
        return {"unreachable": True}

    app.add_url_rule("/api/v1/_probe/crash", "probe_crash", crash)
    app.add_url_rule("/api/v1/_probe/clash", "probe_clash", write_then_clash)
    app.add_url_rule("/_probe/crash", "probe_web_crash", crash)
    app.add_url_rule("/_probe/clash", "probe_web_clash", write_then_clash)
    return app


def _assert_error_body(response, code):
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)


def _users_with_email(app, email: str) -> int:
    """Count users with this email on a new connection, outside any request's session."""
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM users WHERE email = :email"), {"email": email}
        ).scalar()


def _op(n: int) -> dict:
    entry_id = str(uuid.uuid4())
    entry = {
        "id": entry_id,
        "scanned_on": "2026-01-05",
        "region": "knee",
        "side": "left",
        "activity": "diagnostic",
        "supervision": "independent",
        "notes": f"scan {n}",
    }
    return {
        "op_id": str(uuid.uuid4()),
        "entry_id": entry_id,
        "kind": "upsert",
        "base_version": 0,
        "entry": entry,
    }


# One real request per error status the contract names; each returns (response, extra check).
def _400(t):
    return t.client.post(
        "/api/v1/auth/token", data="{not json", headers={"Content-Type": "application/json"}
    )


def _401(t):
    response = t.client.get("/api/v1/me")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return response


def _403(t):
    return t.client.get("/api/v1/students", headers=t.auth_header(t.make_user("student")))


def _404(t):
    # Another tutor's student: 404, not 403, so the answer does not reveal that they exist.
    student, tutor = t.make_user("student"), t.make_user("tutor")
    return t.client.get(f"/api/v1/students/{student.id}/progress", headers=t.auth_header(tutor))


def _404_path(t):
    return t.client.get("/api/v1/no-such-thing")


def _405(t):
    response = t.client.put("/api/v1/auth/token", json={})
    assert "POST" in response.headers["Allow"]
    return response


def _409(t):
    # Year 2 of this logbook starts in about eleven months: it cannot be submitted yet.
    student = t.make_user("student", pgcert=dt.date.today() - dt.timedelta(days=30))
    return t.client.post(
        "/api/v1/periods/2/submit", json={"statement": "Done"}, headers=t.auth_header(student)
    )


def _413_batch(t):
    header = t.auth_header(t.make_user("student"))
    body = {"device_id": "phone", "ops": [_op(n) for n in range(101)]}
    response = t.client.post("/api/v1/sync/push", json=body, headers=header)
    pulled = t.client.get("/api/v1/sync/pull?since=0", headers=header).json
    assert pulled["entries"] == []  # refused whole: nothing applied
    return response


def _413_body(t):
    big = "x" * (t.app.config["MAX_CONTENT_LENGTH"] + 1)
    return t.client.post(
        "/api/v1/auth/token", data=big, headers={"Content-Type": "application/json"}
    )


def _415(t):
    header = t.auth_header(t.make_user("student"))
    header["Content-Type"] = "text/plain"
    return t.client.post("/api/v1/sync/push", data='{"ops": []}', headers=header)


def _422(t):
    response = t.client.post("/api/v1/auth/token", json={"email": 5})
    assert "email" in response.json["errors"] and "password" in response.json["errors"]
    return response


def _429(t):
    t.make_user("student", email="z@example.org")
    for _ in range(5):
        t.client.post("/api/v1/auth/token", json={"email": "z@example.org", "password": "nope"})
    response = t.client.post(
        "/api/v1/auth/token", json={"email": "z@example.org", "password": "no"}
    )
    assert response.headers["Retry-After"].isdigit()
    return response


def _500(t):
    response = t.client.get("/api/v1/_probe/crash")
    assert "secret internal detail" not in response.get_data(as_text=True)
    return response


TRIGGERS = {
    "400": _400,
    "401": _401,
    "403": _403,
    "404": _404,
    "404-path": _404_path,
    "405": _405,
    "409": _409,
    "413-batch": _413_batch,
    "413-body": _413_body,
    "415": _415,
    "422": _422,
    "429": _429,
    "500": _500,
}


class Tools:
    """What a trigger needs: the app, a client of it, and ways to make users and headers."""

    def __init__(self, app, make_user, auth_header):
        self.app = app
        self.client = app.test_client()
        self.make_user = make_user
        self.auth_header = auth_header


@pytest.mark.parametrize("case", TRIGGERS)
def test_every_contract_error_status_has_the_json_error_body(
    case, app_with_probe_routes, make_user, auth_header
):
    """code, the status's reason phrase, a message; `errors` only for a validation failure."""
    code = int(case[:3])
    response = TRIGGERS[case](Tools(app_with_probe_routes, make_user, auth_header))
    _assert_error_body(response, code)
    body = response.json
    assert body["status"] == HTTPStatus(code).phrase
    assert set(body) == {"code", "status", "message"} | ({"errors"} if code == 422 else set())
    if code == 422:
        assert isinstance(body["errors"], dict) and body["errors"]


def test_500_rolls_back_and_hides_internals(app_with_probe_routes):
    app = app_with_probe_routes
    response = app.test_client().get("/api/v1/_probe/crash")
    _assert_error_body(response, 500)
    assert "secret internal detail" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).filter_by(email=HALF).count() == 0
    assert _users_with_email(app, HALF) == 0


def test_500_leaves_a_session_that_outlives_the_request_clean(
    app_with_probe_routes, make_user, auth_header
):
    """After a 500, the next request on the same session neither sees nor commits the half row.

    Both requests run in one app context (so one database session), as they would under a
    CLI command or any caller that keeps the context: the app context's teardown cannot do
    the handler's rollback for it.
    """
    app = app_with_probe_routes
    student = make_user("student", email="next@example.org")
    header = auth_header(student)
    client = app.test_client()
    with app.app_context():
        _assert_error_body(client.get("/api/v1/_probe/crash"), 500)
        # The next request writes and commits (a new device token), on the same session.
        response = client.post(
            "/api/v1/auth/token",
            json={"email": "next@example.org", "password": "correct-horse-battery"},
        )
        assert response.status_code == 201
        assert client.get("/api/v1/me", headers=header).json["email"] == "next@example.org"
        assert db.session.query(User).filter_by(email=HALF).count() == 0
    assert _users_with_email(app, HALF) == 0


def test_500_after_a_database_error_still_serves_the_json_body(app_with_probe_routes):
    """A unique-key clash mid-transaction: 500 with the contract body, nothing half-written."""
    app = app_with_probe_routes
    client = app.test_client()
    with app.app_context():
        _assert_error_body(client.get("/api/v1/_probe/clash"), 500)
        assert client.get("/healthz").json == {"status": "ok"}
    assert _users_with_email(app, HALF) == 0


def test_500_page_after_a_database_error_for_a_signed_in_tutor(app_with_probe_routes, make_user):
    """The HTML error page loads the signed-in user after the failed flush: it needs the rollback.

    Without it the session is left in a failed transaction, loading the user for the page's
    header raises again inside the error handler, and the tutor gets no page at all.
    """
    app = app_with_probe_routes
    tutor = make_user("tutor", name="Tess Tutor")
    client = app.test_client()
    sign_in_client(app, client, tutor.id)
    response = client.get("/_probe/clash")
    assert response.status_code == 500 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Tess Tutor" in page and "IntegrityError" not in page
    assert _users_with_email(app, HALF) == 0
    assert client.get("/").status_code in (200, 302)


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
