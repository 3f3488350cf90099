"""Tokens and users on one phone: a revoked token keeps the queue; another user never sends it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.auth import tokens
from server.extensions import db
from server.models import User
from tests.browser.conftest import (
    PASSWORD,
    create_user,
    log_scan,
    pending_badge,
    server_entries,
    sign_in,
    synced,
)

pytestmark = pytest.mark.browser


def revoke_all(app, email="sam@example.org"):
    """Revoke every device token of a user (as an admin or another device would)."""
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        for row in tokens.tokens_of(user):
            if row.revoked_at is None:
                tokens.revoke(row)
        db.session.commit()


def sign_in_again(page, email):
    """Answer the "sign in again" banner."""
    page.click("#signin-again")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#signin")
    page.wait_for_selector("#entry-form")


def offline_queue_then_revoke(phone, server):
    """Sign in, queue two entries offline, have the token revoked, and come back online."""
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    log_scan(page, notes="queued one")
    log_scan(page, notes="queued two")
    revoke_all(server.app)
    phone.set_offline(False)
    expect(page.locator("#signin-banner")).to_contain_text("Sign in again")
    expect(pending_badge(page)).to_have_text("2 waiting: sign in")
    assert server_entries(server.app) == []
    return page


def test_a_token_revoked_offline_keeps_the_queue_until_sign_in(phone, student, server):
    page = offline_queue_then_revoke(phone, server)
    page.reload()  # the prompt survives a reload, the queue too
    expect(page.locator("#signin-banner")).to_be_visible()
    sign_in_again(page, "sam@example.org")
    expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    assert sorted(r["notes"] for r in server_entries(server.app)) == ["queued one", "queued two"]


def test_another_user_never_sends_the_first_users_queue(phone, student, server):
    create_user(server.app, email="alex@example.org", name="Alex Other")
    page = offline_queue_then_revoke(phone, server)
    sign_in_again(page, "alex@example.org")
    expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    log_scan(page, region="elbow", notes="alex's own")
    synced(page)
    assert [r["notes"] for r in server_entries(server.app, "alex@example.org")] == ["alex's own"]
    assert server_entries(server.app) == []
    page.get_by_role("link", name="Account").click()
    page.click("#signout")
    page.wait_for_selector("#signin")
    with server.app.app_context():
        alex = db.session.query(User).filter_by(email="alex@example.org").one()
        phone_tokens = [
            t for t in tokens.tokens_of(alex) if t.device_name == "Pixel 7 (Chrome on Android)"
        ]
        assert [bool(t.revoked_at) for t in phone_tokens] == [True], "sign-out revokes it"
    page.fill("#email", "sam@example.org")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    page.wait_for_selector("#entry-form")
    synced(page)
    assert sorted(r["notes"] for r in server_entries(server.app)) == ["queued one", "queued two"]


def test_sign_out_warns_when_entries_are_not_on_the_server(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    log_scan(page, notes="not yet sent")
    page.get_by_role("link", name="Account").click()
    expect(page.locator("#pending-note")).to_have_text("1 entry not yet on the server.")
    page.click("#signout")
    expect(page.locator("#confirm-signout")).to_be_visible()
    with page.expect_download() as download:
        page.click("#export-csv")
    assert "not yet sent" in Path(download.value.path()).read_text(encoding="utf-8")
