"""Sync ingest through a real HTTP server: push 10,000 entries in batches of 100, pull them back.

Each run starts a fresh SQLite file and a werkzeug server on 127.0.0.1 in its own process (so
the client's JSON work does not share the server's GIL, as a phone's would not), pushes with
one keep-alive connection, then pulls everything back with limit=1000. With --server gunicorn
the server is gunicorn instead (one gthread worker, keep-alive), as deployed but for the worker
class; its CPU time is the arbiter's plus the worker's.
In the same run it times a raw sqlite3 `executemany` of the same rows into the same table (one
transaction per 100 rows, as the push commits), and prints the ratio. Medians of 5 runs.

    .venv/bin/python bench/sync_bench.py [--entries 10000] [--runs 5] [--server gunicorn]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from server import create_app  # noqa: E402
from server.auth import tokens  # noqa: E402
from server.extensions import db  # noqa: E402
from server.services import accounts  # noqa: E402

BATCH = 100
REGIONS = ["shoulder", "elbow", "wrist_hand", "hip_groin", "knee", "ankle_foot", "other"]
SIDES = ["left", "right", "bilateral", "not_applicable"]
ACTIVITIES = ["diagnostic", "injection", "diagnostic_injection"]
SUPERVISION = ["observed", "direct", "indirect", "independent", "teaching"]


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as browsers do
    disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

    def log_request(self, *args, **kwargs):
        pass


def make_entries(n: int, seed: int = 1) -> list[dict]:
    """n realistic entries over the last year (ids included)."""
    rng = random.Random(seed)
    today = dt.date.today()
    return [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "scanned_on": (today - dt.timedelta(days=rng.randrange(365))).isoformat(),
            "region": rng.choice(REGIONS),
            "side": rng.choice(SIDES),
            "activity": rng.choice(ACTIVITIES),
            "supervision": rng.choice(SUPERVISION),
            "clinical_question": "Painful arc, ?rotator cuff tear",
            "technical_issues": rng.choice(["", "Anisotropy", "Large habitus"]),
            "findings": rng.choice(["Normal study", "Partial-thickness tear", "Effusion"]),
            "pathway_role": "Conservative management, physio",
            "notes": "",
            "critical_incident": False,
        }
        for _ in range(n)
    ]


def make_app(folder: Path):
    """The app on this folder's SQLite file."""
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    return create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})


def serve(folder: Path, server_name: str = "werkzeug") -> None:
    """The server process: schema, a student and a token, then serve until killed."""
    app = make_app(folder)
    with app.app_context():
        db.create_all()
        user = accounts.create_user(
            "bench@example.org", "Bench Student", "student", "bench-password-1",
            dt.date(2025, 9, 1), dt.date(2028, 8, 31),
        )  # fmt: skip
        raw, _ = tokens.issue_token(user, "bench")
        db.engine.dispose()  # no connection crosses a fork

    def ready(port: int) -> None:
        path = folder / "ready.json"
        path.with_suffix(".tmp").write_text(json.dumps({"port": port, "token": raw}))
        path.with_suffix(".tmp").rename(path)

    if server_name == "gunicorn":
        _serve_gunicorn(app, ready)
        return
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    ready(server.port)
    server.serve_forever()


def _serve_gunicorn(app, ready) -> None:
    from gunicorn.app.base import BaseApplication

    with socket.socket() as probe:  # a free port (gunicorn binds it again at once)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class _Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"127.0.0.1:{port}",
                "workers": 1,
                "worker_class": "gthread",  # keeps connections alive, as browsers expect
                "threads": 2,
                "keepalive": 30,
                "loglevel": "warning",
                "post_worker_init": lambda worker: ready(port),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    _Server().run()


def _start_server(folder: Path, server_name: str) -> tuple[subprocess.Popen, int, str]:
    command = [sys.executable, __file__, "--serve", str(folder), "--server", server_name]
    process = subprocess.Popen(command)
    ready = folder / "ready.json"
    deadline = time.monotonic() + 60
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the bench server did not start")
        time.sleep(0.05)
    info = json.loads(ready.read_text())
    return process, info["port"], info["token"]


def _request(conn, method: str, path: str, token: str, body=None) -> dict:
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}"}
    if payload is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data)


def push_all(conn, token: str, entries: list[dict]) -> float:
    """Push every entry, 100 a batch; returns the seconds taken."""
    started = time.perf_counter()
    for i in range(0, len(entries), BATCH):
        ops = [
            {"op_id": str(uuid.uuid4()), "entry_id": e["id"], "kind": "upsert",
             "base_version": 0, "entry": e}
            for e in entries[i : i + BATCH]
        ]  # fmt: skip
        answer = _request(conn, "POST", "/api/v1/sync/push", token, {"device_id": "b", "ops": ops})
        if any(r["status"] != "applied" for r in answer["results"]):
            raise RuntimeError("an op was not applied")
    return time.perf_counter() - started


def pull_all(conn, token: str, expected: int) -> float:
    """Pull everything back with limit=1000; returns the seconds taken."""
    started = time.perf_counter()
    since, got = 0, 0
    while True:
        page = _request(conn, "GET", f"/api/v1/sync/pull?since={since}&limit=1000", token)
        got += len(page["entries"])
        since = page["next"]
        if not page["has_more"]:
            break
    if got != expected:
        raise RuntimeError(f"pulled {got} entries, pushed {expected}")
    return time.perf_counter() - started


def raw_executemany(folder: Path, entries: list[dict]) -> float:
    """The same rows straight into the same table with sqlite3, 100 per transaction."""
    path = folder / "raw.sqlite"
    app = make_app(folder)
    with app.app_context():
        engine = db.create_engine(f"sqlite:///{path}")
        db.metadata.tables["entries"].create(engine)
        engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(" ")
    rows = [
        (e["id"], 1, e["scanned_on"], e["region"], e["side"], e["activity"], e["supervision"],
         e["clinical_question"], e["technical_issues"], e["findings"], e["pathway_role"],
         e["notes"], 0, 1, n + 1, 0, "b", now, now)
        for n, e in enumerate(entries)
    ]  # fmt: skip
    sql = (
        "INSERT INTO entries (id, owner_id, scanned_on, region, side, activity, supervision, "
        "clinical_question, technical_issues, findings, pathway_role, notes, critical_incident, "
        "version, seq, deleted, device_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    started = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        with conn:
            conn.executemany(sql, rows[i : i + BATCH])
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children so far (Linux /proc), or NaN
    elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [
            int(child)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
    except OSError:
        return float("nan")
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in children)


def one_run(n: int, seed: int, server_name: str = "werkzeug") -> dict:
    """Push, pull and the raw insert, on fresh files."""
    entries = make_entries(n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        process, port, token = _start_server(folder, server_name)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as browsers do
        try:
            cpu_before = cpu_seconds(process.pid)
            push_s = push_all(conn, token, entries)
            push_cpu = cpu_seconds(process.pid) - cpu_before
            pull_s = pull_all(conn, token, n)
        finally:
            conn.close()
            process.terminate()
            process.wait(timeout=30)
        raw_s = raw_executemany(folder, entries)
    return {
        "push": n / push_s,
        "push_cpu": n / push_cpu,
        "pull": n / pull_s,
        "raw": n / raw_s,
        "ratio": raw_s / push_s,
    }


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", choices=["werkzeug", "gunicorn"], default="werkzeug")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve), args.server)
        return
    runs = []
    for r in range(args.runs):
        runs.append(one_run(args.entries, seed=r + 1, server_name=args.server))
        print(
            f"run {r + 1}: push {runs[-1]['push']:6.0f} entries/s "
            f"({runs[-1]['push_cpu']:6.0f} per server CPU-second)   "
            f"pull {runs[-1]['pull']:6.0f} entries/s   raw executemany {runs[-1]['raw']:6.0f} "
            f"rows/s   push/raw {runs[-1]['ratio']:.3f}   load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    med = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(
        f"\nmedian of {args.runs} runs, {args.entries} entries in batches of {BATCH}, "
        f"server {args.server}, load average {os.getloadavg()[0]:.2f}:\n"
        f"  push  {med['push']:8.0f} entries/s (through HTTP, one transaction per batch)\n"
        f"        {med['push_cpu']:8.0f} entries per CPU-second of the server process (what the "
        f"server could do alone on a core; wall-clock figures move with the machine's load)\n"
        f"  pull  {med['pull']:8.0f} entries/s (limit=1000)\n"
        f"  raw sqlite3 executemany {med['raw']:8.0f} rows/s (same rows, 100 per transaction)\n"
        f"  push is {med['ratio']:.3f} of raw executemany speed (ratio measured within each run)"
    )


if __name__ == "__main__":
    main()
