"""Gunicorn config of the scale-out test: a push that stalls just after its commit, on demand.

    gunicorn -c tests/sync/gunicorn_faults.py wsgi:app    (with SCANLOG_TEST_ARM=PATH)

It is the deployment's gunicorn.conf.py (run first: its settings and hooks all hold) plus one
hook. While the file PATH exists, the next push to commit in any worker of the server claims
it (a rename: exactly one push does), writes PATH.stalled and stalls until the test kills the
server: its batch is committed, its reply never sent. A test hook of this config only, as in
live_server.py: the app is the one that ships.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

_DEPLOYMENT = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
exec(compile(_DEPLOYMENT.read_text(), str(_DEPLOYMENT), "exec"))  # noqa: S102
_deployment_post_worker_init = globals().get("post_worker_init")


def post_worker_init(worker) -> None:
    """Install the stall in the worker's app (gunicorn calls this once the app is loaded)."""
    if _deployment_post_worker_init:
        _deployment_post_worker_init(worker)
    arm = os.environ.get("SCANLOG_TEST_ARM")
    if not arm:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tests.sync.live_server import _in_push

    @event.listens_for(Session, "after_commit")
    def _stall(session) -> None:
        if not _in_push():
            return
        try:
            os.rename(arm, f"{arm}.claimed")
        except FileNotFoundError:  # not armed, or another push got there first
            return
        Path(f"{arm}.stalled").write_text(str(os.getpid()))
        time.sleep(300)  # the test kills the server long before this ends
