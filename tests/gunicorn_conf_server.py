"""The deployment's gunicorn (`gunicorn -c gunicorn.conf.py wsgi:app`, one worker) on a free
port, for the tests of what only a real gunicorn shows (tests/test_logs_and_caches.py,
tests/test_gunicorn_errors.py)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.sync.app_servers import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def gunicorn_conf_server(database_url: str, *options: str) -> Iterator[int]:
    """Serve the app with gunicorn.conf.py and the extra command-line options; yields the port."""
    port = free_port()
    env = {
        **os.environ,
        "SCANLOG_ENV": "testing",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "SESSION_COOKIE_SECURE": "false",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", *options, "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.1)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, headers: dict | None = None):
    """(response, body bytes) of one GET on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()
