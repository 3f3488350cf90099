"""PWA benchmark: shell size, offline start under 4x CPU throttling, save latency, taps and
scrolls per scan (a repeat, a favourite, a new scan unlike the last) on a 412 x 915 screen.

Run: .venv/bin/python bench/pwa_bench.py   (needs Chromium at /usr/bin/chromium or $CHROMIUM)
Prints medians of several runs; it asserts nothing about time.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.web.pwa import shell_files  # noqa: E402
from tests.browser.conftest import create_user  # noqa: E402
from tests.browser.live import CHROMIUM, LAUNCH_ARGS, serve  # noqa: E402

RUNS = 10
VIEWPORT = {"width": 412, "height": 915}
PASSWORD = "correct-horse-battery"


def shell_size(app) -> tuple[int, int, int]:
    """(files, raw bytes, gzipped bytes) of the precached shell, each file gzipped as served."""
    client = app.test_client()
    raw = gz = 0
    with app.app_context():
        files = shell_files()
    for path in files:
        body = client.get(path).data
        raw += len(body)
        gz += len(gzip.compress(body, 9))
    return len(files), raw, gz


def sign_in(page):
    """Sign in through the form and wait for the worker's control."""
    page.goto("/")
    page.fill("#email", "bench@example.org")
    page.fill("#password", PASSWORD)
    page.click("#signin")
    page.wait_for_selector("#entry-form")
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            while (navigator.serviceWorker.controller?.state !== 'activated') {
                await new Promise((r) => setTimeout(r, 20));
            }
        }"""
    )


def offline_start_ms(context, page) -> tuple[list[float], list[float]]:
    """Navigation start to the form in the page (the app's "form-ready" mark), offline, 4x CPU;
    also to the moment Playwright sees Save (an upper bound: includes its polling)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    context.set_offline(True)
    marks, seen = [], []
    for _ in range(RUNS):
        page.reload()
        page.wait_for_selector("#save")
        seen.append(page.evaluate("performance.now()"))
        marks.append(page.evaluate("performance.getEntriesByName('form-ready')[0].startTime"))
    context.set_offline(False)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    return marks, seen


def save_ms(page) -> list[float]:
    """Tap Save (form filled by Repeat last) to the entry being readable from IndexedDB."""
    page.check("#field-region input[value='knee']")
    page.check("#field-side input[value='left']")
    page.check("#field-activity input[value='diagnostic']")
    page.check("#field-supervision input[value='independent']")
    page.click("#save")
    page.wait_for_selector("#save-status:has-text('Saved')")
    times = []
    for _ in range(RUNS):
        page.click("#repeat-last")
        times.append(
            page.evaluate(
                """async () => {
                    const db = await import('/js/db.js');
                    const store = new db.UserDb((await db.getAuth()).user.id);
                    const before = (await store.entries()).length;
                    const start = performance.now();
                    document.getElementById('save').click();
                    while ((await store.entries()).length === before) { /* next read */ }
                    return performance.now() - start;
                }"""
            )
        )
    return times


IN_VIEW = """(selector) => {
    const rect = document.querySelector(selector).getBoundingClientRect();
    const header = document.querySelector('.app-header').getBoundingClientRect().bottom;
    const bar = document.querySelector('.form-bar')?.getBoundingClientRect().top ?? innerHeight;
    const target = rect.top >= header && rect.bottom <= Math.min(bar, innerHeight);
    // A tap on the fixed bar itself (Save) needs no scrolling either.
    return target || Boolean(document.querySelector(selector).closest('.form-bar'));
}"""


def taps_and_scrolls(page, selectors) -> tuple[int, int]:
    """Tap each selector as a thumb would: a scroll is counted when the target is out of sight
    (under the header or behind the action bar) before its tap. Ends when "Saved" shows."""
    taps = scrolls = 0
    page.evaluate("window.scrollTo(0, 0)")
    for selector in selectors:
        if not page.evaluate(IN_VIEW, selector):
            scrolls += 1
            page.locator(selector).scroll_into_view_if_needed()
        page.click(selector)
        taps += 1
    page.wait_for_selector("#save-status:has-text('Saved')")
    return taps, scrolls


def entry_flows(page) -> dict[str, tuple[int, int]]:
    """Taps and scrolls for a repeat, a favourite, and a new scan that differs from the last
    (region, side and one clinical-question chip; activity and supervision are remembered)."""
    page.wait_for_selector("#save-status:has-text('Saved')")  # the last save has reset the form
    page.check("#field-region input[value='knee']")
    page.check("#field-side input[value='left']")
    page.click("#pin-favourite")
    page.wait_for_selector(".favourite")
    return {
        "repeat": taps_and_scrolls(page, ["#repeat-last", "#save"]),
        "favourite": taps_and_scrolls(page, [".favourite", "#save"]),
        "new scan (region, side, one chip)": taps_and_scrolls(
            page,
            [
                "#field-region input[value='shoulder']",
                "#field-side input[value='right']",
                "#entry-form .chip[data-chip='pain']",
                "#save",
            ],
        ),
    }


def main() -> None:
    """Run the benchmark and print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.db"})
        with app.app_context():
            db.create_all()
        create_user(app, email="bench@example.org", name="Bench Student")
        files, raw, gz = shell_size(app)
        print(f"app shell: {files} files, {raw / 1024:.1f} KB raw, {gz / 1024:.1f} KB gzipped"
              " (aim < 60 KB)")  # fmt: skip
        with serve(app) as live, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            device = {k: v for k, v in p.devices["Pixel 7"].items() if k != "default_browser_type"}
            device["viewport"] = VIEWPORT
            context = browser.new_context(**device, base_url=live.url)
            page = context.new_page()
            sign_in(page)
            marks, seen = offline_start_ms(context, page)
            print(f"offline start to usable form, 4x CPU throttling: median "
                  f"{statistics.median(marks):.0f} ms over {RUNS} (aim < 300 ms); "
                  f"seen by Playwright {statistics.median(seen):.0f} ms")  # fmt: skip
            saves = save_ms(page)
            print(f"tap Save to entry in IndexedDB: median {statistics.median(saves):.1f} ms "
                  f"over {RUNS} (aim < 50 ms)")  # fmt: skip
            aims = {"repeat": 2, "favourite": 2, "new scan (region, side, one chip)": 5}
            for flow, (taps, scrolls) in entry_flows(page).items():
                print(f"{flow}: {taps} taps, {scrolls} scrolls on {VIEWPORT['width']} x "
                      f"{VIEWPORT['height']} (aim <= {aims[flow]} taps, no scrolling)")  # fmt: skip
            print(f"Chromium {browser.version}")
            browser.close()


if __name__ == "__main__":
    main()
