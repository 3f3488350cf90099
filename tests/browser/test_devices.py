"""Two devices and two tabs on one logbook: conflicts shown, deletes propagate, no double sends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    axe_violations,
    log_scan,
    pending_badge,
    server_entries,
    sign_in,
    synced,
)

pytestmark = pytest.mark.browser


def open_entry(page, text):
    """Open the logbook and the entry whose row shows `text`."""
    page.get_by_role("link", name="Logbook").click()
    page.locator(".entry-item", has_text=text).first.click()


def edit_notes(page, text, notes):
    """Edit an entry's notes from the logbook and save."""
    open_entry(page, text)
    page.get_by_role("button", name="Edit", exact=True).click()
    page.fill("#notes", notes)
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved")


def two_devices(new_phone, notes="first"):
    """Phone A logs an entry and syncs; phone B signs in and has it."""
    a, b = new_phone(), new_phone()
    page_a, page_b = a.new_page(), b.new_page()
    sign_in(page_a)
    log_scan(page_a, region="shoulder", notes=notes)
    synced(page_a)
    sign_in(page_b)
    synced(page_b)
    page_b.get_by_role("link", name="Logbook").click()
    expect(page_b.locator(".entry-item")).to_have_count(1)
    return (a, page_a), (b, page_b)


def test_edits_on_two_devices_show_a_conflict_and_lose_no_text(new_phone, student, server):
    (a, page_a), (b, page_b) = two_devices(new_phone)
    b.set_offline(True)
    edit_notes(page_a, "Shoulder", "edited on A")
    synced(page_a)
    edit_notes(page_b, "Shoulder", "edited on B")
    b.set_offline(False)
    synced(page_b)
    open_entry(page_b, "Conflict")
    compare = page_b.locator(".compare")
    expect(compare).to_contain_text("edited on A")
    expect(compare).to_contain_text("edited on B")
    assert axe_violations(page_b) == []
    assert [r["notes"] for r in server_entries(server.app)] == ["edited on A"]
    page_b.get_by_role("button", name="Merge and edit").click()
    expect(page_b.locator("#notes")).to_have_value("edited on A / edited on B")
    page_b.click("#save")
    synced(page_b)
    [row] = server_entries(server.app)
    assert row["notes"] == "edited on A / edited on B"
    assert row["version"] == 3


def test_a_delete_reaches_the_other_device_and_an_offline_edit_does_not_revive_it(
    new_phone, student, server
):
    (a, page_a), (b, page_b) = two_devices(new_phone, notes="to delete")
    log_scan(page_a, region="knee", notes="second")
    synced(page_a)
    synced(page_b)
    b.set_offline(True)
    edit_notes(page_b, "Knee", "typed offline on B")
    for text in ("Shoulder", "Knee"):
        open_entry(page_a, text)
        page_a.get_by_role("button", name="Delete", exact=True).click()
        expect(page_a.locator("#logbook-status")).to_contain_text("Entry deleted.")
    synced(page_a)
    b.set_offline(False)
    synced(page_b)
    page_b.get_by_role("link", name="Logbook").click()
    rows = page_b.locator(".entry-item")
    expect(rows).to_have_count(1)  # the plain delete reached B; the edited one shows the conflict
    expect(rows).to_contain_text("Conflict")
    rows.click()
    expect(page_b.locator(".compare")).to_contain_text("typed offline on B")
    expect(page_b.locator(".compare")).to_contain_text("Deleted.")
    assert all(r["deleted"] for r in server_entries(server.app))


def test_two_tabs_with_pending_work_never_send_the_same_op_twice(phone, student, server):
    first = phone.new_page()
    sign_in(first)
    second = phone.new_page()
    second.goto("/")
    second.wait_for_selector("#entry-form")
    phone.set_offline(True)
    for i in range(3):
        log_scan(first, notes=f"tab one {i}")
        log_scan(second, notes=f"tab two {i}")
    phone.set_offline(False)  # both tabs start a cycle at once
    for page in (first, second):
        expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    sent = server.pushed_ops
    assert len(sent) == len(set(sent)) == 6
    assert len(server_entries(server.app)) == 6
