"""A user changes their own password on the account page (current password, new one twice)."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.models import AuditEvent
from tests.conftest import PASSWORD
from tests.web.test_sessions import NEW_PASSWORD, _browser, _change_password
from tests.web.test_signin import sign_in_on_web


def _password_works(app, email, password) -> bool:
    return sign_in_on_web(app.test_client(), email, password).status_code == 302


def test_changing_the_password_replaces_it_and_is_audited(app, make_user):
    user = make_user("student", email="cam@example.org")
    laptop = _browser(app, "cam@example.org")
    assert _change_password(laptop).status_code == 302
    assert _password_works(app, "cam@example.org", NEW_PASSWORD)
    assert not _password_works(app, "cam@example.org", PASSWORD)
    with app.app_context():
        (event,) = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "password_changed")
        )
        assert event.actor_id == event.subject_id == user.id


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not-my-password", NEW_PASSWORD, NEW_PASSWORD, "The current password is not right."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two do not match."),
        (PASSWORD, "short", "short", "Field must be between 10 and 200 characters long."),
        ("", NEW_PASSWORD, NEW_PASSWORD, "Enter your password."),
    ],
)
def test_a_refused_change_says_why_and_keeps_the_old_password(
    app, make_user, current, new, confirm, message
):
    make_user("tutor", email="dan@example.org")
    laptop = _browser(app, "dan@example.org")
    answer = _change_password(laptop, current, new, confirm)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert _password_works(app, "dan@example.org", PASSWORD)
    assert laptop.get("/account").status_code == 200  # still signed in


def test_the_account_page_needs_a_sign_in(client):
    assert client.get("/account").headers["Location"].startswith("/signin")


def test_guessing_the_current_password_is_throttled_like_a_sign_in(app, make_user):
    """A stolen session cannot try passwords on the account page without limit."""
    make_user("tutor", email="eve@example.org")
    laptop = _browser(app, "eve@example.org")
    for _ in range(5):
        assert _change_password(laptop, current="guess-guess-guess").status_code == 422
    blocked = _change_password(laptop)  # even the right one waits now
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    # The guesses were counted against that browser (it signed in before), not the e-mail.
    assert _password_works(app, "eve@example.org", PASSWORD)
