"""Real app servers for scale-out tests and the load bench: gunicorn processes on loopback.

Each GunicornServer is `gunicorn wsgi:app` in its own process (production config, the given
database and a shared SECRET_KEY, as the README's deployment runs N of them behind a load
balancer), answering /healthz before it is handed out. kill() is a crash of the whole server:
SIGKILL to its process group (master and workers at once, whatever request they are in), then
a wait until the database has dropped every session of theirs (on PostgreSQL each server names
its sessions with application_name, so pg_stat_activity tells them apart).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

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
        config: Path | None = None,
        extra_env: dict | None = None,
    ):
        self.port = free_port()
        self.name, self.database_url = f"scanlog-test-{self.port}", database_url
        url = make_url(database_url)
        if url.get_backend_name() == "postgresql":
            url = url.update_query_dict({"application_name": self.name})
        self.dying, self.gone = False, threading.Event()  # set by kill(), read by clients
        env = {
            **os.environ,
            "SCANLOG_ENV": "production",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "SESSION_COOKIE_SECURE": "false",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        command += ["--worker-class", "gthread", "--threads", str(threads)]
        command += ["--keep-alive", str(keepalive)] + (["--config", str(config)] if config else [])
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"]
        # The log (gunicorn's error log and its access log) goes to a file when asked, so a
        # bench can count errors such as "locked" and read the server's own request times.
        self.log = open(log, "w") if log else None  # noqa: SIM115  (closed in stop)
        # A session of its own: the master's pid is the group of master and workers, for kill().
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=self.log, start_new_session=True
        )
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

    def kill(self) -> None:
        """SIGKILL master and workers at once (a crash), then wait until the database has ended
        their sessions, so whatever transaction a worker was in is settled (committed or not)."""
        self.dying = True
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        if make_url(self.database_url).get_backend_name() == "postgresql":
            engine = create_engine(self.database_url, poolclass=NullPool)
            query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
            deadline = time.monotonic() + 60
            try:
                while True:
                    with engine.connect() as conn:
                        if not conn.scalar(query, {"name": self.name}):
                            break
                    assert time.monotonic() < deadline, f"{self.name} kept a database session"
                    time.sleep(0.02)
            finally:
                engine.dispose()
        self.gone.set()

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
