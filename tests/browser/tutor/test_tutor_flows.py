"""Tutor and admin flows in real Chromium: comments reaching the app, submission, CSV import."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_scan, server_entries, sign_in
from tests.browser.tutor.conftest import (
    assign,
    count_users,
    create_user,
    make_student,
    seed_scans,
    wait_for_server,
    web_sign_in,
)

pytestmark = pytest.mark.browser


def test_tutor_finds_the_at_risk_student_comments_and_the_app_shows_it(server, phone, new_laptop):
    app = server.app
    tutor = create_user(app, "tutor", "tess@example.org", "Tess Tutor")
    sam = make_student(app, "sam@example.org", "Sam Student")
    bea = make_student(app, "bea@example.org", "Bea Busy")
    assign(app, tutor, sam, bea)
    seed_scans(app, bea, [i % 85 for i in range(90)])
    # Sam logs one scan on the phone; it syncs.
    app_page = phone.new_page()
    sign_in(app_page)
    log_scan(app_page, region="knee", notes="Knee effusion, aspirated")
    expect(app_page.locator("#sync-badge")).to_contain_text("synced", timeout=10000)
    assert len(server_entries(app)) == 1

    web = new_laptop()
    web_sign_in(web, "tess@example.org")
    expect(web.locator("h1")).to_have_text("Your students")
    rows = web.locator("table.overview tbody tr")
    expect(rows.first).to_contain_text("Sam Student")  # worst status first
    pages_served = server.count("/staff")
    web.get_by_role("link", name="Student", exact=True).click()  # sorted in place by script
    expect(rows.first).to_contain_text("Bea Busy")
    expect(web.locator("th[aria-sort=ascending]")).to_contain_text("Student")
    assert server.count("/staff") == pages_served
    web.get_by_role("link", name="At risk").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sam Student")
    expect(rows.first).to_contain_text("At risk")
    rows.first.get_by_role("link", name="Sam Student").click()
    expect(web.locator("h1")).to_have_text("Sam Student")
    expect(web.locator(".record-table")).to_contain_text("Knee effusion, aspirated")
    web.locator(".record-table tbody tr").first.locator("td").first.get_by_role("link").click()
    expect(web.locator("h1")).to_contain_text("Scan of")
    web.fill("#body", "Good: say which compartment the effusion was in.")
    web.get_by_role("button", name="Add comment").click()
    expect(web.locator(".comments")).to_contain_text("say which compartment")

    # The student's app pulls the comment on its next sync and shows it with the entry.
    app_page.reload()
    app_page.wait_for_selector("#entry-form")
    expect(app_page.locator("#sync-badge")).to_contain_text("synced", timeout=10000)
    app_page.goto("/#logbook")
    app_page.locator("#entry-list .entry-item").first.click()
    expect(app_page.get_by_label("Tutor comments")).to_contain_text(
        "Good: say which compartment the effusion was in."
    )
    expect(app_page.get_by_label("Tutor comments")).to_contain_text("Tess Tutor")


def test_submit_return_change_resubmit_sign_off(server, phone, new_laptop):
    app = server.app
    tutor = create_user(app, "tutor", "tess@example.org", "Tess Tutor")
    sam = make_student(app, "sam@example.org", "Sam Student")
    assign(app, tutor, sam)
    seed_scans(app, sam, [93, 100], region="knee")  # year 1, which ended 90 days ago

    student_web, tutor_web = new_laptop(), new_laptop()
    web_sign_in(student_web, "sam@example.org")
    student_web.goto(f"/students/{sam.id}?period=1")
    student_web.fill("#statement", "Two clinics a month this year.")  # below target
    student_web.get_by_role("button", name="Submit year 1").click()
    expect(student_web.locator(".flash")).to_contain_text("Year 1 submitted with 2 scans")
    expect(student_web.locator("#submission-h")).to_contain_text("waiting for sign-off")

    web_sign_in(tutor_web, "tess@example.org")
    tutor_web.goto(f"/students/{sam.id}")
    tutor_web.fill("#comment", "Add the findings for the knee scan 100 days ago.")
    tutor_web.get_by_role("button", name="Return for changes").click()
    expect(tutor_web.locator("#submission-h")).to_contain_text("Returned for changes")

    # The student corrects the entry in the app; the change reaches the server.
    app_page = phone.new_page()
    sign_in(app_page)
    expect(app_page.locator("#sync-badge")).to_contain_text("synced", timeout=10000)
    app_page.goto("/#logbook")
    app_page.locator("#entry-list .entry-item").last.click()
    app_page.get_by_role("button", name="Edit").click()
    app_page.check("#field-region input[value='elbow']")
    app_page.click("#save")
    wait_for_server(lambda: any(e["region"] == "elbow" for e in server_entries(app)))

    student_web.reload()
    expect(student_web.locator("#submission")).to_contain_text("Add the findings for the knee")
    expect(student_web.locator(".changes")).to_contain_text("region “knee” → “elbow”")
    student_web.fill("#statement", "Two clinics a month; findings added.")
    student_web.get_by_role("button", name="Submit again").click()
    expect(student_web.locator("#submission-h")).to_contain_text("waiting for sign-off")

    tutor_web.reload()
    expect(tutor_web.locator(".record-table")).not_to_contain_text("Changed after submission")
    for n in (0, 1):  # the sample (both entries) is looked at before sign-off
        tutor_web.locator("#sample li").nth(n).get_by_role("button", name="Checked").click()
        expect(tutor_web.locator(".flash")).to_contain_text("Marked checked.")
    tutor_web.get_by_role("button", name="Sign off year 1").click()
    expect(tutor_web.locator("#submission-h")).to_contain_text("Signed off")
    student_web.reload()
    expect(student_web.locator("#submission")).to_contain_text("Signed off by Tess Tutor")
    expect(student_web.get_by_role("button", name="Submit again")).to_have_count(0)


BAD_CSV = """name,email,role,pgcert_completed,registration_ends,tutor_email
Tina Tutor,tina@example.org,tutor,,,
Ali Student,ali@example.org,student,2025-09-01,2028-08-31,tina@example.org
Bo Student,bo@example.org,student,31/02/2025,2028-08-31,tina@example.org
"""


def test_admin_imports_a_cohort_with_one_bad_row(server, new_laptop):
    app = server.app
    create_user(app, "admin", "ada@example.org", "Ada Admin")
    before = count_users(app)
    web = new_laptop()
    web_sign_in(web, "ada@example.org")
    web.get_by_role("link", name="Import").click()
    web.fill("#csv_text", BAD_CSV)
    web.get_by_role("button", name="Check the file").click()
    preview = web.locator("table.preview")
    expect(web.locator("#preview-h")).to_have_text("Preview: nothing has been written yet")
    expect(preview.locator("tr.row-error")).to_have_count(1)
    expect(preview.locator("tr.row-error")).to_contain_text("Line 4:")
    expect(preview.locator("tr.row-error")).to_contain_text("is not a date")
    expect(web.get_by_role("button", name="Import 3 users")).to_have_count(0)
    assert count_users(app) == before

    web.fill("#csv_text", BAD_CSV.replace("31/02/2025", "01/09/2025"))
    web.get_by_role("button", name="Check again").click()
    expect(web.locator(".preview tr.row-error")).to_have_count(0)
    assert count_users(app) == before
    web.get_by_role("button", name="Import 3 users").click()
    expect(web.locator("h1")).to_have_text("Cohort imported")
    expect(web.locator("input.copy")).to_have_count(3)
    assert count_users(app) == before + 3
