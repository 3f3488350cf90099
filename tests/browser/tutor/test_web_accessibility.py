"""axe-core finds no WCAG 2.2 A/AA violations on any web page (and the screenshots for docs/).

Set SCANLOG_SCREENSHOTS=1 to (re)write docs/web-overview.png and docs/web-student.png.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.services import invitations
from tests.browser.conftest import axe_violations
from tests.browser.tutor.conftest import (
    assign,
    create_user,
    make_student,
    seed_scans,
    web_sign_in,
)

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _check(page, path: str, found: dict) -> None:
    if path:
        page.goto(path)
    found[f"{len(found) + 1}. {page.url}"] = axe_violations(page)


def _world(app):
    admin = create_user(app, "admin", "ada@example.org", "Ada Admin")
    tutor = create_user(app, "tutor", "tess@example.org", "Tess Tutor")
    sam = make_student(app, "sam@example.org", "Sam Student", into_year_2_days=120)
    students = [sam] + [
        make_student(app, f"s{i}@example.org", name, into_year_2_days=100 + 10 * i)
        for i, name in enumerate(["Ana Ortiz", "Ben Clarke", "Chloe Wong", "Dev Patel"])
    ]
    assign(app, tutor, *students)
    seed_scans(app, sam, [i % 118 for i in range(70)], region="knee", critical_incident=False)
    seed_scans(
        app,
        sam,
        [2, 5, 9, 30],
        region="shoulder",
        activity="injection",
        notes="Subacromial injection, no complications",
    )
    seed_scans(app, sam, [400, 380, 300], region="hip_groin")
    seed_scans(app, sam, [1], notes="Pt Patel, RC tear")  # flagged: check for identifiers
    for n, student in enumerate(students[1:]):
        seed_scans(app, student, [(i * 3) % 100 + n * 12 for i in range(25 + 30 * n)])
    with app.app_context():
        from server.extensions import db
        from server.models import User

        raw = invitations.create_invitation(
            db.session.get(User, sam.id), db.session.get(User, admin.id)
        )
        db.session.commit()
    return admin, tutor, sam, raw


# Dated in the open year (year 1 is submitted earlier in the test, so it takes no imports).
_RECENT = (dt.date.today() - dt.timedelta(days=3)).strftime("%d/%m/%Y")
OLD_LOGBOOK = (
    f"Date,Region,Notes\n{_RECENT},popliteal fossa,Baker's cyst\n31/09/2025,knee,\n".encode()
)


def test_every_page_has_no_axe_violations(server, new_laptop):
    app = server.app
    admin, tutor, sam, invite = _world(app)
    found: dict[str, list] = {}
    anonymous = new_laptop(bypass_csp=True)
    for path in ("/signin", f"/invitation/{invite}", "/invitation/not-a-token", "/no-such-page"):
        _check(anonymous, path, found)

    student = new_laptop(bypass_csp=True)
    web_sign_in(student, "sam@example.org")
    _check(student, f"/students/{sam.id}", found)  # year 2: when its window opens
    _check(student, f"/students/{sam.id}?period=1", found)  # the statement below target
    student.fill("#statement", "Fewer clinics than planned.")
    student.get_by_role("button", name="Submit year 1").click()
    _check(student, "", found)
    entry_href = student.locator(".record-table tbody tr td a").first.get_attribute("href")
    _check(student, entry_href, found)
    _check(student, f"/students/{sam.id}/import", found)  # the logbook import: upload
    student.set_input_files(
        "#file",
        files=[{"name": "old.csv", "mimeType": "text/csv", "buffer": OLD_LOGBOOK}],
    )
    student.get_by_role("button", name="Check the file").click()
    expect(student.get_by_text("nothing has been written yet")).to_be_visible()
    _check(student, "", found)  # the preview: a bad row, a word to map, the columns
    student.select_option("#word-0", "knee")
    student.get_by_role("button", name="Check again").click()
    student.get_by_role("button", name="Import 1 entry").click()
    expect(student.get_by_text("1 entry added")).to_be_visible()
    _check(student, "", found)

    tutor_page = new_laptop(bypass_csp=True)
    web_sign_in(tutor_page, "tess@example.org")
    _check(tutor_page, "/staff", found)
    if os.environ.get("SCANLOG_SCREENSHOTS"):
        tutor_page.screenshot(path=str(DOCS / "web-overview.png"), full_page=True)
    _check(tutor_page, "/staff?show=at_risk&sort=name&dir=desc", found)
    _check(tutor_page, f"/students/{sam.id}", found)
    if os.environ.get("SCANLOG_SCREENSHOTS"):
        tutor_page.screenshot(path=str(DOCS / "web-student.png"), full_page=False)
    tutor_page.locator("#sample li").first.get_by_role("button", name="Send query").click()
    expect(tutor_page.locator(".flash")).to_contain_text("Write the query first")
    _check(tutor_page, "", found)  # the sample of the waiting year, with an error
    _check(tutor_page, f"/students/{sam.id}?period=1&region=hip_groin", found)
    _check(tutor_page, entry_href, found)
    tutor_page.get_by_role("button", name="Add comment").click()  # empty: shows the error
    expect(tutor_page.locator("#body-error")).to_be_visible()
    _check(tutor_page, "", found)
    tutor_page.fill("#body", "NHS 943 476 5919")  # refused: names the field and the kind
    tutor_page.get_by_role("button", name="Add comment").click()
    expect(tutor_page.locator("#body-error")).to_contain_text("an NHS number")
    _check(tutor_page, "", found)
    tutor_page.goto(f"/students/{sam.id}?period=2")  # the page opens on year 1 (waiting)
    flagged = tutor_page.locator(".record-table tbody tr", has_text="Check for identifiers")
    tutor_page.goto(flagged.locator("td a").first.get_attribute("href"))
    expect(tutor_page.get_by_role("heading", name="Check for identifiers")).to_be_visible()
    _check(tutor_page, "", found)
    _check(tutor_page, "/account", found)
    tutor_page.get_by_role("button", name="Change password").click()  # empty: the errors
    expect(tutor_page.locator("#current-error")).to_be_visible()
    _check(tutor_page, "", found)

    admin_page = new_laptop(bypass_csp=True)
    web_sign_in(admin_page, "ada@example.org")
    for path in ("/admin/users", f"/admin/users/{sam.id}", "/admin/users/new", "/admin/import"):
        _check(admin_page, path, found)
    admin_page.goto(f"/admin/users/{sam.id}")
    admin_page.get_by_role("button", name="New invitation link").click()
    _check(admin_page, "", found)
    admin_page.goto("/admin/users/new")
    admin_page.get_by_role("button", name="Create user").click()
    _check(admin_page, "", found)
    admin_page.goto("/admin/import")
    admin_page.fill("#csv_text", "name,email,role\nX,not-an-email,boss\nY,y@example.org,tutor\n")
    admin_page.get_by_role("button", name="Check the file").click()
    _check(admin_page, "", found)
    admin_page.fill("#csv_text", "name,email,role\nYan Tutor,yan@example.org,tutor\n")
    admin_page.get_by_role("button", name="Check again").click()
    admin_page.get_by_role("button", name="Import 1 user").click()
    _check(admin_page, "", found)

    # On a phone the pages fit the screen (wide tables scroll inside their own box).
    phone = new_laptop(viewport={"width": 390, "height": 844})
    web_sign_in(phone, "tess@example.org")
    for path in ("/staff", f"/students/{sam.id}", entry_href, "/account"):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path

    bad = {url: v for url, v in found.items() if v}
    assert len(found) >= 22
    assert not bad, bad
