"""The phone app's own behaviour: updates, drafts, repeat-last, identifier warnings, clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    log_scan,
    pending_badge,
    server_entries,
    sign_in,
    synced,
    wait_for_service_worker,
)

pytestmark = pytest.mark.browser


def test_a_service_worker_update_waits_for_a_tap_and_keeps_the_outbox(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.route("**/api/v1/sync/push", lambda route: route.fulfill(status=503))
    log_scan(page, notes="queued before update")
    log_scan(page, notes="queued too")
    old_caches = page.evaluate("caches.keys()")
    server.app.config["PWA_BUILD"] = "next"  # a new version of the shell is deployed
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(page.locator("#update-banner")).to_contain_text("Update available")
    with page.expect_navigation():
        page.click("#update-now")
    wait_for_service_worker(page)
    expect(pending_badge(page)).to_have_attribute("data-pending", "2")
    new_caches = page.evaluate("caches.keys()")
    assert len(new_caches) == 1 and new_caches != old_caches
    phone.unroute("**/api/v1/sync/push")
    synced(page)
    assert len(server_entries(server.app)) == 2


def test_an_unsaved_form_survives_a_reload(phone, student):
    page = phone.new_page()
    sign_in(page)
    page.check("#field-region input[value='hip_groin']")
    page.click("#entry-form details summary")
    page.fill("#clinical_question", "groin pain, ?effusion")
    page.reload()
    expect(page.locator("#field-region input[value='hip_groin']")).to_be_checked()
    expect(page.locator("#clinical_question")).to_have_value("groin pain, ?effusion")


def test_repeat_last_logs_a_scan_in_two_taps(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    page.click("text=Yesterday")
    log_scan(page, region="ankle_foot", side="right", activity="injection", notes="first")
    expect(page.locator("#field-activity input[value='injection']")).to_be_checked()
    page.click("#repeat-last")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved - 2 of 300 this year")
    expect(page.locator("#year-count")).to_have_text("2 of 300 this year")
    synced(page)
    rows = server_entries(server.app)
    assert {(r["region"], r["side"], r["activity"]) for r in rows} == {
        ("ankle_foot", "right", "injection")
    }
    assert sorted(r["notes"] for r in rows) == ["", "first"]


def test_missing_choices_are_named_inline(phone, student):
    page = phone.new_page()
    sign_in(page)
    page.click("#save")
    expect(page.locator("#region-error")).to_have_text("Choose the region scanned.")
    expect(page.locator("#save-status")).to_have_text("Check the highlighted fields.")


def test_a_refused_entry_stays_editable(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    # Queued as an older phone without the form's identifier check would have queued it.
    page.evaluate(
        """async () => {
            const db = await import('/js/db.js');
            const { blankEntry } = await import('/js/entry.js');
            const store = new db.UserDb((await db.getAuth()).user.id);
            await store.saveEntry({ ...blankEntry('2026-01-15'), region: 'shoulder', side: 'left',
                activity: 'diagnostic', supervision: 'independent',
                clinical_question: 'DOB 12/03/1961 shoulder pain' });
        }"""
    )
    synced(page)
    assert server_entries(server.app) == []
    page.get_by_role("link", name="Logbook").click()
    item = page.locator(".entry-item", has_text="Needs attention")
    item.click()
    page.get_by_role("button", name="Edit", exact=True).click()
    expect(page.locator("#attention")).to_contain_text("date of birth")
    expect(page.locator("#clinical_question")).to_have_value("DOB 12/03/1961 shoulder pain")
    expect(page.locator("#clinical_question-warning")).to_contain_text("date of birth")
    page.fill("#clinical_question", "shoulder pain")
    page.click("#save")
    synced(page)
    assert [r["clinical_question"] for r in server_entries(server.app)] == ["shoulder pain"]


def test_a_device_clock_three_hours_off_changes_nothing(new_phone, student, server):
    skewed = new_phone()
    skewed.clock.install(time=dt.datetime.now() + dt.timedelta(hours=3))
    normal = new_phone()
    fast, slow = skewed.new_page(), normal.new_page()
    sign_in(fast)
    log_scan(fast, notes="from the fast clock")
    synced(fast)
    sign_in(slow)
    synced(slow)
    slow.get_by_role("link", name="Logbook").click()
    slow.locator(".entry-item").click()
    slow.get_by_role("button", name="Edit", exact=True).click()
    slow.fill("#notes", "edited later on the right clock")
    slow.click("#save")
    synced(slow)
    synced(fast)
    [row] = server_entries(server.app)
    assert (row["notes"], row["version"]) == ("edited later on the right clock", 2)
    fast.get_by_role("link", name="Logbook").click()
    expect(fast.locator(".entry-item")).to_have_count(1)
    expect(fast.locator(".entry-item .tag")).to_have_text(
        ["On the server"]
    )  # no conflict, nothing waiting


def test_delete_with_undo_brings_the_scan_back(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    log_scan(page, region="elbow", notes="tennis elbow?")
    synced(page)
    page.get_by_role("link", name="Logbook").click()
    page.locator(".entry-item", has_text="Elbow").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator(".entry-item")).to_have_count(0)
    page.click("#undo")
    expect(page.locator(".entry-item", has_text="Elbow")).to_have_count(1)
    synced(page)
    live = server_entries(server.app, include_deleted=False)
    assert [r["notes"] for r in live] == ["tennis elbow?"]
