"""The phone is a known device to the sign-in throttle (issue 14).

Rule (server/auth/throttle.py): a browser or phone that signed in to an account before keeps a
signed, HttpOnly "known device" cookie, and its attempts count against that device alone. So a
student signing in again on their own phone gets in with the right password while their e-mail
is throttled by an attacker elsewhere. The phone keeps and sends that cookie on the sign-in
only; its other API calls carry no cookies (the API trusts bearer tokens alone).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in
from tests.test_throttle_workers import WRONG, Browser

pytestmark = pytest.mark.browser


def sign_out(page):
    """Sign out from the Account screen, as a student does, back to the sign-in form."""
    page.get_by_role("link", name="Account").click()
    page.click("#signout")
    page.wait_for_selector("#signin")


def throttle_from_elsewhere(server, email):
    """An attacker's http client (no cookies) guesses until the e-mail has to wait."""
    port = urlsplit(server.url).port
    free = server.app.config["LOGIN_FREE_ATTEMPTS"]
    assert [Browser(port).token(email, WRONG)[0] for _ in range(free)] == [401] * free
    # Now even the right password from a device never seen before is refused.
    assert Browser(port).token(email, PASSWORD)[0] == 429


def test_the_student_signs_in_again_on_their_phone_while_their_email_is_throttled(
    phone, student, server
):
    page = phone.new_page()
    sign_in(page)
    sign_out(page)
    throttle_from_elsewhere(server, "sam@example.org")
    page.fill("#email", "sam@example.org")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    page.wait_for_selector("#entry-form, #signin-error:not(:empty)")
    assert page.locator("#signin-error").all_text_contents() == []
    expect(page.locator("#entry-form")).to_be_visible()
    (cookie,) = [c for c in phone.cookies() if c["name"] == "scanlog_device"]
    # Out of reach of the page's scripts, sent on same-site requests, for the whole origin.
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Lax", "/")


def test_a_phone_never_signed_in_still_waits(new_phone, student, server):
    """The known device is this phone's own: another phone of the same model gets no pass."""
    throttle_from_elsewhere(server, "sam@example.org")
    page = new_phone().new_page()
    page.goto("/")
    page.fill("#email", "sam@example.org")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    expect(page.locator("#signin-error")).to_contain_text("Too many failed sign-in attempts")


def test_only_the_sign_in_carries_the_cookie(phone, student, server):
    """Every other API call goes without cookies, so a web session cookie on the same origin
    can never ride along on an API request."""
    page = phone.new_page()
    sign_in(page)
    sent = []
    page.on("request", lambda r: "/api/v1/" in r.url and sent.append(r))
    sign_out(page)  # DELETE /auth/token, with the cookie in the phone's jar
    page.fill("#email", "sam@example.org")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    page.wait_for_selector("#entry-form")
    cookies = {(r.method, urlsplit(r.url).path): r.header_value("cookie") for r in sent}
    assert "scanlog_device=" in cookies.pop(("POST", "/api/v1/auth/token"))
    assert ("DELETE", "/api/v1/auth/token") in cookies, cookies
    assert any(method == "GET" for method, _ in cookies), cookies
    assert set(cookies.values()) == {None}
