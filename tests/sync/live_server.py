"""The real app in its own process, for tests that kill it (run as a script by conftest).

    python tests/sync/live_server.py DATABASE_URL READY_FILE

It serves on 127.0.0.1 (a free port) and writes {"port": ...} to READY_FILE once listening.
For the kill tests, SCANLOG_TEST_STALL_AT makes a push stall at one point of its transaction
(writing SCANLOG_TEST_MARKER first, so the test knows the batch is mid-way) until killed:
  insert_entries   the entries' INSERT (the batch's ops and kept copies already written)
  daily_totals     its last write before the commit (the day totals' upsert)
  commit           the COMMIT itself, every row written
  after_commit     just after the commit, before the reply is sent (a lost reply)
The stall is a test hook of this launcher only: the server code is the one that ships.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask import request  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

STATEMENTS = {"insert_entries": "INSERT INTO entries", "daily_totals": "INSERT INTO daily_totals"}


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _in_push() -> bool:
    try:
        return request.path == "/api/v1/sync/push"
    except RuntimeError:  # outside a request
        return False


def _install_stall(point: str, marker: Path) -> None:
    def stall():
        marker.write_text(point)
        time.sleep(300)  # the test kills the process long before this ends

    if point in STATEMENTS:

        @event.listens_for(db.engine, "before_cursor_execute")
        def _before(conn, cursor, statement, *args):
            if statement.startswith(STATEMENTS[point]) and _in_push():
                stall()

    elif point == "commit":

        @event.listens_for(db.engine, "commit")
        def _commit(conn):
            if _in_push():
                stall()

    elif point == "after_commit":

        @event.listens_for(Session, "after_commit")
        def _after(session):
            if _in_push():
                stall()

    else:
        raise SystemExit(f"unknown stall point {point!r}")


def main() -> None:
    """Serve until killed."""
    database_url, ready = sys.argv[1], Path(sys.argv[2])
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    point = os.environ.get("SCANLOG_TEST_STALL_AT")
    if point:
        with app.app_context():
            _install_stall(point, Path(os.environ["SCANLOG_TEST_MARKER"]))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    ready.with_suffix(".tmp").write_text(json.dumps({"port": server.port}))
    ready.with_suffix(".tmp").rename(ready)
    server.serve_forever()


if __name__ == "__main__":
    main()
