"""Sign-off that happens, in real Chromium: the tutor's queue, the sample with a query the
student fixes on the phone, sign-off, and the phone saying so."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import SampleEntry, User
from server.services import submissions
from tests.browser.conftest import server_entries, sign_in
from tests.browser.tutor.conftest import (
    assign,
    create_user,
    make_student,
    seed_scans,
    wait_for_server,
    web_sign_in,
)

pytestmark = pytest.mark.browser


def submit_year_one(app, student) -> None:
    """The student hands in year 1 (below target, with a statement)."""
    with app.app_context():
        person = db.session.get(User, student.id)
        submissions.submit(person, 1, dt.date.today(), "Clinics were closed for a month.")
        db.session.commit()


def queried_entry(app) -> str:
    """The id of the entry the tutor queried."""
    with app.app_context():
        return db.session.scalar(select(SampleEntry.entry_id).where(SampleEntry.result == "query"))


def test_tutor_checks_the_sample_queries_one_the_student_fixes_it_and_sign_off_shows(
    server, phone, new_laptop
):
    app = server.app
    create_user(app, "tutor", "tess@example.org", "Tess Tutor")
    tutor = create_user(app, "tutor", "tom@example.org", "Tom Tutor")
    sam = make_student(app, "sam@example.org", "Sam Student")
    assign(app, tutor, sam)
    seed_scans(app, sam, [95, 100, 105], region="knee")  # year 1 ended 90 days ago
    submit_year_one(app, sam)

    web = new_laptop()
    web_sign_in(web, "tom@example.org")
    expect(web.locator("#queue-h")).to_have_text("Waiting for your sign-off (1)")
    web.get_by_role("link", name="Sam Student: year 1").click()
    expect(web.locator("#submission-h")).to_contain_text("Year 1 submission")
    expect(web.locator("#submission")).to_contain_text("Clinics were closed for a month.")
    sample = web.locator("#sample li")
    expect(sample).to_have_count(3)
    sample.nth(0).locator("textarea").fill("Is this really the knee? The notes say shoulder.")
    sample.nth(0).get_by_role("button", name="Send query").click()
    expect(web.locator(".flash")).to_contain_text("Query sent to the student.")
    for n in (1, 2):
        web.locator("#sample li").nth(n).get_by_role("button", name="Checked").click()
        expect(web.locator(".flash")).to_contain_text("Marked checked.")
    expect(web.locator("#sample-h")).to_contain_text("3 sampled, 2 checked, 1 queried, 1 open")

    # The student's phone shows the query on that entry; the student fixes the entry.
    queried = queried_entry(app)
    app_page = phone.new_page()
    sign_in(app_page)
    expect(app_page.locator("#sync-badge")).to_contain_text("synced", timeout=10000)
    app_page.goto("/#progress")
    expect(app_page.locator(".signoff")).to_contain_text("1 query from your tutor to answer")
    app_page.goto("/#logbook")
    app_page.locator(f".entry-item[data-id='{queried}']").click()
    expect(app_page.get_by_label("Tutor comments")).to_contain_text(
        "Query: Is this really the knee? The notes say shoulder."
    )
    app_page.get_by_role("button", name="Edit").click()
    app_page.check("#field-region input[value='shoulder']")
    app_page.click("#save")
    wait_for_server(
        lambda: any(e["id"] == queried and e["region"] == "shoulder" for e in server_entries(app))
    )

    web.reload()
    expect(web.locator("#sample-h")).to_contain_text("3 sampled, 2 checked, 1 queried, resolved")
    web.get_by_role("button", name="Sign off year 1").click()
    expect(web.locator("#submission-h")).to_contain_text("Signed off")
    expect(web.locator("#queue-h")).to_have_count(0)  # the student page has no queue

    app_page.goto("/#log")
    app_page.goto("/#progress")
    expect(app_page.locator(".signoff")).to_contain_text("Year 1 signed off")
