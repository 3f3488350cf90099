"""Browser fixtures: a live server on 127.0.0.1 (fresh database) and one headless Chromium.

Reusable by any browser test package: `live_server`, `browser`, `phone`, `student`,
`sign_in`, `server_entries` (the server's rows read through the API).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from server.auth import tokens
from server.extensions import db
from server.models import User
from server.services import accounts
from tests.browser.live import CHROMIUM, LAUNCH_ARGS, serve
from tests.conftest import PASSWORD, make_app, wipe


def pytest_collection_modifyitems(items):
    """Give each browser test one rerun, reported as such ("R" and "N rerun" in the summary).

    Headless Chromium on a loaded 2-core machine has, rarely, timed out waiting for the first
    service worker to activate; a rerun keeps one such stall from failing CI while still
    showing it. A test that fails twice fails.
    """
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.flaky(reruns=1))


__all__ = ["CHROMIUM", "LAUNCH_ARGS", "PASSWORD"]

INSTALL_HINT = (
    "Chromium is needed for the browser tests: `apt-get install chromium` and "
    "`pip install -r requirements-dev.txt` (or set CHROMIUM=/path/to/chromium)."
)


def _need_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright is not installed. " + INSTALL_HINT)
    if not shutil.which(CHROMIUM):
        _missing(f"No Chromium at {CHROMIUM}. " + INSTALL_HINT)


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def live_server(database_url, _schema):
    """The app on a free port of 127.0.0.1 (a secure context), one per test module."""
    _need_browser()
    app = make_app(database_url, PWA_BUILD="")
    wipe(app)
    with serve(app) as live:
        yield live
    wipe(app)


@pytest.fixture
def server(live_server):
    """The live server with an empty database for this test."""
    wipe(live_server.app)
    live_server.hits.clear()
    live_server.pushed_ops.clear()
    live_server.app.config["PWA_BUILD"] = ""
    return live_server


@pytest.fixture(scope="session")
def playwright_instance():
    """The Playwright driver, started once."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, request):
    """One headless Chromium for the whole session (its version is logged once)."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\nbrowser.version: Chromium {browser.version}")
    yield browser
    browser.close()


@pytest.fixture
def new_phone(browser, playwright_instance, server):
    """Open a new phone (a browser context on the live server, a Pixel 7 unless `device` names
    another); closed after the test."""
    contexts = []

    def _open(device="Pixel 7", **options):
        settings = dict(playwright_instance.devices[device])
        settings.pop("default_browser_type", None)
        settings.update(options)
        context = browser.new_context(**settings, base_url=server.url)
        contexts.append(context)
        return context

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone):
    """One phone (browser context)."""
    return new_phone()


def create_user(app, role="student", email="sam@example.org", name="Sam Student", **logbook):
    """Create a user in the live server's database (a student gets logbook dates)."""
    import datetime as dt

    is_student = role == "student"
    with app.app_context():
        user = accounts.create_user(
            email=email, name=name, role=role, password=PASSWORD,
            pgcert_completed_on=logbook.get("pgcert", dt.date(2025, 9, 1)) if is_student else None,
            registration_ends_on=logbook.get("ends", dt.date(2028, 8, 31)) if is_student else None,
            annual_target=300,
        )  # fmt: skip
        db.session.commit()
        db.session.expunge(user)
        return user


@pytest.fixture
def student(server):
    """A student in the live server's database."""
    return create_user(server.app)


def sign_in(page, email="sam@example.org", password=PASSWORD, *, wait_sw=True):
    """Open the app, sign in, and wait for the entry form (and the service worker's control)."""
    page.goto("/")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#signin")
    page.wait_for_selector("#entry-form")
    if wait_sw:
        wait_for_service_worker(page)


def wait_until(page, condition: str, timeout_ms: int = 30000):
    """Poll a JS expression in the page until it is truthy (CSP-safe: no eval in the page)."""
    return page.evaluate(
        """async ([condition, timeout]) => {
            const check = new Function(`return (${condition});`);
            const end = Date.now() + timeout;
            for (;;) {
                const value = await check();
                if (value) return value;
                if (Date.now() > end) throw new Error(`Timed out waiting for ${condition}`);
                await new Promise((resolve) => setTimeout(resolve, 25));
            }
        }""",
        [condition, timeout_ms],
    )


def wait_for_service_worker(page):
    """Wait until a service worker controls the page and is activated."""
    wait_until(page, "navigator.serviceWorker.controller?.state === 'activated'")


def api_token(app, email="sam@example.org", device_name="Test API client") -> str:
    """A bearer token for a user of the live server (as another device would hold)."""
    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        raw, _ = tokens.issue_token(user, device_name)
        return raw


def server_entries(app, email="sam@example.org", *, include_deleted=True) -> list[dict]:
    """Every entry of a user as the server holds it, read through GET /sync/pull."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {api_token(app, email)}"}
    entries, since = {}, 0
    while True:
        page = client.get(f"/api/v1/sync/pull?since={since}&limit=1000", headers=headers)
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        for entry in body["entries"]:
            entries[entry["id"]] = entry
        since = body["next"]
        if not body["has_more"]:
            break
    rows = list(entries.values())
    return rows if include_deleted else [e for e in rows if not e["deleted"]]


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """WCAG 2.2 A/AA violations axe-core finds on the page as it is now (id and nodes)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be refused by our CSP.
        page.evaluate(Path(AXE).read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def log_scan(page, region="knee", side="left", activity="diagnostic", supervision="independent",
             notes=None):  # fmt: skip
    """Fill the entry form with these codes (and notes) and tap Save."""
    from playwright.sync_api import expect

    page.bring_to_front()  # a background tab's rendering is throttled
    choices = {"region": region, "side": side, "activity": activity, "supervision": supervision}
    for name, code in choices.items():
        page.check(f"#field-{name} input[value='{code}']")
    if notes is not None:
        if not page.is_visible("#notes"):
            page.click("#entry-form details summary")
        page.fill("#notes", notes)
    page.click("#save")
    # Saved means the form is cleared for the next patient and says so.
    expect(page.locator("#field-region input:checked")).to_have_count(0)
    expect(page.locator("#save-status")).to_contain_text("Saved")


def pending_badge(page):
    """The sync badge (its data-pending attribute is the number waiting)."""
    return page.locator("#sync-badge")


def synced(page):
    """Tap the sync badge and wait for that sync to finish with nothing waiting."""
    from playwright.sync_api import expect

    badge = pending_badge(page)
    before = badge.get_attribute("data-synced-at")
    badge.click()
    expect(badge).not_to_have_attribute("data-synced-at", before or "")
    expect(badge).to_have_attribute("data-pending", "0")


def seed_queue(page, count: int, notes_prefix: str = "seeded") -> None:
    """Queue `count` entries through the app's own store (as the form would), without the UI."""
    page.evaluate(
        """async ([count, prefix]) => {
            const db = await import('/js/db.js');
            const { blankEntry } = await import('/js/entry.js');
            const auth = await db.getAuth();
            const store = new db.UserDb(auth.user.id);
            for (let i = 0; i < count; i += 1) {
                const entry = { ...blankEntry('2026-01-15'), region: 'shoulder', side: 'right',
                    activity: 'diagnostic', supervision: 'independent', notes: `${prefix} ${i}` };
                await store.saveEntry(entry);
            }
        }""",
        [count, notes_prefix],
    )


def tutor_comment(app, entry_id: str, body: str, student_email="sam@example.org") -> dict:
    """A tutor (created and assigned here) comments on an entry through the API."""
    with app.app_context():
        if accounts.find_user_by_email("tara@example.org") is None:
            create_user(app, role="tutor", email="tara@example.org", name="Tara Tutor")
            accounts.assign_tutor("tara@example.org", student_email)
            db.session.commit()
    headers = {"Authorization": f"Bearer {api_token(app, 'tara@example.org')}"}
    answer = app.test_client().post(
        f"/api/v1/entries/{entry_id}/comments", json={"body": body}, headers=headers
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()
