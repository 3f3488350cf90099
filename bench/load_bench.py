"""Load: N simulated devices sign in, then push small batches and pull, against gunicorn.

Every device is one student's phone on its own keep-alive connection (a thread): it signs in
with POST /auth/token (at most --workers at a time: each checks a password hash; sign-ins are
timed apart and not counted in requests/s), then loops for --seconds: push 1-5 ops (new scans,
now and then an edit of an earlier one), pull its changes since its cursor, now and then GET
/me, then waits a random think time (uniform 0 to 2 x --think seconds). GET /me is the
framework's floor (token check, one user row, a small JSON answer), measured in the same run
under the same load. Over loopback against gunicorn (--workers, gthread), on a fresh SQLite
file or on --database-url (PostgreSQL: a database of your own; the bench adds its users and
leaves them). Prints requests/s, p50/p95/p99 per kind, errors, and how often the server
logged "database is locked".

    .venv/bin/python bench/load_bench.py [--devices 200] [--seconds 20] [--workers 4]
        [--threads 8] [--think 3.0] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.security import generate_password_hash  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import User  # noqa: E402
from server.services import accounts  # noqa: E402
from tests.sync.app_servers import GunicornServer  # noqa: E402
from tests.sync.helpers import PULL, PUSH, upsert  # noqa: E402

PASSWORD = "load-bench-password"
_STALE = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)


def _make_students(database_url: str, n: int) -> list[str]:
    """n students (one password hash shared: setting up is not what is measured)."""
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    run = uuid.uuid4().hex[:8]
    emails = [f"load-{run}-{i}@example.org" for i in range(n)]
    shared = generate_password_hash(PASSWORD)
    with app.app_context():
        db.create_all()
        for email in emails:
            accounts.create_user(email=email, name="Load", role="student", password=None)
        db.session.flush()
        db.session.execute(
            User.__table__.update().where(User.email.in_(emails)).values(password_hash=shared)
        )
        db.session.commit()
        db.engine.dispose()
    return emails


class Device(threading.Thread):
    """One phone: sign in, then push, pull and think until the deadline."""

    def __init__(self, port: int, email: str, clock: dict, think: float, record, seed):
        super().__init__(daemon=True)
        self.port, self.email, self.clock, self.think = port, email, clock, think
        self.record, self.rng = record, random.Random(seed)
        self.conn = None
        self.token, self.cursor, self.mine = None, 0, {}

    def call(self, kind: str, method: str, path: str, body=None):
        """One timed request on the keep-alive connection; None on any error."""
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        payload = json.dumps(body) if body else None
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(method, path, payload, headers)
                response = self.conn.getresponse()
                data = response.read()
                ok = response.status < 400
                break
            except (OSError, http.client.HTTPException) as e:
                self.conn.close()
                self.conn, ok, data = None, False, repr(e).encode()
                # A keep-alive connection the server closed while the phone was idle: open
                # a new one and send again, as browsers do (pushes are idempotent by op id).
                if not (reused and attempt == 1 and isinstance(e, _STALE)):
                    break
                self.record("reconnect", 0.0, True, None)
        self.record(kind, time.perf_counter() - started, ok, None if ok else data[:200])
        return json.loads(data) if ok and data else None

    def run(self):
        """Sign in, then cycle until the deadline."""
        body = {"email": self.email, "password": PASSWORD, "device_name": "load"}
        with self.clock["sign_ins"]:  # a cohort signs in over minutes, not in one instant
            answer = self.call("sign-in", "POST", "/api/v1/auth/token", body)
        self.clock["signed_in"].wait()  # every device signed in: the timed part starts
        if answer is None:
            return
        self.token = answer["token"]
        # Each phone starts at its own point of a think time, as phones in use are spread
        # over it: 200 pushes in one instant is the sign-in barrier, not a clinic.
        time.sleep(self.rng.uniform(0, 2 * self.think))
        while time.monotonic() < self.clock["deadline"]:
            self.cycle()
            time.sleep(self.rng.uniform(0, 2 * self.think))

    def cycle(self):
        """Push 1-5 ops (an edit now and then), pull since the cursor, sometimes GET /me."""
        ops = []
        if self.mine and self.rng.random() < 0.2:
            eid, version = self.rng.choice(list(self.mine.items()))
            ops.append(upsert(eid, base=version, notes="edited"))
        while len(ops) < self.rng.randint(1, 5):
            ops.append(upsert(str(uuid.uuid4()), notes="load"))
        answer = self.call("push", "POST", PUSH, {"device_id": "load", "ops": ops})
        for result in (answer or {}).get("results", []):
            if result["entry"]:
                self.mine[result["entry"]["id"]] = result["entry"]["version"]
        page = self.call("pull", "GET", f"{PULL}?since={self.cursor}&limit=200")
        if page:
            self.cursor = page["next"]
        if self.rng.random() < 0.5:
            self.call("GET /me (floor)", "GET", "/api/v1/me")


_ACCESS = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" \d+ \S+ (\d+)ms$')
_KINDS = {PUSH: "push", PULL: "pull", "/api/v1/me": "GET /me"}


def _server_times(log: str) -> str:
    """p50/p95 of the server's own time per kind (gunicorn's access log, from reading the
    request to the last byte sent): the client-side figures add the wait for a free thread
    and the client's own share of the same two cores."""
    taken = defaultdict(list)
    for line in log.splitlines():
        match = _ACCESS.search(line)
        if match and match[2] in _KINDS:
            taken[_KINDS[match[2]]].append(float(match[3]))
    parts = [
        f"{kind} p50 {statistics.median(ms):.0f} / p95 {percentile(ms, 95):.0f} ms"
        for kind, ms in taken.items()
    ]
    return "server's own time: " + "; ".join(parts)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> None:
    """Run the load and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--think", type=float, default=3.0, help="mean pause between cycles")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="scanlog-load-"))
    url = args.database_url or f"sqlite:///{folder / 'load.sqlite'}"
    emails = _make_students(url, args.devices)
    log = folder / "gunicorn.log"
    server = GunicornServer(
        url, secrets.token_hex(32), args.workers, args.threads, log=log, keepalive=75
    )
    times, errors, lock = defaultdict(list), defaultdict(list), threading.Lock()

    def record(kind, seconds, ok, detail):
        with lock:
            (times if ok else errors)[kind].append(seconds if ok else detail)

    clock = {
        "signed_in": threading.Barrier(args.devices + 1),
        "sign_ins": threading.Semaphore(args.workers),
        "deadline": 0.0,
    }
    try:
        devices = [
            Device(server.port, email, clock, args.think, record, seed=i)
            for i, email in enumerate(emails)
        ]
        for device in devices:
            device.start()
        # Sign-ins (one password hash each) are timed but not counted in requests/s.
        clock["deadline"] = float("inf")
        clock["signed_in"].wait()
        started = time.monotonic()
        clock["deadline"] = started + args.seconds
        for device in devices:
            device.join()
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    locked = log.read_text().count("database is locked")
    backend = url.split(":", 1)[0]
    steady_kinds = ("push", "pull", "GET /me (floor)")
    total = sum(len(times[k]) + len(errors[k]) for k in steady_kinds)
    print(
        f"{args.devices} devices, {args.seconds:g} s, gunicorn {args.workers} workers x "
        f"{args.threads} threads, {backend}: {total} requests, {total / elapsed:.0f} requests/s"
    )
    print(f"{'kind':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in ("sign-in", "push", "pull", "GET /me (floor)"):
        ms = [t * 1000 for t in times[kind]] or [float("nan")]
        print(
            f"{kind:<18}{len(times[kind]):>7}{statistics.median(ms):>9.1f}"
            f"{percentile(ms, 95):>9.1f}{percentile(ms, 99):>9.1f}{len(errors[kind]):>8}"
        )
    steady = [t * 1000 for k in steady_kinds for t in times[k]]
    floor = statistics.median(times["GET /me (floor)"] or [float("nan")])
    push = statistics.median(times["push"] or [float("nan")])
    print(
        f"push/pull/me together: p95 {percentile(steady, 95):.1f} ms; "
        f"small push p50 = {push / floor:.2f} x the floor; "
        f'"database is locked" in the server log: {locked}; '
        f"keep-alive reconnects: {len(times['reconnect'])}"
    )
    print(_server_times(log.read_text()))
    for kind, details in errors.items():
        if details:
            print(f"errors ({kind}), first: {details[0]!r}")


if __name__ == "__main__":
    main()
