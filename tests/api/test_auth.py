"""Device tokens: sign a device in, read /me, revoke, throttle failed attempts."""

from __future__ import annotations

import datetime as dt

from server.extensions import db
from server.models import DeviceToken
from tests.conftest import PASSWORD


def _sign_in(client, email, password=PASSWORD, device="Pixel 7"):
    return client.post(
        "/api/v1/auth/token", json={"email": email, "password": password, "device_name": device}
    )


def test_token_reads_me_and_is_stored_hashed(app, client, make_user):
    student = make_user("student", email="Ana@Example.org", pgcert=dt.date(2025, 9, 1))
    response = _sign_in(client, "ana@example.ORG")
    assert response.status_code == 201
    token = response.json["token"]
    assert response.json["user"]["email"] == "ana@example.org"

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json == {
        "id": student.id,
        "email": "ana@example.org",
        "name": student.name,
        "role": "student",
        "logbook": {
            "pgcert_completed_on": "2025-09-01",
            "registration_ends_on": "2028-08-31",
            "annual_target": 300,
            "region_minimum": None,
            "skill_fade_days": 14,
        },
    }
    with app.app_context():
        row = db.session.query(DeviceToken).one()
        assert row.device_name == "Pixel 7"
        assert token not in row.token_hash and len(row.token_hash) == 64


def test_tutor_has_no_logbook(client, make_user, auth_header):
    tutor = make_user("tutor")
    me = client.get("/api/v1/me", headers=auth_header(tutor))
    assert me.json["role"] == "tutor" and me.json["logbook"] is None


def test_revoked_token_gets_401_at_once(client, make_user):
    make_user("student", email="bo@example.org")
    token = _sign_in(client, "bo@example.org").json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.json["code"] == 401 and after.json["status"] == "Unauthorized"
    assert "Bearer" in after.headers["WWW-Authenticate"]


def test_other_devices_keep_working_after_one_signs_out(client, make_user):
    make_user("student", email="cy@example.org")
    phone = _sign_in(client, "cy@example.org", device="Phone").json["token"]
    laptop = _sign_in(client, "cy@example.org", device="Laptop").json["token"]
    client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {phone}"})
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {laptop}"}).status_code == 200
    )


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user("student", email="di@example.org")
    wrong = _sign_in(client, "di@example.org", password="not-the-password")
    unknown = _sign_in(client, "nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_deactivated_user_cannot_sign_in_or_use_old_token(app, client, make_user):
    user = make_user("student", email="ed@example.org")
    token = _sign_in(client, "ed@example.org").json["token"]
    with app.app_context():
        fresh = db.session.get(type(user), user.id)
        fresh.active = False
        db.session.commit()
    assert _sign_in(client, "ed@example.org").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_unused_for_too_long_expires(app, client, make_user):
    make_user("student", email="fi@example.org")
    token = _sign_in(client, "fi@example.org").json["token"]
    with app.app_context():
        row = db.session.query(DeviceToken).one()
        row.last_used_at = row.last_used_at - dt.timedelta(days=app.config["TOKEN_IDLE_DAYS"] + 1)
        db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_missing_or_malformed_authorization_is_401(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client, make_user):
    make_user("student", email="gu@example.org")
    page = client.get("/signin")
    assert page.status_code == 200
    from tests.web.test_signin import sign_in_on_web

    assert sign_in_on_web(client, "gu@example.org").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_repeated_failures_are_throttled_with_retry_after(client, make_user):
    make_user("student", email="ha@example.org")
    answers = [
        _sign_in(client, "ha@example.org", password="wrong-password").status_code for _ in range(5)
    ]
    assert answers == [401] * 5
    blocked = _sign_in(client, "ha@example.org")  # even the right password waits now
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.json["code"] == 429 and "Too many" in blocked.json["message"]


def test_successful_sign_ins_are_not_throttled(client, make_user):
    make_user("student", email="io@example.org")
    assert all(_sign_in(client, "io@example.org").status_code == 201 for _ in range(8))


def test_invalid_token_request_is_422_naming_fields(client):
    response = client.post("/api/v1/auth/token", json={"email": "x@example.org", "extra": 1})
    assert response.status_code == 422
    # An unknown field is refused without repeating its name (it may be typed text).
    assert set(response.json["errors"]) == {"password", "_schema"}
