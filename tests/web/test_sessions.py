"""Web sessions end on the server: a copy of the cookie stops working after sign-out, a
password change (set by the user or through an invitation link) and deactivation."""

from __future__ import annotations

import pytest
from flask_login.utils import encode_cookie

from server.extensions import db
from server.models import User
from server.services import admin as admin_service
from server.services import invitations
from tests.conftest import PASSWORD
from tests.web.conftest import csrf_from
from tests.web.test_signin import csrf_token, sign_in_on_web

NEW_PASSWORD = "a-brand-new-password"


def _browser(app, email):
    """A real test client signed in through the form (a new server-side session)."""
    client = app.test_client()
    assert sign_in_on_web(client, email).status_code == 302
    return client


def _copy(app, client):
    """A second client holding a copy of the first one's session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _token(client, email, password=PASSWORD):
    answer = client.post(
        "/api/v1/auth/token", json={"email": email, "password": password, "device_name": "Phone"}
    )
    assert answer.status_code == 201
    return {"Authorization": f"Bearer {answer.json['token']}"}


def _change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {
        "current": current,
        "password": new,
        "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, "/account"),
    }
    return client.post("/account/password", data=data)


def _signed_in_everywhere(app, make_user, email):
    """An admin, and a tutor with a browser, a copy of its cookie and a phone's token header."""
    boss = make_user("admin")
    user = make_user("tutor", email=email)
    browser = _browser(app, email)
    return boss, user, browser, _copy(app, browser), _token(app.test_client(), email)


def test_a_copied_cookie_stops_working_at_sign_out(app, make_user):
    make_user("tutor", email="tia@example.org")
    browser = _browser(app, "tia@example.org")
    thief = _copy(app, browser)
    assert _signed_in(thief)  # the copy works while the session lives
    assert (
        browser.post("/signout", data={"csrf_token": csrf_token(browser, "/staff")}).status_code
        == 302
    )
    assert not _signed_in(browser)
    assert not _signed_in(thief)
    assert thief.get("/staff").headers["Location"].startswith("/signin")


def test_a_password_change_ends_every_other_session_and_every_device(app, make_user):
    make_user("student", email="pat@example.org")
    here = _browser(app, "pat@example.org")
    elsewhere = _browser(app, "pat@example.org")
    copy_of_here = _copy(app, here)
    phone = _token(app.test_client(), "pat@example.org")
    assert app.test_client().get("/api/v1/me", headers=phone).status_code == 200

    answer = _change_password(here)
    assert answer.status_code == 302
    assert "Your password is changed" in here.get("/account").get_data(as_text=True)
    assert _signed_in(here)  # the session making the change stays
    assert not _signed_in(elsewhere)
    assert app.test_client().get("/api/v1/me", headers=phone).status_code == 401
    # The copy of the kept session is that same session: it is still that browser's to end.
    assert _signed_in(copy_of_here)
    assert sign_in_on_web(app.test_client(), "pat@example.org").status_code == 401
    assert sign_in_on_web(app.test_client(), "pat@example.org", NEW_PASSWORD).status_code == 302


def test_a_password_reset_by_invitation_ends_old_cookies_and_devices(app, make_user):
    boss, user, browser, thief, phone = _signed_in_everywhere(app, make_user, "rex@example.org")
    with app.app_context():
        raw = invitations.create_invitation(
            db.session.get(User, user.id), db.session.get(User, boss.id)
        )
        db.session.commit()
    visitor = app.test_client()
    page = visitor.get(f"/invitation/{raw}").get_data(as_text=True)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_from(page)}
    assert visitor.post(f"/invitation/{raw}", data=data).status_code == 302
    assert not _signed_in(browser) and not _signed_in(thief)
    assert app.test_client().get("/api/v1/me", headers=phone).status_code == 401


def test_deactivation_ends_sessions_for_good(app, make_user):
    boss, user, browser, thief, phone = _signed_in_everywhere(app, make_user, "dee@example.org")
    for active in (False, True):
        with app.app_context():
            admin_service.set_active(
                db.session.get(User, boss.id), db.session.get(User, user.id), active
            )
            db.session.commit()
        assert not _signed_in(browser) and not _signed_in(thief), active
        assert app.test_client().get("/api/v1/me", headers=phone).status_code == 401, active
    assert _signed_in(_browser(app, "dee@example.org"))  # reactivated: a new sign-in works


def test_a_forged_session_or_remember_cookie_without_a_session_row_signs_no_one_in(app, make_user):
    """The old shape of the cookie (just a user id) and a remember-me cookie are refused."""
    user = make_user("admin")
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not _signed_in(forged)
    remembered = app.test_client()
    with app.test_request_context():
        remembered.set_cookie("remember_token", encode_cookie(str(user.id)))
    assert not _signed_in(remembered)


def test_the_account_page_lists_sessions_and_ends_another_one(app, make_user):
    make_user("tutor", email="ola@example.org")
    laptop = _browser(app, "ola@example.org")
    desktop = app.test_client()
    desktop_agent = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/140.0"}
    token = csrf_token(desktop)
    desktop.post(
        "/signin",
        data={"email": "ola@example.org", "password": PASSWORD, "csrf_token": token},
        headers=desktop_agent,
    )
    page = laptop.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in page and "(this browser)" in page
    assert "Mozilla/5.0" not in page  # a summary, never the full string
    with app.app_context():
        from server.services import sessions

        rows = sessions.sessions_of(db.session.get(User, _user_id(app, "ola@example.org")))
        other = next(r for r in rows if r.user_agent == "Firefox on Windows")
    answer = laptop.post(
        f"/account/sessions/{other.id}/end", data={"csrf_token": csrf_token(laptop, "/account")}
    )
    assert answer.status_code == 302
    assert not _signed_in(desktop) and _signed_in(laptop)
    assert "Firefox on Windows" not in laptop.get("/account").get_data(as_text=True)


def test_ending_this_session_from_the_account_page_signs_out_here(app, make_user):
    make_user("tutor", email="ivy@example.org")
    laptop = _browser(app, "ivy@example.org")
    thief = _copy(app, laptop)
    with app.app_context():
        from server.services import sessions

        (row,) = sessions.sessions_of(db.session.get(User, _user_id(app, "ivy@example.org")))
    answer = laptop.post(
        f"/account/sessions/{row.id}/end", data={"csrf_token": csrf_token(laptop, "/account")}
    )
    assert answer.headers["Location"].startswith("/signin")
    assert not _signed_in(laptop) and not _signed_in(thief)


def test_a_user_signs_out_their_own_device_but_not_someone_elses(app, make_user, token_for):
    me = make_user("student", email="una@example.org")
    other = make_user("student")
    phone = _token(app.test_client(), "una@example.org")
    _token(app.test_client(), other.email)
    laptop = _browser(app, "una@example.org")
    page = laptop.get("/account").get_data(as_text=True)
    assert "Sign out Phone" in page
    with app.app_context():
        from server.auth import tokens

        (mine,) = tokens.tokens_of(db.session.get(User, me.id))
        (theirs,) = tokens.tokens_of(db.session.get(User, other.id))
    token = csrf_token(laptop, "/account")
    assert (
        laptop.post(f"/account/devices/{theirs.id}/revoke", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        laptop.post(f"/account/devices/{mine.id}/revoke", data={"csrf_token": token}).status_code
        == 302
    )
    assert app.test_client().get("/api/v1/me", headers=phone).status_code == 401
    assert "No devices." in laptop.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/account/password", "/account/sessions/1/end", "/account/devices/1/revoke"]
)
def test_account_forms_refuse_a_post_without_its_csrf_token(app, make_user, path):
    make_user("tutor", email="csrf@example.org")
    laptop = _browser(app, "csrf@example.org")
    answer = laptop.post(
        path, data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert answer.status_code == 400
    assert sign_in_on_web(app.test_client(), "csrf@example.org").status_code == 302  # unchanged


def _user_id(app, email) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_a_session_unseen_for_two_weeks_has_ended(app, make_user):
    """A closed browser never signs out: its session ends after sessions.IDLE_LIMIT unseen."""
    import datetime as dt

    from server.models import WebSession, utcnow
    from server.services import sessions

    make_user("tutor", email="old@example.org")
    browser = _browser(app, "old@example.org")
    with app.app_context():
        row = db.session.scalars(db.select(WebSession)).one()
        row.last_seen_at = utcnow() - sessions.IDLE_LIMIT - dt.timedelta(minutes=1)
        db.session.commit()
    assert not _signed_in(browser)
