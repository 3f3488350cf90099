"""Offline saving and the sync engine against the real server: each op reaches it exactly once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    log_scan,
    pending_badge,
    seed_queue,
    server_entries,
    sign_in,
    synced,
)

pytestmark = pytest.mark.browser


def test_offline_entries_reach_the_server_once_when_back_online(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    server.hits.clear()
    for i in range(3):
        log_scan(page, notes=f"offline {i}")
    expect(pending_badge(page)).to_have_attribute("data-pending", "3")
    expect(pending_badge(page)).to_have_text("3 waiting to sync")
    assert server.count("/") == 0, "offline means zero server hits"
    phone.set_offline(False)
    expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    rows = server_entries(server.app)
    assert sorted(r["notes"] for r in rows) == ["offline 0", "offline 1", "offline 2"]
    assert all(r["version"] == 1 for r in rows)


def test_a_lost_reply_gives_no_duplicate(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    lost = []

    def lose_reply(route):
        if not lost:
            lost.append(route.fetch())  # the server commits...
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    phone.route("**/api/v1/sync/push", lose_reply)
    with page.expect_event("requestfailed"):
        log_scan(page, notes="once only")
    expect(pending_badge(page)).to_have_attribute("data-pending", "1")
    assert lost and lost[0].status == 200
    assert len(server_entries(server.app)) == 1
    pending_badge(page).click()  # "sync now"
    expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    assert [r["notes"] for r in server_entries(server.app)] == ["once only"]


def test_a_server_error_keeps_entries_queued_until_a_later_cycle(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.route("**/api/v1/sync/push", lambda route: route.fulfill(status=500))
    log_scan(page, notes="kept")
    log_scan(page, notes="kept too")
    expect(pending_badge(page)).to_have_attribute("data-pending", "2")
    assert server_entries(server.app) == []
    phone.unroute("**/api/v1/sync/push")
    pending_badge(page).click()
    expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    assert sorted(r["notes"] for r in server_entries(server.app)) == ["kept", "kept too"]


def test_250_queued_with_the_third_push_lost_all_arrive_once(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    seed_queue(page, 250)
    page.reload()  # offline, from the cache
    expect(pending_badge(page)).to_have_attribute("data-pending", "250")
    pushes = []

    def third_lost(route):
        pushes.append(len(route.request.post_data_json["ops"]))
        if len(pushes) == 3:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    phone.route("**/api/v1/sync/push", third_lost)
    phone.set_offline(False)  # "online" starts a cycle; the lost batch is retried by a later one
    expect(pending_badge(page)).to_have_attribute("data-pending", "0", timeout=15000)
    assert pushes == [100, 100, 50, 50]
    rows = server_entries(server.app)
    assert len(rows) == 250
    assert len({r["notes"] for r in rows}) == 250


def test_closing_the_page_mid_sync_and_reopening_resumes(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    seed_queue(page, 150)
    pushes = []
    cut = [True]

    def cut_after_first(route):
        pushes.append(route.request)
        if len(pushes) == 1 or not cut[0]:
            route.continue_()
        else:
            route.abort("connectionreset")  # the connection dies as the page is closed

    phone.route("**/api/v1/sync/push", cut_after_first)
    phone.set_offline(False)
    with page.expect_event("requestfailed"):
        pending_badge(page).click()
    page.close()
    cut[0] = False  # only now: a retry the closing page had started is still cut off
    assert len(server_entries(server.app)) == 100
    again = phone.new_page()
    again.goto("/")
    expect(pending_badge(again)).to_have_attribute("data-pending", "0")
    assert len(server_entries(server.app)) == 150


def test_a_batch_refused_whole_holds_only_the_bad_entry_and_sends_the_rest(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)
    for notes in ("first", "refused", "third"):
        log_scan(page, notes=notes)
    pushes = []

    def refuse_batches_with_the_bad_one(route):
        notes = [op["entry"]["notes"] for op in route.request.post_data_json["ops"]]
        pushes.append(len(notes))
        if "refused" in notes:
            route.fulfill(status=422, json={"code": 422, "status": "Unprocessable Entity",
                                            "message": "Invalid entry."})  # fmt: skip
        else:
            route.continue_()

    phone.route("**/api/v1/sync/push", refuse_batches_with_the_bad_one)
    phone.set_offline(False)
    badge = pending_badge(page)
    expect(badge).to_have_text("1 needs attention")
    expect(badge).to_have_attribute("data-pending", "0")
    # Halved until the bad op stood alone; never the same refused batch again and again.
    assert pushes == [3, 2, 1, 2, 1, 1]
    assert sorted(r["notes"] for r in server_entries(server.app)) == ["first", "third"]
    synced(page)  # another cycle sends nothing: the held entry waits for the student
    assert pushes == [3, 2, 1, 2, 1, 1]
    # Kept on the phone, with the server's message; fixed and saved, it reaches the server.
    page.get_by_role("link", name="Logbook").click()
    page.locator(".entry-item", has_text="Needs attention").click()
    page.get_by_role("button", name="Edit", exact=True).click()
    expect(page.locator("#attention")).to_contain_text("Invalid entry.")
    expect(page.locator("#notes")).to_have_value("refused")
    page.reload()  # the unsaved edit is a draft: its text and its banner both come back
    expect(page.locator("#attention")).to_contain_text("Invalid entry.")
    expect(page.locator("#notes")).to_have_value("refused")
    page.fill("#notes", "fixed")
    page.click("#save")
    synced(page)
    expect(badge).to_have_attribute("data-attention", "0")
    assert sorted(r["notes"] for r in server_entries(server.app)) == ["first", "fixed", "third"]


RECORD_CONNECTIONS = """
    window.__idbConnections = [];
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (...args) {
        const request = open.apply(this, args);
        request.addEventListener('success', () => window.__idbConnections.push(request.result));
        return request;
    };
"""


def test_a_lost_indexeddb_connection_is_reopened(phone, student, server):
    phone.add_init_script(RECORD_CONNECTIONS)
    page = phone.new_page()
    sign_in(page)
    # The browser drops every connection the app holds (as iOS does, without telling it).
    closed = page.evaluate("window.__idbConnections.map((db) => { db.close(); return db.name; })")
    assert "scanlog-auth" in closed
    assert any(name.startswith("scanlog-user-") for name in closed)
    phone.set_offline(True)
    log_scan(page, notes="after the drop")
    expect(pending_badge(page)).to_have_attribute("data-pending", "1")
    page.reload()  # a fresh page reads it back from IndexedDB
    expect(pending_badge(page)).to_have_attribute("data-pending", "1")
    phone.set_offline(False)
    expect(pending_badge(page)).to_have_attribute("data-pending", "0")
    assert [r["notes"] for r in server_entries(server.app)] == ["after the drop"]
