"""A real server process killed with SIGKILL in the middle of a push batch, then restarted.

Whatever point of the transaction the kill lands on, either none or all of the batch is
applied, the logbook's invariants hold, and the device's retry of the identical batch
applies every op exactly once.
"""

from __future__ import annotations

import http.client
import threading
import time

import pytest
from sqlalchemy import text

from server.extensions import db
from tests.sync.helpers import (
    PUSH,
    check_integrity,
    counts,
    delete,
    last_seq,
    new_id,
    upsert,
)

POINTS = {  # stall point -> is the batch committed when the process dies?
    "insert_entries": False,
    "daily_totals": False,
    "commit": False,
    "after_commit": True,
}


def _wait_for(path, process, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, "the server died before reaching the stall point"
        assert time.monotonic() < deadline, "the push never reached the stall point"
        time.sleep(0.02)


@pytest.mark.parametrize("point", list(POINTS))
def test_sigkill_mid_batch_then_restart_keeps_the_logbook_whole(
    app, make_user, token_for, server_process, tmp_path, point
):
    """Kill at `point`, restart, check all-or-nothing, integrity and an exactly-once retry."""
    student = make_user("student")
    token = token_for(student)
    first = server_process()
    seed = [upsert(new_id(), notes=f"seed {n}", scanned_on="2026-01-05") for n in range(10)]
    status, body = first.request("POST", PUSH, token, {"device_id": "phone", "ops": seed})
    assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}
    first.stop()
    before = counts(app, student.id), last_seq(app, student.id)

    # A mixed batch: new entries, edits (one moves day), deletes, and an invalid op.
    batch = [upsert(new_id(), notes=f"new {n}", scanned_on="2026-01-06") for n in range(60)]
    batch += [upsert(op["entry_id"], 1, notes="edited", scanned_on="2026-01-07") for op in seed[:5]]
    batch += [delete(op["entry_id"], 1) for op in seed[5:8]]
    batch += [upsert(new_id(), region="spleen")]
    body = {"device_id": "phone", "ops": batch}
    marker = tmp_path / f"stalled-{point}"
    victim = server_process({"SCANLOG_TEST_STALL_AT": point, "SCANLOG_TEST_MARKER": str(marker)})
    outcome: dict = {}

    def send():
        try:
            outcome["reply"] = victim.request("POST", PUSH, token, body)
        except (OSError, http.client.HTTPException) as e:  # it dies with the process
            outcome["error"] = e

    sender = threading.Thread(target=send)
    sender.start()
    _wait_for(marker, victim.process)
    victim.kill()
    sender.join(timeout=30)

    assert "reply" not in outcome, "the device got an answer from a killed server"
    committed = POINTS[point]
    after = counts(app, student.id), last_seq(app, student.id)
    if committed:
        assert after[0]["Entry"] == before[0]["Entry"] + 60
        assert after[1] == before[1] + 68
    else:
        assert after == before, "part of the batch survived the kill"
    check_integrity(app, student.id)
    _check_database_file(app)

    second = server_process()
    status, retried = second.request("POST", PUSH, token, body)
    assert status == 200
    expected = "duplicate" if committed else "applied"
    assert [r["status"] for r in retried["results"]] == [expected] * 68 + ["rejected"]
    status, again = second.request("POST", PUSH, token, body)
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 68 + ["rejected"]
    final = counts(app, student.id)
    assert final["Entry"] == before[0]["Entry"] + 60 and final["SyncOp"] == 10 + 69
    assert last_seq(app, student.id) == before[1] + 68
    check_integrity(app, student.id)


def _check_database_file(app) -> None:
    """SQLite's own check of the file after the crash (PostgreSQL recovers on its own)."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
