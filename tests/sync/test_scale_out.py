"""Scale-out: two gunicorn app servers on one PostgreSQL, each request sent to either at random.

Three devices of one student (one thread each, so pushes of one logbook really race across
the two servers) and their tutor sync for a bounded number of steps through the same faults
as the sync tests: dropped request, dropped reply, duplicated push, reordered push (an older
request of the device arrives late), and crashed servers: now and then one server is killed
(SIGKILL to master and workers) while a push is in flight to it, and restarted a few steps
later on the same database; requests to it fail meanwhile. A device keeps each op until it
hears a final answer and resends it as is (to either server), as the phone does. Checks:
- a push killed with its server is all or nothing (its new ops all remembered, or none);
- no op lost: every op sent is remembered by the server with a final status;
- none applied twice: each entry's version equals its applied ops, seqs unique, counts right
  (tests/sync/helpers.check_integrity);
- every pull complete: each device's copy equals a full pull from either server, and a
  fresh device paging with limit=1 across both servers sees every change exactly once;
- crashes were tested: some kills hit a push in flight (printed with how those pushes ended).

PostgreSQL only (SQLite is one file for one server). SCALE_OUT_STEPS sets the steps a device,
SCALE_OUT_KILLS the kills a run, SCALE_OUT_SEED the seed (printed): it fixes every choice of
the devices and of the killer, not how their threads interleave.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from server.extensions import db
from server.models import Comment, SyncOp
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
KILLS = int(os.environ.get("SCALE_OUT_KILLS", "5"))  # at least 2: two of them after a commit
FAULT_HOOKS = Path(__file__).with_name("gunicorn_faults.py")


class ServerDown(Exception):
    """The request's server was killed: no answer (the device keeps what it sent)."""


@dataclass(eq=False)
class Push:
    """A push on its way: the server it went to, its body, its ops the server knew before."""

    server: GunicornServer
    body: dict
    before: set[str]

    def new(self) -> set[str]:
        """Its ops the server had never seen."""
        return {op["op_id"] for op in self.body["ops"]} - self.before


class Chaos:
    """Kills the servers in turn while a push is in flight to the victim and restarts each a
    few device steps later: same database and SECRET_KEY, a new port. Two kills (in a random
    place of the run) land just after a push's commit, its reply not sent (gunicorn_faults.py
    stalls it there); the others after a random delay, anywhere in a push."""

    def __init__(self, app, servers: list[GunicornServer], start, rng: random.Random, steps: int):
        self.servers, self.start, self.rng, self.total = servers, start, rng, steps
        self.engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        self.cond = threading.Condition()
        self.in_flight: set[Push] = set()
        self.steps, self.due, self.done = 0, math.inf, False  # due: the step a server is back
        self.kills: list[dict] = []
        self.killed: Counter = Counter()  # killed pushes with new ops, by how they ended
        self.thread = threading.Thread(target=self._run)

    def step(self) -> None:
        """A device took a step (the killer's clock); past `due`, wait for the server's return
        (it may take longer to boot than the devices take to run)."""
        with self.cond:
            self.steps += 1
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.done or self.steps < self.due)

    def finish(self) -> None:
        """The devices are done: restart what is down, kill no more."""
        with self.cond:
            self.done = True
            self.cond.notify_all()
        self.thread.join()

    def _run(self) -> None:
        first = self.rng.randrange(2)
        aims = self.rng.sample(["commit"] * 2 + ["delay"] * (KILLS - 2), KILLS)
        for n, aim in enumerate(aims):
            index = (first + n) % 2
            if not self._kill(index, (n + self.rng.random()) * self.total / (KILLS + 1), aim):
                return
            server = self.start()  # it boots while the devices go on with one server
            with self.cond:
                self.cond.wait_for(lambda: self.done or self.steps >= self.due)
                self.servers[index], self.due = server, math.inf
                self.cond.notify_all()

    def _kill(self, index: int, at: float, aim: str) -> bool:
        """Kill server `index` once `at` steps are done and a push is in flight to it; come
        back after a few steps (False: the devices finished first, nothing killed)."""
        victim = self.servers[index]
        with self.cond:
            self.cond.wait_for(lambda: self.done or (self.steps >= at and self._to(victim)))
            if self.done:
                return False
        if aim == "delay":
            time.sleep(self.rng.uniform(0, 0.06))  # the fault's timing, not a synchronisation
        elif not self._stalled(victim):
            return False
        with self.cond:  # no push starts or ends between the snapshot and the kill
            self.kills.append(
                {"server": index, "in_flight": self._to(victim), "hit": 0, "aim": aim}
            )
            victim.kill()
            self.due = self.steps + self.rng.randint(5, 15)
        return True

    def _stalled(self, victim: GunicornServer) -> bool:
        """Arm the victim's stall; wait until one of its pushes is stalled after its commit
        (False, disarmed, if the devices finish first)."""
        victim.arm.touch()
        stalled = Path(f"{victim.arm}.stalled")
        while not stalled.exists():  # polled, as test_killed_server waits for its marker
            if self.done:
                with contextlib.suppress(FileNotFoundError):  # else a push claimed it: wait on
                    victim.arm.unlink()
                    return False
            time.sleep(0.01)
        return True

    def _to(self, server: GunicornServer) -> set[Push]:
        """The pushes in flight to this server."""
        return {push for push in self.in_flight if push.server is server}

    def send(self, server: GunicornServer, method: str, path: str, token: str, body):
        """One request; a push counts as in flight (a target for the killer) until it ends."""
        push = Push(server, body, self._remembered(body)) if path == PUSH else None
        with self.cond:
            if push:
                self.in_flight.add(push)
                self.cond.notify_all()
        try:
            return server.request(method, path, token, body)
        except (OSError, http.client.HTTPException) as error:
            if not server.dying:
                raise  # only a killed server may leave a request unanswered
            server.gone.wait(timeout=60)
            if push and any(push in kill["in_flight"] for kill in self.kills):
                self._settled(push)
            raise ServerDown(server.name) from error
        finally:
            with self.cond:
                self.in_flight.discard(push)

    def _remembered(self, body: dict) -> set[str]:
        """The push's op ids the database remembers (committed)."""
        ids = [op["op_id"] for op in body["ops"]]
        with self.engine.connect() as conn:
            return set(conn.scalars(select(SyncOp.op_id).where(SyncOp.op_id.in_(ids))))

    def _settled(self, push: Push) -> None:
        """A killed push: all of its new ops were committed (the reply was lost) or none."""
        survived = self._remembered(push.body) - push.before
        assert survived in (set(), push.new()), "part of a killed push survived"
        with self.cond:
            next(kill for kill in self.kills if push in kill["in_flight"])["hit"] += 1
            outcome = "committed, reply lost" if survived else "not committed"
            self.killed[outcome if push.new() else "resent, nothing new"] += 1


class Network:
    """Sends each request to one of the app servers, chosen at random."""

    def __init__(self, chaos: Chaos, rng: random.Random):
        self.chaos, self.rng = chaos, rng

    def call(self, method: str, path: str, token: str, body=None):
        """(status, body) from a random server; ServerDown if it is (or gets) killed."""
        server = self.rng.choice(self.chaos.servers)
        return self.chaos.send(server, method, path, token, body)

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
            with contextlib.suppress(ServerDown):
                assert self.net.call("POST", PUSH, self.token, late)[0] == 200
        self.history.append(body)
        try:
            status, answer = self.net.call("POST", PUSH, self.token, body)
        except ServerDown:
            return  # no answer: the ops stay in the outbox, resent as they are
        assert status == 200, answer
        results = answer["results"]
        if fault == "duplicate":
            with contextlib.suppress(ServerDown):
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
        """Pull every change since the cursor, a few a page (again later if a server dies)."""
        try:
            entries, comments, self.cursor = self.net.pull(self.token, self.cursor, limit)
        except ServerDown:
            return
        for row in entries:
            self.hear(row)
        self.comments.update({c["id"]: c for c in comments})


@pytest.fixture
def start_server(app, database_url, tmp_path):
    """start_server(): a gunicorn process (two workers) on the test database, one SECRET_KEY
    for all, its stall after a commit armed by touching server.arm; all stopped at the end."""
    secret, started = secrets.token_hex(32), []

    def start() -> GunicornServer:
        arm = tmp_path / f"arm-{len(started)}"
        server = GunicornServer(
            database_url, secret, config=FAULT_HOOKS, extra_env={"SCANLOG_TEST_ARM": str(arm)}
        )
        server.arm = arm
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:  # all at once: each takes a few seconds to wind down
            if server.process.poll() is None:
                server.process.terminate()
        for server in started:
            server.stop()


def test_two_app_servers_on_one_database_lose_and_double_nothing(
    app, start_server, make_user, token_for
):
    """Random servers, racing devices, a faulty network, crashing servers: no op lost or
    applied twice, every pull complete."""
    student, tutor = make_user("student"), make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    seed = int(os.environ.get("SCALE_OUT_SEED") or random.randrange(2**32))
    print("scale-out seed:", seed)
    servers = [start_server(), start_server()]
    chaos = Chaos(app, servers, start_server, random.Random(seed + 3), 3 * STEPS)
    devices = [
        Device(f"phone-{n}", token_for(student), Network(chaos, rng), rng)
        for n, rng in enumerate(random.Random(seed + n) for n in range(3))
    ]
    tutor_token, commented, unanswered, failures = token_for(tutor), set(), set(), []
    together = threading.Barrier(len(devices))

    def run(device: Device) -> None:
        try:
            for n in range(STEPS):
                if n % 4 == 0:  # every device pushes at once: their transactions race
                    together.wait(timeout=60)
                    device.sync(device.rng.choice(FAULTS))
                device.step()
                chaos.step()
                if device.rng.random() < 0.05 and device.known:
                    target, text = device.rng.choice(sorted(device.known)), f"Ok {device.name} {n}"
                    path = f"/api/v1/entries/{target}/comments"
                    try:
                        status, body = device.net.call("POST", path, tutor_token, {"body": text})
                    except ServerDown:  # it may have been saved: the end checks look for it
                        unanswered.add(text)
                        continue
                    if status == 201:
                        commented.add(body["id"])
        except Exception as e:  # noqa: BLE001  (any failure of a device fails the test)
            failures.append(e)
            together.abort()

    threads = [threading.Thread(target=run, args=(d,)) for d in devices]
    chaos.thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    chaos.finish()
    chaos.engine.dispose()
    assert not failures, failures
    assert len(chaos.kills) == KILLS, "the devices finished before every kill"
    hits = sum(1 for kill in chaos.kills if kill["hit"])
    assert hits > 0, "no kill hit a push in flight: crashes went untested"
    assert all(kill["hit"] for kill in chaos.kills if kill["aim"] == "commit")
    with app.app_context():  # a comment whose server died unanswered is kept if it was saved
        saved = db.session.execute(select(Comment.id, Comment.body)).all()
    commented |= {id_ for id_, text in saved if text in unanswered}
    assert {id_ for id_, _ in saved} == commented, "a comment nobody sent, or one lost"

    for _ in range(50):  # quiescence: drain every outbox without faults
        if not any(d.outbox for d in devices):
            break
        for device in devices:
            device.sync()
    assert not any(d.outbox for d in devices), "an outbox never drained"

    token = devices[0].token
    full = {
        row["id"]: row
        for row in servers[0].request("GET", f"{PULL}?limit=1000", token)[1]["entries"]
    }
    assert full == {
        row["id"]: row
        for row in servers[1].request("GET", f"{PULL}?limit=1000", token)[1]["entries"]
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
        {"kills": dict(Counter(kill["aim"] for kill in chaos.kills)), "hitting a push": hits},
        {"killed pushes": dict(chaos.killed)},
    )
