"""A tutor's comment with an NHS number is refused on the web, naming the field; the student's
app never receives it. The rest of the comment is kept to edit, without the number."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.models import Comment
from tests.browser.conftest import axe_violations
from tests.browser.tutor.conftest import assign, create_user, make_student, seed_scans, web_sign_in

pytestmark = pytest.mark.browser

NHS = "943 476 5919"


def test_a_comment_with_an_nhs_number_is_refused_naming_the_field(server, new_laptop):
    app = server.app
    tutor = create_user(app, "tutor", "tess@example.org", "Tess Tutor")
    sam = make_student(app, "sam@example.org", "Sam Student")
    assign(app, tutor, sam)
    [entry_id] = seed_scans(app, sam, [3], notes="Pt Patel, RC tear")
    web = new_laptop(bypass_csp=True)
    web_sign_in(web, "tess@example.org")
    web.goto(f"/students/{sam.id}/entries/{entry_id}")
    # A lower-confidence finding was stored, and is flagged for the tutor to check.
    expect(web.get_by_role("heading", name="Check for identifiers")).to_be_visible()

    body = web.get_by_role("textbox", name="Comment")
    body.fill(f"Patient NHS {NHS} should be recalled")
    web.get_by_role("button", name="Add comment").click()

    error = web.locator("#body-error")
    expect(error).to_have_text("Comment: Looks like an NHS number: remove patient identifiers.")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_value("Patient NHS  should be recalled")
    assert NHS not in web.content()
    expect(web.locator("#comments")).to_contain_text("No feedback yet.")
    with app.app_context():
        assert db.session.scalars(db.select(Comment)).all() == []
    assert axe_violations(web) == []

    body.fill("Please recall for review.")
    web.get_by_role("button", name="Add comment").click()
    expect(web.locator(".comments")).to_contain_text("Please recall for review.")
