"""axe-core finds no WCAG 2.2 A/AA violations on any screen of the app, light or dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    axe_violations,
    log_scan,
    server_entries,
    sign_in,
    synced,
    tutor_comment,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_screen_passes_axe(new_phone, student, server, scheme):
    phone = new_phone(color_scheme=scheme)
    page = phone.new_page()
    found = {}
    page.goto("/")
    page.wait_for_selector("#signin")
    found["sign-in"] = axe_violations(page)
    # Let the first service worker finish installing before sign_in() loads the page again.
    wait_for_service_worker(page)
    sign_in(page)
    found["log a scan"] = axe_violations(page)
    page.click("#save")
    page.click("#entry-form details summary")
    page.fill("#notes", "DOB 01/02/1970")
    expect(page.locator("#notes-warning")).not_to_be_empty()
    found["form with errors and warnings"] = axe_violations(page)
    page.fill("#notes", "")
    log_scan(page, notes="for the tutor")
    synced(page)
    [entry] = server_entries(server.app)
    tutor_comment(server.app, entry["id"], "Good views of the supraspinatus.")
    synced(page)
    page.get_by_role("link", name="Logbook").click()
    page.locator(".entry-item").click()
    expect(page.locator(".comment")).to_contain_text("Good views")
    found["entry with a comment"] = axe_violations(page)
    page.get_by_role("link", name="Logbook").click()
    page.click("text=Filter")
    found["logbook with filters"] = axe_violations(page)
    page.get_by_role("link", name="Progress").click()
    page.wait_for_selector("#progress-view *")
    page.wait_for_selector(".signoff-years")  # the sign-off state, fetched from the server
    found["progress"] = axe_violations(page)
    page.get_by_role("link", name="Account").click()
    expect(page.locator("#storage-health dd")).to_have_count(5)
    expect(page.locator("#device-list")).to_contain_text("(this phone)")
    page.click("#sync-now")
    expect(page.locator("#sync-report")).not_to_have_text("Syncing…")
    found["account with storage health"] = axe_violations(page)
    assert {screen: v for screen, v in found.items() if v} == {}
