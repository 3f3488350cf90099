"""axe-core finds no WCAG 2.2 A/AA violations in the entry form's new states, light or dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_entry_form_states_pass_axe(new_phone, student, scheme):
    page = new_phone(color_scheme=scheme).new_page()
    sign_in(page)
    found = {}
    for name, code in (("region", "knee"), ("side", "left"), ("activity", "diagnostic"),
                       ("supervision", "independent")):  # fmt: skip
        page.check(f"#field-{name} input[value='{code}']")
    page.click("#prompts summary")
    page.get_by_role("button", name="effusion", exact=True).click()
    page.click("#pin-favourite")
    expect(page.locator(".favourite")).to_have_count(1)
    found["a favourite pinned, a chip pressed"] = axe_violations(page)
    page.fill("#clinical_question", "Mrs Patel, NHS 943 476 5919")
    page.fill("#notes", "NHS no 123 456 7890")
    page.click("#save")
    expect(page.locator("#clinical_question-warning mark")).to_have_count(2)
    expect(page.locator("#notes-warning")).to_contain_text("you can still save")
    found["identifiers blocking and warning"] = axe_violations(page)
    page.fill("#clinical_question", "")
    page.fill("#scanned_on", "2016-03-01")
    page.click("#save")
    expect(page.locator("#save-anyway")).to_be_visible()
    found["the date question"] = axe_violations(page)
    page.click("#save-anyway")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    found["saved"] = axe_violations(page)
    assert {state: v for state, v in found.items() if v} == {}
