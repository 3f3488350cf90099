"""An entry only the server catches (from an older phone app without the guard) is refused,
and the phone shows it as needing attention, never as synced; fixed, it reaches the server.

The "older phone": this phone is served a pwa/js/identifiers.js whose `findIdentifiers` finds
nothing (the real module, rewritten in flight by the context's route, which the service worker's
own fetches pass through too), so it saves and queues a text with an NHS number the way an
app from before the guard did. The server's answer is all that stands in the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_scan, pending_badge, server_entries, sign_in, synced

pytestmark = pytest.mark.browser

NHS_NOTE = "Patient NHS 943 476 5919 recall"
MATCHER = "export function findIdentifiers(text) {"


def _older_matcher(route):
    """The phone's matcher as an app from before the guard: it never finds anything."""
    response = route.fetch()
    source = response.text()
    assert MATCHER in source, "pwa/js/identifiers.js no longer exports findIdentifiers(text)"
    route.fulfill(response=response, body=source.replace(MATCHER, MATCHER + " return [];"))


def _older_phone_logs_an_nhs_number(new_phone, server):
    phone = new_phone()
    phone.route("**/js/identifiers.js*", _older_matcher)
    page = phone.new_page()
    sign_in(page)
    log_scan(page, region="knee", notes=NHS_NOTE)  # the older phone lets it through
    expect(pending_badge(page)).to_have_attribute("data-pending", "0", timeout=15000)
    assert server.pushed_ops and server_entries(server.app) == []
    return page


def test_an_entry_the_server_refuses_needs_attention_on_the_phone(new_phone, student, server):
    page = _older_phone_logs_an_nhs_number(new_phone, server)

    page.get_by_role("link", name="Logbook").click()
    item = page.locator(".entry-item", has_text="Needs attention")
    expect(item).to_have_count(1)
    expect(item).not_to_contain_text("Waiting to sync")
    item.click()
    refusal = "Looks like an NHS number: remove patient identifiers."
    expect(page.get_by_text(refusal, exact=True)).to_be_visible()  # under Notes
    page.get_by_role("button", name="Edit", exact=True).click()
    # The student's text is kept, to edit; the field the server named carries its message.
    expect(page.locator("#notes")).to_have_value(NHS_NOTE)
    expect(page.locator("#notes-error")).to_contain_text("an NHS number")

    page.fill("#notes", "Recall for review")
    page.click("#save")
    synced(page)
    assert [e["notes"] for e in server_entries(server.app)] == ["Recall for review"]


def test_the_badge_never_says_synced_while_a_refused_entry_needs_attention(
    new_phone, student, server
):
    page = _older_phone_logs_an_nhs_number(new_phone, server)

    badge = pending_badge(page)
    expect(badge).to_have_text("1 needs attention")
    expect(badge).not_to_contain_text("synced")
