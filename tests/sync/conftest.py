"""Fixtures of the sync fault tests: a real server process that can be killed and restarted."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LAUNCHER = Path(__file__).with_name("live_server.py")


class ServerProcess:
    """The app served by a separate Python process on 127.0.0.1."""

    def __init__(self, database_url: str, folder: Path, env: dict | None = None):
        ready = folder / f"ready-{time.monotonic_ns()}.json"
        self.process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), database_url, str(ready)],
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 60
        while not ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server process did not start")
            time.sleep(0.05)
        self.port = json.loads(ready.read_text())["port"]

    def request(self, method: str, path: str, token: str, body=None, timeout: float = 60):
        """(status, JSON body) of one request on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            conn.request(method, path, body=json.dumps(body) if body is not None else None,
                         headers=headers)  # fmt: skip
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data) if data else None
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as in a power cut or the OOM killer."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """End the process if it still runs."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


@pytest.fixture
def server_process(database_url, tmp_path):
    """Start servers on the test database: server_process(env=None); all stopped at the end."""
    started: list[ServerProcess] = []

    def _start(env: dict | None = None) -> ServerProcess:
        server = ServerProcess(database_url, tmp_path, env)
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()
