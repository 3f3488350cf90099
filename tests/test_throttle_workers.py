"""The sign-in throttle: one count for the web form and the token endpoint, shared by every
worker (a real gunicorn with 3 workers on the test database, SQLite or PostgreSQL), the
client's real address behind a trusted proxy, and the owner getting in while under attack.

The rule (server/auth/throttle.py): LOGIN_FREE_ATTEMPTS attempts per e-mail without a
success, then a doubling wait answered 429 with Retry-After; a browser or phone that signed in
to the account before counts against itself alone, so the owner's right password passes.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from server.extensions import db
from server.models import SignInThrottle
from tests.conftest import PASSWORD, make_app
from tests.sync.app_servers import free_port
from tests.web.test_signin import sign_in_on_web

ROOT = Path(__file__).resolve().parents[1]
WRONG = "not-the-password"


class Browser:
    """A client of the live server: a fresh connection per request, cookies kept by hand."""

    def __init__(self, port: int, forwarded_for: str | None = None):
        self.port, self.cookies = port, {}
        self.forwarded_for = forwarded_for
        self.workers: set[str] = set()

    def request(self, method, path, body=None, headers=None, *, together=None):
        """(status, headers, text) of one request on its own connection; with a Barrier as
        `together`, connected first and sent when every party is ready."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        try:
            if together is not None:
                conn.connect()  # only the request itself waits, not the TCP handshake
                together.wait()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        self.workers.add(response.headers["X-Test-Worker"])
        return response.status, response.headers, text

    def token(self, email, password=PASSWORD, *, together=None):
        """POST /api/v1/auth/token: (status, headers)."""
        body = json.dumps({"email": email, "password": password, "device_name": "Phone"})
        status, headers, _ = self.request(
            "POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"},
            together=together,
        )  # fmt: skip
        return status, headers

    def web(self, email, password=PASSWORD, *, together=None):
        """The sign-in form, with its CSRF token: (status, headers)."""
        _, _, page = self.request("GET", "/signin")
        csrf = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)
        form = urlencode({"email": email, "password": password, "csrf_token": csrf})
        status, headers, _ = self.request(
            "POST", "/signin", form, {"Content-Type": "application/x-www-form-urlencoded"},
            together=together,
        )  # fmt: skip
        return status, headers


@pytest.fixture
def gunicorn(database_url, app):
    """gunicorn(**settings) -> the port of a 3-worker gunicorn on the test database (sync
    workers, or `worker_class="gthread"` with `threads` requests in flight per worker)."""
    started = []

    def _start(*, worker_class="sync", threads=1, **settings) -> int:
        port = free_port()
        env = {
            **os.environ,
            "SCANLOG_ENV": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "one-key-for-every-worker",
            **{k: str(v) for k, v in settings.items()},
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}",
             "--worker-class", worker_class, "--threads", str(threads),
             "--log-level", "warning", "tests.live_gunicorn:app"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        started.append(process)
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return port
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)

    yield _start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def _attack(port, email, n, password=WRONG, *, together=False):
    """n sign-in attempts at once, half on the web form and half on the token endpoint; with
    `together`, every attempt is held until all n are connected, then all are sent at once."""
    barrier = threading.Barrier(n, timeout=60) if together else None

    def attempt(i):
        browser = Browser(port)
        send = browser.web if i % 2 else browser.token
        status, _ = send(email, password, together=barrier)
        return status, browser.workers

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(attempt, range(n)))
    return [s for s, _ in results], set().union(*(w for _, w in results))


def test_the_per_email_limit_holds_across_three_workers_and_web_plus_api(gunicorn, make_user):
    make_user("student", email="target@example.org")
    port = gunicorn()
    statuses, workers = _attack(port, "target@example.org", 12)
    assert len(workers) >= 2, "the attempts were spread over several workers"
    # Exactly 5 attempts were checked, however the 12 concurrent ones fell on the workers.
    assert sorted(statuses) == [401] * 5 + [429] * 7
    # Now even the right password from a browser or phone never seen before has to wait.
    for status, headers in (
        Browser(port).web("target@example.org"),
        Browser(port).token("target@example.org"),
    ):
        assert status == 429
        assert int(headers["Retry-After"]) > 0


def test_attempts_released_together_on_many_threads_are_each_counted(gunicorn, make_user):
    """Rule: an attempt is counted by one write, never read-then-write. 3 workers of 8 threads
    take 24 wrong attempts sent at the same instant (a read-then-write count would let several
    read the same number and check more than 5 passwords), three times on three e-mails: a race
    one burst happens to miss, another catches."""
    port = gunicorn(worker_class="gthread", threads=8, LOGIN_ADDRESS_FREE_ATTEMPTS=1000)
    for email in ("rush1@example.org", "rush2@example.org", "rush3@example.org"):
        make_user("student", email=email)
        # A gthread worker may accept every connection itself: 8 threads are still 8 in flight.
        statuses, _workers = _attack(port, email, 24, together=True)
        assert sorted(statuses) == [401] * 5 + [429] * 19, email


def test_the_owner_with_the_right_password_gets_in_under_attack(gunicorn, make_user):
    """Rule: a device that signed in to the account before is counted apart from the e-mail."""
    make_user("tutor", email="owner@example.org")
    port = gunicorn()
    laptop, phone = Browser(port), Browser(port)
    assert laptop.web("owner@example.org")[0] == 302
    assert phone.token("owner@example.org")[0] == 201
    laptop.cookies.pop("session")  # the browser was closed: the year-long device cookie stays
    statuses, _ = _attack(port, "owner@example.org", 10)
    assert statuses.count(429) == 5
    assert laptop.web("owner@example.org")[0] == 302
    assert phone.token("owner@example.org")[0] == 201
    assert Browser(port).token("owner@example.org")[0] == 429  # an unknown device still waits
    # The known device is not a way round the limit: its own wrong guesses are counted.
    for _ in range(5):
        assert phone.token("owner@example.org", WRONG)[0] == 401
    assert phone.token("owner@example.org")[0] == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(gunicorn, make_user):
    """Spraying many e-mails from one address is slowed; another client behind the proxy is not."""
    make_user("tutor", email="nurse@example.org")
    port = gunicorn(TRUSTED_PROXIES=1, LOGIN_ADDRESS_FREE_ATTEMPTS=3)
    sprayer = Browser(port, forwarded_for="203.0.113.7")
    answers = [sprayer.token(f"guess{i}@example.org", WRONG)[0] for i in range(5)]
    assert answers == [401, 401, 401, 429, 429]
    colleague = Browser(port, forwarded_for="198.51.100.20")
    assert colleague.web("nurse@example.org")[0] == 302


# In-process checks of the rule (one app, the test database).


def _throttle_app(database_url, **settings):
    return make_app(database_url, **settings)


def test_attempts_during_the_wait_are_not_counted_and_the_wait_doubles(app, client, make_user):
    make_user("tutor", email="wait@example.org")
    for _ in range(5):
        assert sign_in_on_web(client, "wait@example.org", WRONG).status_code == 401
    for _ in range(3):  # answered 429 and not counted: the wait does not grow
        blocked = sign_in_on_web(client, "wait@example.org", WRONG)
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) <= 60
    with app.app_context():
        row = db.session.get(SignInThrottle, "email:wait@example.org")
        assert row.attempts == 5
        # Let the first wait pass: one more attempt is checked, then the wait is 120 s.
        row.next_allowed_at = row.last_attempt_at
        db.session.commit()
    assert sign_in_on_web(client, "wait@example.org", WRONG).status_code == 401
    again = sign_in_on_web(client, "wait@example.org", WRONG)
    assert again.status_code == 429 and 60 < int(again.headers["Retry-After"]) <= 120


def test_a_success_clears_the_count_of_its_email(app, client, make_user):
    make_user("tutor", email="typo@example.org")
    for _ in range(4):
        assert sign_in_on_web(client, "typo@example.org", WRONG).status_code == 401
    assert sign_in_on_web(app.test_client(), "typo@example.org").status_code == 302
    for _ in range(5):
        assert sign_in_on_web(client, "typo@example.org", WRONG).status_code == 401


def test_forwarded_for_is_ignored_without_trusted_proxies(database_url, _schema, make_user):
    """With TRUSTED_PROXIES=0 a client cannot dodge the address limit by inventing headers."""
    app = make_app(database_url, LOGIN_ADDRESS_FREE_ATTEMPTS=2)
    client = app.test_client()
    answers = [
        client.post(
            "/api/v1/auth/token",
            json={"email": f"x{i}@example.org", "password": WRONG, "device_name": "p"},
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        ).status_code
        for i in range(3)
    ]
    assert answers == [401, 401, 429]


def test_a_key_quiet_for_an_hour_starts_again_and_stale_keys_are_dropped(app, client, make_user):
    import datetime as dt

    make_user("tutor", email="later@example.org")
    for _ in range(5):
        assert sign_in_on_web(client, "later@example.org", WRONG).status_code == 401
    assert sign_in_on_web(client, "later@example.org", WRONG).status_code == 429
    with app.app_context():
        for row in db.session.scalars(db.select(SignInThrottle)):
            row.last_attempt_at -= dt.timedelta(hours=2)  # the wait itself is still ahead
        db.session.commit()
    assert sign_in_on_web(client, "later@example.org", WRONG).status_code == 401
    assert sign_in_on_web(app.test_client(), "later@example.org").status_code == 302
    with app.app_context():
        for row in db.session.scalars(db.select(SignInThrottle)):
            row.last_attempt_at -= dt.timedelta(hours=2)
        db.session.commit()
    assert sign_in_on_web(app.test_client(), "later@example.org").status_code == 302
    with app.app_context():
        # Only the key this sign-in touched is left: its address, the attempt given back.
        (row,) = db.session.scalars(db.select(SignInThrottle))
        assert (row.key, row.attempts) == ("address:127.0.0.1", 0)
