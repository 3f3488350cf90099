"""The app shell: sign-in, offline start from the service worker's cache, installability."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import create_user, sign_in, wait_for_service_worker

pytestmark = pytest.mark.browser


def test_student_signs_in_and_sees_the_entry_form(phone, student):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page)
    assert page.locator("#form-title").inner_text() == "Log a scan"
    assert page.locator(".choice", has_text="Shoulder").is_visible()
    assert errors == []


def test_tutor_is_sent_to_the_web_pages(phone, server):
    create_user(server.app, role="tutor", email="tara@example.org", name="Tara Tutor")
    page = phone.new_page()
    page.goto("/")
    page.fill("#email", "tara@example.org")
    page.fill("#password", "correct-horse-battery")
    page.click("#signin")
    notice = page.locator("#tutor-notice")
    expect(notice).to_contain_text("Tutors use the web pages")
    assert notice.locator("a").get_attribute("href") == "/signin"


def test_wrong_password_says_so(phone, student):
    page = phone.new_page()
    page.goto("/")
    page.fill("#email", "sam@example.org")
    page.fill("#password", "nope")
    page.click("#signin")
    expect(page.locator("#signin-error")).to_contain_text("not right")


def test_offline_reload_renders_from_cache_with_zero_server_hits(phone, student, server):
    page = phone.new_page()
    with page.expect_response("**/api/v1/vocabulary"):  # the last start-up request
        sign_in(page)
    expect(page.locator("#sync-badge")).to_contain_text("All synced")  # and the first sync
    server.hits.clear()
    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#entry-form")
    page.locator(".choice", has_text="Knee").click()
    assert page.locator("#sync-badge").is_visible()
    assert server.hits == []


def test_the_app_is_installable(playwright_instance, server, tmp_path):
    from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS

    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path), executable_path=CHROMIUM, args=LAUNCH_ARGS, base_url=server.url
    )
    try:
        page = context.new_page()
        page.goto("/")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
    finally:
        context.close()


def test_iphone_users_are_told_to_add_the_app_to_the_home_screen(new_phone, server):
    page = new_phone(device="iPhone 14").new_page()
    page.goto("/")
    hint = page.locator("#ios-hint")
    expect(hint).to_contain_text("Add to Home Screen")
    hint.get_by_role("button", name="OK").click()
    page.reload()
    page.wait_for_selector("#signin")
    expect(hint).to_have_count(0)
