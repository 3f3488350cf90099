"""Account is its own screen: storage health, Sync now (says what it did, also offline),
Download my logbook, this user's devices (revocable), Sign out; the iOS install card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server.auth import tokens
from server.extensions import db
from server.models import User
from tests.browser.conftest import api_token, log_scan, pending_badge, sign_in, synced

pytestmark = pytest.mark.browser


def health(page, key: str):
    """One row of the storage health card."""
    return page.locator(f"#storage-health dd[data-key='{key}']")


def test_storage_health_and_sync_now_say_what_is_true(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    log_scan(page, notes="waiting")
    page.get_by_role("link", name="Account").click()
    expect(health(page, "running")).to_have_text("In a browser tab")
    expect(health(page, "unsynced")).to_have_text("1")
    expect(health(page, "last-sync")).not_to_be_empty()
    expect(health(page, "persisted")).not_to_have_text("Not asked yet")  # asked at the first save
    page.click("#sync-now")
    expect(page.locator("#sync-report")).to_have_text(
        "No connection: nothing was sent. 1 waiting on this phone, kept safe."
    )
    page.click("#download-logbook")
    expect(page.locator("#download-status")).to_contain_text("You are offline")
    phone.set_offline(False)
    page.click("#sync-now")
    # Back online, the app may have sent the entry on its own before the tap: either way the
    # report says what happened, and the entry is on the server.
    expect(page.locator("#sync-report")).to_have_text(
        re.compile(r"^(Sent 1 entry|Nothing new to send)\. Up to date with the server\.$")
    )
    expect(health(page, "unsynced")).to_have_text("0")
    expect(page.locator("#pending-note")).to_have_text("Everything is on the server.")
    expect(health(page, "last-sync")).not_to_have_text("not yet")


def test_download_my_logbook_asks_the_server_with_the_phones_token(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    page.get_by_role("link", name="Account").click()
    expect(page.locator("#download-format option")).to_have_text(["PDF", "CSV", "XLSX"])
    with page.expect_request("**/api/v1/logbook/export?format=csv") as asked:
        page.select_option("#download-format", "csv")
        page.click("#download-logbook")
    assert asked.value.headers["authorization"].startswith("Bearer ")
    expect(page.locator("#download-status")).to_have_text("Downloaded.")


def test_devices_are_listed_by_name_and_another_one_can_be_signed_out(phone, student, server):
    other = api_token(server.app, device_name="iPad at home")
    page = phone.new_page()
    sign_in(page)
    page.get_by_role("link", name="Account").click()
    devices = page.locator("#device-list li")
    expect(devices).to_have_count(2)
    expect(devices.first).to_contain_text("(this phone)")
    expect(page.locator("#device-list")).to_contain_text("iPad at home signed in")
    page.get_by_role("button", name="Sign out iPad at home").click()
    expect(page.locator("#devices-status")).to_have_text("iPad at home is signed out.")
    expect(devices).to_have_count(1)
    client = server.app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    with server.app.app_context():
        user = db.session.query(User).filter_by(email="sam@example.org").one()
        live = [t.device_name for t in tokens.tokens_of(user) if t.revoked_at is None]
    assert live == ["Pixel 7 (Chrome on Android)"], "only the phone in use stays signed in"


def test_the_ios_install_card_waits_for_the_tabs_entries_then_explains_two_taps(
    new_phone, student, server
):
    phone = new_phone("iPhone 13")
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    log_scan(page, notes="made in a Safari tab")
    card = page.locator("#ios-hint")
    expect(card).to_contain_text("Sending your entries to the server first")
    phone.set_offline(False)
    synced(page)
    expect(card).to_contain_text('tap Share, then "Add to Home Screen"')
    expect(card).to_contain_text("7 days")
    page.click("#ios-hint-dismiss")
    expect(card).to_have_count(0)
    page.reload()
    page.wait_for_selector("#entry-form")
    expect(pending_badge(page)).to_be_visible()
    expect(card).to_have_count(0)


AGE_THE_OUTBOX = """async ([name, days]) => {
    const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['outbox'], 'readwrite');
    const store = tx.objectStore('outbox');
    store.getAll().onsuccess = (event) => {
        for (const op of event.target.result) {
            store.put({ ...op, entry: { ...op.entry, _touched: Date.now() - days * 86400000 } });
        }
    };
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    db.close();
}"""


def test_entries_unsynced_for_days_get_a_plain_warning(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    log_scan(page, notes="made on a ward with no signal")
    expect(page.locator("#stale-warning")).to_have_count(0)  # minutes old: no alarm
    user_id = page.evaluate("import('/js/db.js').then((m) => m.getAuth()).then((a) => a.user.id)")
    page.evaluate(AGE_THE_OUTBOX, [f"scanlog-user-{user_id}", 3])
    page.reload()
    warning = page.locator("#stale-warning")
    expect(warning).to_contain_text("1 entry has been on this phone only for 3 days")
    phone.set_offline(False)
    synced(page)
    expect(warning).to_have_count(0)
