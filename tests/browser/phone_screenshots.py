"""Takes the phone screenshots in docs/ (Pixel 7): python -m tests.browser.phone_screenshots

Not part of the test suite: a script that drives the real app on a throwaway database.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from server import create_app
from server.extensions import db
from tests.browser.conftest import create_user, log_scan, sign_in, synced, tutor_comment
from tests.browser.live import CHROMIUM, LAUNCH_ARGS, serve

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOTES = ["effusion, ?synovitis", "supraspinatus tendinopathy", "", "Baker's cyst", "", "ganglion"]
CENTRE = "(el) => el.scrollIntoView({block: 'center'})"
REGIONS = ["knee", "shoulder", "wrist_hand", "knee", "ankle_foot", "wrist_hand"]


def shoot(page, name: str) -> None:
    """Save a screenshot of the viewport as docs/phone-<name>.png."""
    page.screenshot(path=str(DOCS / f"phone-{name}.png"))
    print(f"docs/phone-{name}.png")


def main() -> None:
    """Drive the app through its screens and save a screenshot of each."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/s.db"})
        with app.app_context():
            db.create_all()
        create_user(app)
        with serve(app) as live, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            device = {k: v for k, v in p.devices["Pixel 7"].items() if k != "default_browser_type"}
            page = browser.new_context(**device, base_url=live.url).new_page()
            page.goto("/")
            page.wait_for_selector("#signin")
            shoot(page, "signin")
            sign_in(page)
            for region, notes in zip(REGIONS, NOTES, strict=True):
                log_scan(page, region=region, notes=notes)
            synced(page)
            first = page.evaluate(
                "import('/js/db.js').then(async (db) => (await new db.UserDb("
                "(await db.getAuth()).user.id).entries()).find((e) => e.region === 'shoulder').id)"
            )
            tutor_comment(app, first, "Good views. Next time add a dynamic assessment.")
            synced(page)
            page.click("#repeat-last")
            page.evaluate("window.scrollTo(0, 0)")
            shoot(page, "log-a-scan")
            page.click("#entry-form details summary")
            page.fill("#clinical_question", "DOB 12/03/1961, anterior knee pain")
            page.locator("#clinical_question").evaluate(CENTRE)
            shoot(page, "identifier-warning")
            page.get_by_role("link", name="Logbook").click()
            page.wait_for_selector(".entry-item")
            shoot(page, "logbook")
            page.locator(".entry-item", has_text="Shoulder").click()
            page.wait_for_selector(".comment")
            page.locator(".comment").evaluate(CENTRE)
            shoot(page, "entry-with-comment")
            page.get_by_role("link", name="Progress").click()
            page.wait_for_selector("#progress-view *")
            shoot(page, "progress")
            browser.close()


if __name__ == "__main__":
    main()
