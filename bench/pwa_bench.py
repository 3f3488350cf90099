"""PWA benchmark: shell size, offline start under 4x CPU throttling, save latency, taps per scan.

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


def taps_for_repeat_scan(page) -> int:
    """Taps a user makes to log a scan like the last one, counted while doing it."""
    taps = 0
    for selector in ("#repeat-last", "#save"):
        page.click(selector)
        taps += 1
    page.wait_for_selector("#save-status:has-text('Saved')")
    return taps


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
            context = browser.new_context(**device, base_url=live.url)
            page = context.new_page()
            sign_in(page)
            marks, seen = offline_start_ms(context, page)
            print(f"offline start to usable form, 4x CPU throttling: median "
                  f"{statistics.median(marks):.0f} ms over {RUNS} (aim < 500 ms); "
                  f"seen by Playwright {statistics.median(seen):.0f} ms")  # fmt: skip
            saves = save_ms(page)
            print(f"tap Save to entry in IndexedDB: median {statistics.median(saves):.1f} ms "
                  f"over {RUNS} (aim < 50 ms)")  # fmt: skip
            print(f"taps to log a repeat scan: {taps_for_repeat_scan(page)} (aim <= 4)")
            print(f"Chromium {browser.version}")
            browser.close()


if __name__ == "__main__":
    main()
