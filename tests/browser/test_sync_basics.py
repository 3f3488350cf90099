"""Offline saving and the sync engine against the real server: each op reaches it exactly once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_scan, pending_badge, seed_queue, server_entries, sign_in

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
