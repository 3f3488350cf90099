"""The entry form as a student uses it between patients: identifiers blocked, short labels,
remembered choices, favourites, chips, the notes section, dates outside the logbook years."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_scan, server_entries, sign_in, synced, wait_until

pytestmark = pytest.mark.browser

STORE = """async () => {
    const db = await import('/js/db.js');
    const store = new db.UserDb((await db.getAuth()).user.id);
    const counts = await store.outboxCounts();
    return { queued: counts.pending + counts.held, entries: (await store.entries()).length };
}"""


VOCABULARY_STORED = """(async () => {
    const db = await import('/js/db.js');
    return Boolean(await new db.UserDb((await db.getAuth()).user.id).getMeta('vocabulary'));
})()"""


def stored(page) -> dict:
    """What this phone holds: ops in the outbox and entry records."""
    return page.evaluate(STORE)


def choose(page, region="knee", side="left", activity="diagnostic", supervision="independent"):
    """Tap the four choices by their accessible names' values."""
    for name, code in (("region", region), ("side", side), ("activity", activity),
                       ("supervision", supervision)):  # fmt: skip
        page.check(f"#field-{name} input[value='{code}']")


def open_prompts(page):
    """Open the notes section if it is closed."""
    if page.locator("#prompts").get_attribute("open") is None:
        page.click("#prompts summary")


def test_an_nhs_number_is_highlighted_and_blocks_save_until_removed(phone, student):
    page = phone.new_page()
    sign_in(page)
    choose(page)
    open_prompts(page)
    page.fill("#clinical_question", "Pain since fall, NHS 943 476 5919")
    findings = page.locator("#clinical_question-warning")
    expect(findings.locator("mark")).to_have_text("943 476 5919")
    expect(findings).to_contain_text("NHS number")
    expect(page.locator("#clinical_question")).to_have_attribute("aria-invalid", "true")
    page.click("#save")
    expect(page.locator("#save-status")).to_have_text(
        "Not saved: remove what could identify the patient."
    )
    assert stored(page)["queued"] == 0 and stored(page)["entries"] == 0  # never queued
    assert "5919" not in page.evaluate("JSON.stringify(localStorage)")  # nor kept in the draft
    page.get_by_role("button", name="Remove the NHS number").click()
    expect(page.locator("#clinical_question")).to_have_value("Pain since fall, NHS")
    expect(findings.locator("mark")).to_have_count(0)
    expect(page.locator("#clinical_question")).not_to_have_attribute("aria-invalid", "true")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    assert stored(page)["queued"] == 1


def test_a_low_confidence_finding_warns_but_saves(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    open_prompts(page)
    page.fill("#findings", "NHS no 123 456 7890")  # the check digit does not match
    expect(page.locator("#findings-warning")).to_contain_text("you can still save")
    expect(page.locator("#findings")).not_to_have_attribute("aria-invalid", "true")
    log_scan(page)
    synced(page)
    assert [r["findings"] for r in server_entries(server.app)] == ["NHS no 123 456 7890"]


def labels(page) -> list[str]:
    """Every choice button's visible label, in order."""
    return page.locator("#entry-form .choice span").all_inner_texts()


def test_the_short_labels_stay_across_reloads(phone, student):
    page = phone.new_page()
    sign_in(page)
    first, height = labels(page), page.locator("#entry-form").bounding_box()["height"]
    assert "Diagnostic" in first and "Direct" in first and "Other" in first
    wait_until(page, VOCABULARY_STORED)  # the server's long labels are on the phone now
    for _ in range(2):
        page.reload()
        page.wait_for_selector("#entry-form")
        assert labels(page) == first
        assert page.locator("#entry-form").bounding_box()["height"] == height


def test_activity_and_supervision_come_from_the_newest_entry_also_on_a_second_phone(
    new_phone, student, server
):
    first = new_phone().new_page()
    sign_in(first)
    log_scan(first, activity="diagnostic", supervision="observed")
    log_scan(first, activity="injection", supervision="direct")
    expect(first.locator("#field-activity input[value='injection']")).to_be_checked()
    synced(first)
    second = new_phone().new_page()
    sign_in(second)  # its first pull brings the two entries
    expect(second.locator("#field-activity input[value='injection']")).to_be_checked()
    expect(second.locator("#field-supervision input[value='direct']")).to_be_checked()
    expect(second.locator("#field-region input:checked")).to_have_count(0)


def test_a_favourite_logs_a_scan_in_two_taps(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    choose(page, region="shoulder", side="right", activity="injection", supervision="indirect")
    open_prompts(page)
    page.locator("#findings").locator("..").get_by_role("button", name="calcification").click()
    page.click("#pin-favourite")
    favourite = page.get_by_role(
        "button", name="Shoulder, Right, Injection, Indirect, calcification", exact=True
    )
    expect(favourite).to_be_visible()
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved - 1 of 300")
    page.reload()  # favourites stay on this phone
    favourite.click()
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved - 2 of 300")
    synced(page)
    rows = server_entries(server.app)
    assert {
        (r["region"], r["side"], r["activity"], r["supervision"], r["findings"]) for r in rows
    } == {("shoulder", "right", "injection", "indirect", "calcification")}
    assert len(rows) == 2


def test_at_most_three_favourites_and_one_can_be_removed(phone, student):
    page = phone.new_page()
    sign_in(page)
    for region in ("knee", "hip_groin", "elbow"):
        choose(page, region=region)
        page.click("#pin-favourite")
    expect(page.locator(".favourite")).to_have_count(3)
    expect(page.locator("#pin-favourite")).to_have_count(0)
    page.get_by_role(
        "button", name="Remove favourite: Hip & groin, Left, Diagnostic, Independent"
    ).click()
    expect(page.locator(".favourite")).to_have_text(
        ["Knee, Left, Diagnostic, Independent", "Elbow, Left, Diagnostic, Independent"]
    )
    expect(page.locator("#pin-favourite")).to_be_visible()


def test_a_chip_tapped_again_is_removed(phone, student):
    page = phone.new_page()
    sign_in(page)
    open_prompts(page)
    chips = page.get_by_role("group", name="Suggestions for findings and relevance")
    effusion = chips.get_by_role("button", name="effusion", exact=True)
    effusion.click()
    chips.get_by_role("button", name="synovitis", exact=True).click()
    expect(page.locator("#findings")).to_have_value("effusion, synovitis")
    expect(effusion).to_have_attribute("aria-pressed", "true")
    effusion.click()
    expect(page.locator("#findings")).to_have_value("synovitis")
    expect(effusion).to_have_attribute("aria-pressed", "false")
    question = page.get_by_role("group", name="Suggestions for clinical question")
    question.get_by_role("button", name="?tear").click()
    expect(page.locator("#clinical_question")).to_have_value("?tear")


def test_the_notes_section_remembers_whether_it_was_open(phone, student):
    page = phone.new_page()
    sign_in(page)
    expect(page.locator("#technical_issues")).to_be_hidden()
    page.click("#prompts summary")
    log_scan(page)
    expect(page.locator("#technical_issues")).to_be_visible()  # still open for the next scan
    page.reload()
    expect(page.locator("#technical_issues")).to_be_visible()
    page.click("#prompts summary")
    page.reload()
    expect(page.locator("#technical_issues")).to_be_hidden()


def test_a_date_outside_the_logbook_years_asks_once(new_phone, student, server):
    page = new_phone(locale="en-US").new_page()  # the shown date does not follow the locale
    sign_in(page)
    page.fill("#scanned_on", "2016-03-01")
    expect(page.locator("#scanned_on-shown")).to_have_text("1 Mar 2016")
    choose(page)
    page.click("#save")
    expect(page.get_by_role("alert").filter(has_text="Save anyway?")).to_have_text(
        "This scan is before your logbook year 1 starts (1 Sep 2025): it will not count. "
        "Save anyway?Change the dateSave anyway"
    )
    assert stored(page)["queued"] == 0
    page.click("#save-anyway")
    expect(page.locator("#save-status")).to_contain_text("Saved")
    synced(page)
    assert [r["scanned_on"] for r in server_entries(server.app)] == ["2016-03-01"]
    choose(page)  # the next scan is dated today, inside a logbook year: no question
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved - 1 of 300")


def test_saved_shows_above_the_action_bar_and_the_form_is_back_at_the_top(phone, student):
    page = phone.new_page()
    sign_in(page)
    choose(page)
    page.locator("#critical_incident").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    page.click("#save")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Saved - 1 of 300 this year")
    assert page.evaluate("window.scrollY") == 0
    shown, bar = status.bounding_box(), page.locator(".form-actions").bounding_box()
    tabs = page.locator("#tabs").bounding_box()
    assert shown["y"] + shown["height"] <= bar["y"], "the message sits above the buttons"
    assert bar["y"] + bar["height"] <= tabs["y"]
    assert shown["y"] >= 0 and shown["height"] > 0
    on_top = page.evaluate(
        """() => { const r = document.getElementById('save-status').getBoundingClientRect();
                   const hit = document.elementFromPoint(r.left + 5, r.top + r.height / 2);
                   return hit?.id === 'save-status'; }"""
    )
    assert on_top, "nothing covers the message"


def test_the_critical_incident_toggle_says_what_the_logbook_is(phone, student):
    page = phone.new_page()
    sign_in(page)
    toggle = page.get_by_role("checkbox", name="Critical incident")
    expect(toggle).to_have_accessible_description(
        "The logbook is a record of learning, not an incident report: report serious incidents "
        "through your trust's own reporting system."
    )
