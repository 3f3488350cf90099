"""Real app servers for scale-out tests and the load bench: gunicorn processes on loopback.

Each GunicornServer is `gunicorn wsgi:app` in its own process (production config, the given
database and a shared SECRET_KEY, as the README's deployment runs N of them behind a load
balancer), answering /healthz before it is handed out.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.sync.conftest import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port nobody listens on now (gunicorn binds it again at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """`gunicorn --workers N wsgi:app` on 127.0.0.1, on a database shared with others."""

    def __init__(
        self,
        database_url: str,
        secret_key: str,
        workers: int = 2,
        threads: int = 4,
        log: Path | None = None,
        keepalive: int = 5,
    ):
        self.port = free_port()
        env = {
            **os.environ,
            "SCANLOG_ENV": "production",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database_url,
            "SESSION_COOKIE_SECURE": "false",
            "LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        command += ["--worker-class", "gthread", "--threads", str(threads)]
        command += ["--keep-alive", str(keepalive)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"]
        # The log goes to a file when asked, so a bench can count errors such as "locked".
        self.log = open(log, "w") if log else None  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=self.log)
        deadline = time.monotonic() + 60
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn on port {self.port} did not start")
            time.sleep(0.1)

    def _healthy(self) -> bool:
        try:
            return self.request("GET", "/healthz", token="")[0] == 200
        except OSError:
            return False

    request = ServerProcess.request  # (status, JSON body) of one request, fresh connection

    def stop(self) -> None:
        """Stop gunicorn (SIGTERM: its workers finish and exit)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        if self.log:
            self.log.close()
