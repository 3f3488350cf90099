"""Scale-out: two gunicorn app servers on one PostgreSQL, each request sent to either at random.

Three devices of one student (one thread each, so pushes of one logbook really race across
the two servers) and their tutor sync for a bounded number of steps through the same faults
as the sync tests: dropped request, dropped reply, duplicated push, reordered push (an older
request of the device arrives late). A device keeps each op until it hears a final answer
and resends it as is, as the phone does. Checks, after quiescence:
- no op lost: every op sent is remembered by the server with a final status;
- none applied twice: each entry's version equals its applied ops, seqs unique, counts right
  (tests/sync/helpers.check_integrity);
- every pull complete: each device's copy equals a full pull from either server, and a
  fresh device paging with limit=1 across both servers sees every change exactly once.

PostgreSQL only (SQLite is one file for one server). SCALE_OUT_STEPS sets the steps a device.
"""

from __future__ import annotations

import os
import random
import secrets
import threading

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import SyncOp
from server.services import accounts
from tests.sync.app_servers import GunicornServer
from tests.sync.helpers import FINAL, PULL, PUSH, check_integrity, entry, new_id

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="scale-out needs PostgreSQL: set TEST_DATABASE_URL (CI runs it in the PostgreSQL pass)",
)

STEPS = int(os.environ.get("SCALE_OUT_STEPS", "50"))
FAULTS = ["none", "none", "none", "drop_request", "drop_reply", "duplicate", "reorder"]
DAYS = ["2026-01-05", "2026-01-06", "2026-02-01"]


class Network:
    """Sends each request to one of the app servers, chosen at random."""

    def __init__(self, servers: list[GunicornServer], rng: random.Random):
        self.servers, self.rng = servers, rng

    def call(self, method: str, path: str, token: str, body=None):
        """(status, body) from a random server."""
        return self.rng.choice(self.servers).request(method, path, token, body)

    def pull(self, token: str, since: int, limit: int) -> tuple[list, list, int]:
        """Page until has_more is false, each page from a random server: (entries, comments,
        cursor); every page holds only changes past the cursor it was asked from."""
        entries, comments = [], []
        while True:
            status, page = self.call("GET", f"{PULL}?since={since}&limit={limit}", token)
            assert status == 200, page
            rows = page["entries"] + page["comments"]
            assert len(rows) <= limit
            assert all(since < row["seq"] <= page["next"] for row in rows)
            entries += page["entries"]
            comments += page["comments"]
            since = page["next"]
            if not page["has_more"]:
                return entries, comments, since


class Device:
    """A phone: what it heard from the server, an outbox of ops kept until answered."""

    def __init__(self, name: str, token: str, network: Network, rng: random.Random):
        self.name, self.token, self.net, self.rng = name, token, network, rng
        self.known: dict[str, dict] = {}
        self.comments: dict[int, dict] = {}
        self.outbox: list[dict] = []  # op bodies; "sent" marks the ones pushed at least once
        self.history: list[dict] = []
        self.cursor = 0
        self.sent: dict[str, dict] = {}
        self.conflicts: set[str] = set()

    def live(self) -> list[str]:
        """The entries the user sees (server copies, then queued changes on top)."""
        view = {eid: not e["deleted"] for eid, e in self.known.items()}
        for op in self.outbox:
            view[op["entry_id"]] = op["kind"] == "upsert"
        return sorted(eid for eid, alive in view.items() if alive)

    def save(self, entry_id: str, kind: str, fields: dict | None) -> None:
        """A change by the user: an unsent op of the entry is edited in place, else queued."""
        unsent = next(
            (o for o in self.outbox if o["entry_id"] == entry_id and not o.get("sent")), None
        )
        op = unsent or {"op_id": new_id(), "entry_id": entry_id}
        op.update(kind=kind, entry=fields)
        if unsent is None:
            self.outbox.append(op)

    def step(self) -> None:
        """One random thing the user or the app does."""
        roll, live = self.rng.random(), self.live()
        if roll < 0.3 or not live:
            self.save(new_id(), "upsert", self._fields())
        elif roll < 0.45:
            self.save(self.rng.choice(live), "upsert", self._fields())
        elif roll < 0.55:
            self.save(self.rng.choice(live), "delete", None)
        elif roll < 0.9:
            self.sync(self.rng.choice(FAULTS))
        else:
            self.pull(self.rng.randint(1, 5))

    def _fields(self) -> dict:
        return entry(
            scanned_on=self.rng.choice(DAYS),
            region=self.rng.choice(["shoulder", "knee", "spleen"]),  # spleen: rejected
            notes=self.rng.choice(["", "effusion", "tear"]),
        )

    def sync(self, fault: str = "none") -> None:
        """Push the oldest op of each entry (at most 5), through a fault."""
        batch, seen = [], set()
        for op in self.outbox:
            if op["entry_id"] in seen or len(batch) == 5:
                continue
            seen.add(op["entry_id"])
            if not op.get("sent"):
                op["base_version"] = self.known.get(op["entry_id"], {}).get("version", 0)
                op["sent"] = True
            batch.append(op)
        if not batch:
            return
        ops = [{k: v for k, v in op.items() if k != "sent"} for op in batch]
        self.sent.update({op["op_id"]: op for op in ops})
        body = {"device_id": self.name, "ops": ops}
        if fault == "drop_request":
            return
        if fault == "reorder" and self.history:
            late = self.history[len(self.history) // 2]
            assert self.net.call("POST", PUSH, self.token, late)[0] == 200
        self.history.append(body)
        status, answer = self.net.call("POST", PUSH, self.token, body)
        assert status == 200, answer
        results = answer["results"]
        if fault == "duplicate":
            again = self.net.call("POST", PUSH, self.token, body)[1]["results"]
            for first, second in zip(results, again, strict=True):
                expected = {"applied": "duplicate"}.get(first["status"], first["status"])
                assert second["status"] in (expected, "duplicate"), (first, second)
        if fault == "drop_reply":
            return
        for op, result in zip(batch, results, strict=True):
            assert result["op_id"] == op["op_id"] and result["status"] in FINAL
            self.outbox.remove(op)
            self.hear(result["entry"])
            if result["status"] == "conflict":  # the server wins; its copy keeps ours
                self.conflicts.add(op["op_id"])
                self.outbox = [o for o in self.outbox if o["entry_id"] != op["entry_id"]]

    def hear(self, row: dict | None) -> None:
        """A server copy: versions only move forward."""
        if row is not None and row["version"] >= self.known.get(row["id"], {}).get("version", -1):
            self.known[row["id"]] = row

    def pull(self, limit: int) -> None:
        """Pull every change since the cursor, a few a page."""
        entries, comments, self.cursor = self.net.pull(self.token, self.cursor, limit)
        for row in entries:
            self.hear(row)
        self.comments.update({c["id"]: c for c in comments})


@pytest.fixture
def two_servers(app, database_url):
    """Two gunicorn processes (two workers each) on the test database, one SECRET_KEY."""
    secret = secrets.token_hex(32)
    servers = []
    try:
        servers = [GunicornServer(database_url, secret) for _ in range(2)]
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_two_app_servers_on_one_database_lose_and_double_nothing(
    app, two_servers, make_user, token_for
):
    """Random servers, racing devices and a faulty network: no op lost or applied twice."""
    student, tutor = make_user("student"), make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    seed = random.randrange(2**32)
    print("scale-out seed:", seed)
    devices = [
        Device(f"phone-{n}", token_for(student), Network(two_servers, rng), rng)
        for n, rng in enumerate(random.Random(seed + n) for n in range(3))
    ]
    tutor_token, commented, failures = token_for(tutor), set(), []
    together = threading.Barrier(len(devices))

    def run(device: Device) -> None:
        try:
            for n in range(STEPS):
                if n % 4 == 0:  # every device pushes at once: their transactions race
                    together.wait(timeout=60)
                    device.sync(device.rng.choice(FAULTS))
                device.step()
                if device.rng.random() < 0.05 and device.known:
                    target = device.rng.choice(sorted(device.known))
                    status, body = device.net.call(
                        "POST", f"/api/v1/entries/{target}/comments", tutor_token, {"body": "Ok"}
                    )
                    if status == 201:
                        commented.add(body["id"])
        except Exception as e:  # noqa: BLE001  (any failure of a device fails the test)
            failures.append(e)
            together.abort()

    threads = [threading.Thread(target=run, args=(d,)) for d in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures

    for _ in range(50):  # quiescence: drain every outbox without faults
        if not any(d.outbox for d in devices):
            break
        for device in devices:
            device.sync()
    assert not any(d.outbox for d in devices), "an outbox never drained"

    token = devices[0].token
    full = {
        row["id"]: row
        for row in two_servers[0].request("GET", f"{PULL}?limit=1000", token)[1]["entries"]
    }
    assert full == {
        row["id"]: row
        for row in two_servers[1].request("GET", f"{PULL}?limit=1000", token)[1]["entries"]
    }
    for device in devices:
        device.pull(200)
        assert device.known == full, f"{device.name} differs from the server"
        assert set(device.comments) == commented
    paged, comments, _ = devices[0].net.pull(token, 0, 1)  # a fresh device, one change a page
    assert len(paged) == len({row["id"] for row in paged}) == len(full)
    assert {row["id"]: row for row in paged} == full
    assert {c["id"] for c in comments} == commented

    with app.app_context():
        remembered = {
            op.op_id: op.status
            for op in db.session.scalars(select(SyncOp).where(SyncOp.owner_id == student.id))
        }
    sent = {op_id for d in devices for op_id in d.sent}
    assert sent and sent <= set(remembered), "an op sent was never answered for good"
    assert {remembered[op_id] for op_id in sent} <= {"applied", "conflict", "rejected"}
    conflicts = {op_id for d in devices for op_id in d.conflicts}
    assert conflicts <= {op_id for op_id, status in remembered.items() if status == "conflict"}
    check_integrity(app, student.id)
    print(
        "scale-out:",
        {"ops": len(sent), "entries": len(full), "comments": len(commented)},
        {s: list(remembered.values()).count(s) for s in ("applied", "conflict", "rejected")},
    )
