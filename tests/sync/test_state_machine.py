"""Hypothesis: 2-3 devices of one student sync through the real app while the network fails.

Each simulated device keeps an outbox the way the PWA does (pwa/js/outbox.js): at most one op
per entry in a batch, an unsent op is edited in place, a sent op is immutable and retried
as is, a conflict adopts the server's copy (the device's copy stays on the server). Devices
call the real Flask app through the test client on the real test database (SQLite, or
PostgreSQL with TEST_DATABASE_URL). Faults, chosen at random around each push:
- dropped request: the push never reaches the server;
- dropped reply: the server applies the batch, the device never hears back;
- duplicated: the same request arrives twice;
- reordered: an older request of the device, delayed in the network, arrives first;
- crash mid-batch: the server raises inside the transaction after the first k ops have
  been written (their INSERT/UPDATE statements executed), so the 500's rollback must undo
  real writes.
Invariants: every answer is a final status, a crash changes nothing, nothing is applied twice
(each entry's version equals its applied ops), every op sent reaches a final status, every
conflict kept the device's copy, and after quiescence every device equals the server.

SYNC_FUZZ_EXAMPLES (default 200) sets the number of examples; raise it to run longer.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections import Counter
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select, update

from server.extensions import db
from server.models import (
    ChangeCounter,
    Comment,
    ConflictCopy,
    DailyCount,
    DailyTotal,
    Entry,
    SyncOp,
)
from server.schemas.entries import EntrySchema
from server.services import accounts
from server.services.sync import push_batch
from tests.sync.helpers import FINAL, PULL, PUSH, check_integrity, committed, counts, last_seq

EXAMPLES = int(os.environ.get("SYNC_FUZZ_EXAMPLES", "200"))
FAULTS = ["none", "none", "drop_request", "drop_reply", "duplicate", "reorder", "crash"]

fields = st.fixed_dictionaries(
    {
        "scanned_on": st.sampled_from(["2026-01-05", "2026-01-06", "2026-02-01"]),
        "region": st.sampled_from(["shoulder", "knee", "spleen"]),  # spleen: rejected
        "side": st.just("left"),
        "activity": st.sampled_from(["diagnostic", "injection"]),
        "supervision": st.just("independent"),
        "notes": st.sampled_from(["", "effusion", "tear", "normal study"]),
    }
)


@dataclass
class Op:
    """An op in a device's outbox."""

    op_id: str
    entry_id: str
    kind: str
    entry: dict | None
    base_version: int | None = None
    sent: bool = False

    def body(self) -> dict:
        """The op as pushed."""
        return {
            "op_id": self.op_id,
            "entry_id": self.entry_id,
            "kind": self.kind,
            "base_version": self.base_version,
            "entry": self.entry,
        }


class Device:
    """One phone or tablet: what it heard from the server, its outbox, its cursor."""

    def __init__(self, header: dict, new_id):
        self.header, self.new_id = header, new_id
        self.known: dict[str, dict] = {}  # entry id -> latest server copy heard
        self.comments: dict[int, dict] = {}
        self.outbox: list[Op] = []
        self.cursor = 0
        self.history: list[dict] = []  # request bodies sent, for late re-delivery

    def alive(self) -> list[str]:
        """The entries the user sees (server copies, then queued changes on top)."""
        view = {eid: not e["deleted"] for eid, e in self.known.items()}
        for op in self.outbox:
            view[op.entry_id] = op.kind in ("upsert", "restore")
        return sorted(eid for eid, live in view.items() if live)

    def save(self, entry_id: str, kind: str, entry: dict | None) -> None:
        """A change by the user: edits an unsent op in place, else queues a new op."""
        unsent = next((o for o in self.outbox if o.entry_id == entry_id and not o.sent), None)
        if unsent:
            unsent.kind, unsent.entry = kind, entry
        else:
            self.outbox.append(Op(self.new_id(), entry_id, kind, entry))

    def take_batch(self) -> list[Op]:
        """The oldest op of each entry; unsent ones get their base version now."""
        batch, seen = [], set()
        for op in self.outbox:
            if op.entry_id in seen:
                continue
            seen.add(op.entry_id)
            if not op.sent:
                op.base_version = self.known.get(op.entry_id, {}).get("version", 0)
                op.sent = True
            batch.append(op)
        return batch

    def hear(self, entry: dict | None) -> None:
        """A server copy: versions only move forward."""
        if entry is not None and entry["version"] >= self.known.get(entry["id"], {}).get(
            "version", -1
        ):
            self.known[entry["id"]] = entry


class SyncMachine(RuleBasedStateMachine):
    """Devices, a tutor and a flaky network around the real app."""

    ctx: dict = {}  # set by the test: app, student id, headers, crash switch

    def __init__(self):
        super().__init__()
        self.app = self.ctx["app"]
        self.client = self.app.test_client()
        self.owner = self.ctx["student_id"]
        self.devices: list[Device] = []
        self.sent_ops: dict[str, dict] = {}  # op id -> body, for every op sent at least once
        self.conflicts: dict[str, dict | None] = {}  # op id -> the device's copy
        self.comment_ids: set[int] = set()
        # Ids from a counter, not uuid4: Hypothesis replays need the same draws from the same
        # state (the logbook is emptied before each example, so ids may repeat across them).
        self._ids = itertools.count(1)
        _reset(self.app, self.owner)

    def new_id(self) -> str:
        """The next id of this example."""
        return str(uuid.UUID(int=next(self._ids), version=4))

    @initialize(n=st.integers(2, 3))
    def make_devices(self, n):
        """Two or three signed-in devices."""
        self.devices = [Device(h, self.new_id) for h in self.ctx["headers"][:n]]

    def _device(self, data) -> Device:
        return data.draw(st.sampled_from(self.devices), label="device")

    @rule(data=st.data(), action=st.sampled_from(["create", "edit", "delete"]), entry=fields)
    def change(self, data, action, entry):
        """A scan logged, edited or deleted on one device."""
        device = self._device(data)
        if action == "create" or not device.alive():
            device.save(self.new_id(), "upsert", entry)
        else:
            entry_id = data.draw(st.sampled_from(device.alive()), label="entry")
            if action == "edit":
                device.save(entry_id, "upsert", entry)
            else:
                device.save(entry_id, "delete", None)

    @rule(data=st.data())
    def restore(self, data):
        """A device brings back a tombstone it has heard of (undo, or restore from the bin)."""
        device = self._device(data)
        queued = {op.entry_id for op in device.outbox}
        tombstones = sorted(
            eid for eid, e in device.known.items() if e["deleted"] and eid not in queued
        )
        if tombstones:
            entry_id = data.draw(st.sampled_from(tombstones), label="tombstone")
            device.save(entry_id, "restore", None)
            self.ctx["seen"]["restore queued"] += 1

    @rule(data=st.data(), entries=st.lists(st.none() | fields, min_size=3, max_size=3))
    def edit_on_every_device(self, data, entries):
        """Every device pulls, then each edits (None: deletes) the same entry offline."""
        for device in self.devices:
            self._pull(device, 200)
        shown = sorted(set.intersection(*(set(d.alive()) for d in self.devices)))
        if shown:
            entry_id = data.draw(st.sampled_from(shown), label="entry")
            for device, entry in zip(self.devices, entries, strict=False):
                device.save(entry_id, "delete" if entry is None else "upsert", entry)

    @rule(data=st.data(), fault=st.sampled_from(FAULTS), k=st.integers(1, 5))
    def push(self, data, fault, k):
        """A device pushes its outbox, perhaps through a fault."""
        self._sync(self._device(data), fault, k)

    @rule(data=st.data(), fault=st.sampled_from(FAULTS), k=st.integers(1, 5))
    def cycle(self, data, fault, k):
        """A device's sync cycle: push (perhaps through a fault), then pull."""
        device = self._device(data)
        self._sync(device, fault, k)
        self._pull(device, 200)

    @rule(data=st.data(), limit=st.integers(1, 4))
    def pull(self, data, limit):
        """A device pulls, a few changes a page."""
        self._pull(self._device(data), limit)

    @precondition(lambda self: self.devices)
    @rule(data=st.data())
    def tutor_comments(self, data):
        """The tutor comments on a live entry; it rides the student's change stream."""
        with self.app.app_context():
            ids = db.session.scalars(
                select(Entry.id).where(Entry.owner_id == self.owner, Entry.deleted.is_(False))
            ).all()
        if ids:
            entry_id = data.draw(st.sampled_from(sorted(ids)))
            response = self.client.post(
                f"/api/v1/entries/{entry_id}/comments",
                json={"body": "Good views."},
                headers=self.ctx["tutor"],
            )
            assert response.status_code == 201
            self.comment_ids.add(response.get_json()["id"])

    def _send(self, device: Device, body: dict):
        device.history.append(body)
        return self.client.post(PUSH, json=body, headers=device.header)

    def _sync(self, device: Device, fault: str, k: int = 1) -> None:
        batch = device.take_batch()
        if not batch:
            return
        for op in batch:
            self.sent_ops[op.op_id] = op.body()
        self.ctx["seen"][f"fault {fault}"] += 1
        body = {"device_id": str(id(device)), "ops": [op.body() for op in batch]}
        if fault == "drop_request":
            return
        if fault == "crash":
            before = counts(self.app, self.owner), last_seq(self.app, self.owner)
            self.ctx["crash"]["at"] = min(k, len(batch))
            response = self._send(device, body)
            self.ctx["crash"]["at"] = None
            assert response.status_code == 500
            assert (counts(self.app, self.owner), last_seq(self.app, self.owner)) == before
            return
        if fault == "reorder" and device.history:
            late = device.history[len(device.history) // 2]  # an older request, delayed
            assert self._send(device, late).status_code == 200
        response = self._send(device, body)
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        if fault == "duplicate":
            again = self._send(device, body).get_json()["results"]
            for first, second in zip(results, again, strict=True):
                expected = {"applied": "duplicate"}.get(first["status"], first["status"])
                assert second["status"] in (expected, "duplicate"), (first, second)
        if fault == "drop_reply":
            return
        self._answer(device, batch, results)

    def _answer(self, device: Device, batch: list[Op], results: list[dict]) -> None:
        for op, result in zip(batch, results, strict=True):
            assert result["op_id"] == op.op_id and result["status"] in FINAL
            self.ctx["seen"][f"{op.kind} {result['status']}"] += 1
            self.ctx["seen"][result["status"]] += 1
            if result["status"] == "conflict":
                self.conflicts[op.op_id] = op.entry
            device.outbox.remove(op)
            device.hear(result["entry"])
            if result["status"] == "conflict":  # server wins; drop queued edits of it
                device.outbox = [o for o in device.outbox if o.entry_id != op.entry_id]

    def _pull(self, device: Device, limit: int) -> None:
        for _ in range(10_000):
            page = self.client.get(
                f"{PULL}?since={device.cursor}&limit={limit}", headers=device.header
            ).get_json()
            for entry in page["entries"]:
                device.hear(entry)
            device.comments.update({c["id"]: c for c in page["comments"]})
            device.cursor = page["next"]
            if not page["has_more"]:
                return
        raise AssertionError("pull never finished")

    @invariant()
    def outboxes_hold_each_entry_once_per_batch(self):
        """A device's next batch never carries two ops of one entry."""
        for device in self.devices:
            ids = [op.entry_id for op in device.outbox if op.sent]
            sent_once = {i for i in ids if ids.count(i) > 1}
            assert not sent_once, "two sent, unanswered ops on one entry"

    def teardown(self):
        """Quiescence: drain every outbox without faults, pull everything, compare."""
        if not self.devices:
            return
        for _ in range(50):
            if not any(d.outbox for d in self.devices):
                break
            for device in self.devices:
                self._sync(device, "none")
        assert not any(d.outbox for d in self.devices), "an outbox never drained"
        for device in self.devices:
            self._pull(device, 1000)
        with committed(self.app) as session:  # what was committed, on a fresh connection
            rows = session.scalars(select(Entry).where(Entry.owner_id == self.owner)).all()
            server = {row.id: EntrySchema().dump(row) for row in rows}
            remembered = {
                op.op_id: op.status
                for op in session.scalars(select(SyncOp).where(SyncOp.owner_id == self.owner))
            }
            copies = {
                c.op_id: json.loads(c.client_entry)
                for c in session.scalars(
                    select(ConflictCopy).where(ConflictCopy.owner_id == self.owner)
                )
            }
            comments = set(
                session.scalars(select(Comment.id).where(Comment.owner_id == self.owner))
            )
        live = sorted(eid for eid, e in server.items() if not e["deleted"])
        for device in self.devices:
            assert device.known == server, "a device differs from the server"
            assert device.alive() == live
            assert set(device.comments) == comments == self.comment_ids
        for op_id in self.sent_ops:
            assert remembered[op_id] in {"applied", "conflict", "rejected"}, op_id
        assert set(copies) == set(self.conflicts)
        for op_id, sent in self.conflicts.items():
            kept = copies[op_id]
            assert kept is None if sent is None else kept.items() >= sent.items()
        check_integrity(self.app, self.owner)


def _reset(app, owner_id: int) -> None:
    """An empty logbook for the next example (the users and tokens stay)."""
    with app.app_context():
        for model in (Comment, ConflictCopy, SyncOp, DailyCount, DailyTotal, Entry):
            db.session.execute(delete(model).where(model.owner_id == owner_id))
        db.session.execute(
            update(ChangeCounter).where(ChangeCounter.owner_id == owner_id).values(last_seq=0)
        )
        db.session.commit()


def test_devices_under_faults_converge_without_loss_or_duplication(
    app, make_user, auth_header, monkeypatch
):
    """The sync contract holds for random histories of edits, pushes, pulls and faults."""
    student, tutor = make_user("student"), make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    crash: dict = {"at": None}
    original = push_batch._Batch.apply

    def apply_or_crash(self, op):
        result = original(self, op)
        if crash["at"] is not None:
            crash["at"] -= 1
            if crash["at"] == 0:
                self.write()  # the first k ops really are written inside the transaction
                raise RuntimeError("crash mid-batch (injected by the test)")
        return result

    monkeypatch.setattr(push_batch._Batch, "apply", apply_or_crash)
    SyncMachine.ctx = {
        "app": app,
        "student_id": student.id,
        "headers": [auth_header(student) for _ in range(3)],
        "tutor": auth_header(tutor),
        "crash": crash,
        "seen": Counter(),
    }
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    seen = SyncMachine.ctx["seen"]
    print("sync state machine:", dict(sorted(seen.items())))
    if EXAMPLES >= 100:  # the run explored every fault and every answer
        wanted = {f"fault {f}" for f in FAULTS} | FINAL | {"delete applied"}
        assert wanted <= set(seen), wanted - set(seen)
