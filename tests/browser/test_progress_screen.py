"""The app's progress screen (pwa/js/ui/progress_view.js) in Chromium, on pulled data."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from server.domain.periods import add_years
from server.extensions import db
from server.services import accounts, submissions
from tests.api.test_progress import add_entries
from tests.browser.conftest import AXE, axe_violations, create_user, sign_in

pytestmark = pytest.mark.browser


def test_progress_screen_shows_pace_chart_regions_and_a_gap_nudge(phone, server):
    """A student 20 days after their last scan sees the count, the weekly need, the chart, the
    region bars and the skill-fade nudge, with no CSP or script errors and no axe violations."""
    today = dt.date.today()
    pgcert = today - dt.timedelta(days=100)
    create_user(server.app, pgcert=pgcert, ends=pgcert + dt.timedelta(days=3 * 365))
    with server.app.app_context():
        student = SimpleNamespace(id=accounts.find_user_by_email("sam@example.org").id)
    add_entries(server.app, student, [(today - dt.timedelta(days=20), "knee", "diagnostic")] * 20)
    add_entries(server.app, student, [(today - dt.timedelta(days=25), "shoulder", "injection")] * 5)
    page = phone.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))

    sign_in(page)
    expect(page.locator("#year-count")).to_contain_text("25 of 300", timeout=15000)
    page.click("a[data-screen=progress]")

    view = page.locator(".progress-view")
    expect(view.locator(".progress-count")).to_have_text("25")
    year_end = add_years(pgcert, 1) - dt.timedelta(days=1)
    needed = math.ceil((300 - 25) * 7 / ((year_end - today).days + 1))
    expect(view.locator(".progress-sentence")).to_have_text(
        f"{needed} scans a week gets you to 300 by {year_end.day} {year_end:%b %Y}."
    )
    expect(view.locator(".progress-nudge")).to_contain_text("20 days ago")
    chart = view.locator("svg[role=img]")
    expect(chart.locator("title")).to_have_text("Scans in logbook year 1")
    expect(chart.locator("desc")).to_contain_text("25 of 300 scans logged")
    for part in (".target-line", ".count-line", ".projection-line", ".today-line"):
        expect(chart.locator(part)).to_have_count(1)
    # The stylesheet arrived under the strict CSP: the target line is drawn with a colour.
    assert chart.locator(".target-line").evaluate("e => getComputedStyle(e).stroke") != "none"
    bars = view.locator(".region-bar")
    expect(bars.filter(has_text="Knee").locator(".region-count")).to_have_text("20")
    expect(bars.filter(has_text="Shoulder").locator(".region-count")).to_have_text("5")
    expect(bars.filter(has_text="Elbow").locator(".region-count")).to_have_text("0")
    # axe-core comes from the page's own origin, so it runs under the app's strict CSP.
    phone.route("**/__axe__.js", lambda route: route.fulfill(path=AXE))
    page.add_script_tag(url="/__axe__.js")
    assert axe_violations(page) == []
    assert problems == []


def test_offline_the_sign_off_state_is_the_last_one_heard_saying_when(phone, server):
    """The phone keeps the server's last sign-off news: offline, "Year 1 submitted" still shows,
    marked as what ScanLog last heard, instead of nothing."""
    today = dt.date.today()
    pgcert = add_years(today, -1) - dt.timedelta(days=30)  # year 1 ended a month ago
    create_user(server.app, pgcert=pgcert, ends=add_years(pgcert, 3))
    with server.app.app_context():
        student = SimpleNamespace(id=accounts.find_user_by_email("sam@example.org").id)
    add_entries(server.app, student, [(pgcert + dt.timedelta(days=10), "knee", "diagnostic")])
    with server.app.app_context():
        person = accounts.find_user_by_email("sam@example.org")
        submissions.submit(person, 1, today, "Clinics were closed for a month.")
        db.session.commit()
    page = phone.new_page()
    sign_in(page)
    page.click("a[data-screen=progress]")
    signoff = page.locator(".signoff")
    expect(signoff.locator(".signoff-years")).to_contain_text("Year 1 submitted")
    expect(signoff.locator(".signoff-offline")).to_have_count(0)

    phone.set_offline(True)
    page.click("a[data-screen=log]")
    page.click("a[data-screen=progress]")
    expect(signoff.locator(".signoff-offline")).to_have_text(
        f"Offline: as ScanLog last heard on {today.day} {today:%b %Y}."
    )
    expect(signoff.locator(".signoff-years")).to_contain_text("Year 1 submitted")
    phone.set_offline(False)
