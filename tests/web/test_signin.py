"""Web sign-in and sign-out with sessions and CSRF-protected forms."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD


def csrf_token(client, path="/signin") -> str:
    """The CSRF token from a page's form."""
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def sign_in_on_web(client, email, password=PASSWORD, next_url=None):
    """Post the sign-in form as a browser would."""
    url = "/signin" + (f"?next={next_url}" if next_url else "")
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post(url, data=data)


def test_tutor_signs_in_and_lands_on_staff_pages(client, make_user):
    make_user("tutor", email="tess@example.org", name="Tess Tutor")
    response = sign_in_on_web(client, "TESS@example.org")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff")
    page = client.get("/staff")
    assert page.status_code == 200
    assert "Tess Tutor" in page.get_data(as_text=True)


def test_student_lands_on_their_web_logbook(client, make_user):
    student = make_user("student", email="sam@example.org")
    response = sign_in_on_web(client, "sam@example.org")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/students/{student.id}")
    assert client.get(response.headers["Location"]).status_code == 200


def test_wrong_password_shows_a_message_and_no_session(client, make_user):
    make_user("tutor", email="tom@example.org")
    response = sign_in_on_web(client, "tom@example.org", password="wrong-password")
    assert response.status_code == 401
    assert "The email or password is not right." in response.get_data(as_text=True)
    assert client.get("/staff").status_code == 302  # still signed out


def test_unknown_email_gets_the_same_message(client):
    response = sign_in_on_web(client, "ghost@example.org")
    assert response.status_code == 401
    assert "The email or password is not right." in response.get_data(as_text=True)


def test_sign_in_without_csrf_token_is_refused(client, make_user):
    make_user("tutor", email="una@example.org")
    response = client.post("/signin", data={"email": "una@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff").status_code == 302


def test_next_only_follows_local_paths(client, make_user):
    make_user("tutor", email="val@example.org")
    response = sign_in_on_web(client, "val@example.org", next_url="https://evil.example/")
    assert response.headers["Location"].endswith("/staff")


def test_sign_out_needs_csrf_and_ends_the_session(client, make_user):
    make_user("tutor", email="wil@example.org")
    sign_in_on_web(client, "wil@example.org")
    assert client.post("/signout").status_code == 400  # no CSRF token
    token = csrf_token(client, "/staff")
    response = client.post("/signout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/staff").status_code == 302


def test_web_sign_in_is_throttled(client, make_user):
    make_user("tutor", email="xan@example.org")
    for _ in range(5):
        assert sign_in_on_web(client, "xan@example.org", password="bad-password").status_code == 401
    blocked = sign_in_on_web(client, "xan@example.org")
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)


def test_pages_send_security_headers(client):
    response = client.get("/signin")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
