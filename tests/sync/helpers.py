"""Helpers for the sync tests: ops, pushes, pulls and the integrity checks of a logbook.

The checks (counts, last_seq, check_integrity) read through a connection of their own, on an
engine apart from the app's: they see only what was committed, whatever the app's session or
pool still holds, so a missing rollback or a half-committed batch cannot hide behind them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import uuid
from collections import Counter

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from server.models import (
    ChangeCounter,
    Comment,
    ConflictCopy,
    DailyCount,
    DailyTotal,
    Entry,
    SyncOp,
)

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
FINAL = {"applied", "duplicate", "conflict", "rejected"}


def new_id() -> str:
    """A fresh lower-case UUID, as a device makes them."""
    return str(uuid.uuid4())


def entry(**overrides) -> dict:
    """A valid entry payload (what a device sends in an upsert)."""
    fields = {
        "scanned_on": "2026-01-12",
        "region": "shoulder",
        "side": "left",
        "activity": "diagnostic",
        "supervision": "independent",
        "clinical_question": "Painful arc, ?RC tear",
        "technical_issues": "",
        "findings": "Partial-thickness tear",
        "pathway_role": "Physio",
        "notes": "",
        "critical_incident": False,
    }
    fields.update(overrides)
    return fields


def upsert(entry_id: str, base: int = 0, op_id: str | None = None, **fields) -> dict:
    """An upsert op."""
    return {
        "op_id": op_id or new_id(),
        "entry_id": entry_id,
        "kind": "upsert",
        "base_version": base,
        "entry": entry(**fields),
    }


def delete(entry_id: str, base: int, op_id: str | None = None) -> dict:
    """A delete op."""
    return {
        "op_id": op_id or new_id(),
        "entry_id": entry_id,
        "kind": "delete",
        "base_version": base,
        "entry": None,
    }


def restore(entry_id: str, base: int, op_id: str | None = None) -> dict:
    """A restore op (brings a tombstone back as the same entry)."""
    return {
        "op_id": op_id or new_id(),
        "entry_id": entry_id,
        "kind": "restore",
        "base_version": base,
    }


def push(client, header: dict, ops: list[dict], device_id: str = "phone-1"):
    """POST a push; returns the response."""
    return client.post(PUSH, json={"device_id": device_id, "ops": ops}, headers=header)


def push_ok(client, header: dict, ops: list[dict], device_id: str = "phone-1") -> list[dict]:
    """POST a push that must succeed; returns its results."""
    response = push(client, header, ops, device_id)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["op_id"] for r in results] == [op.get("op_id") for op in ops]
    assert {r["status"] for r in results} <= FINAL
    return results


def statuses(results: list[dict]) -> list[str]:
    """The status of each result."""
    return [r["status"] for r in results]


def pull_all(client, header: dict, since: int = 0, limit: int = 1000) -> tuple[list, list, int]:
    """Pull until has_more is false: (entries, comments, cursor)."""
    entries, comments = [], []
    while True:
        response = client.get(f"{PULL}?since={since}&limit={limit}", headers=header)
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        entries += page["entries"]
        comments += page["comments"]
        seqs = [row["seq"] for row in page["entries"] + page["comments"]]
        assert all(since < s <= page["next"] for s in seqs)
        since = page["next"]
        if not page["has_more"]:
            return entries, comments, since


@functools.cache
def _engine(url: str):
    return create_engine(url, poolclass=NullPool)  # every session a brand-new connection


@contextlib.contextmanager
def committed(app):
    """A session on a fresh connection to the app's database: it sees committed rows only."""
    with Session(_engine(app.config["SQLALCHEMY_DATABASE_URI"])) as session:
        yield session


def counts(app, owner_id: int) -> dict:
    """How many rows of each sync table the owner has (committed)."""
    with committed(app) as session:
        return {
            model.__name__: session.scalar(
                select(func.count()).select_from(model).where(model.owner_id == owner_id)
            )
            for model in (Entry, SyncOp, ConflictCopy, DailyCount, Comment)
        }


def last_seq(app, owner_id: int) -> int:
    """The owner's change counter (committed)."""
    with committed(app) as session:
        return (
            session.scalar(select(ChangeCounter.last_seq).where(ChangeCounter.owner_id == owner_id))
            or 0
        )


def check_integrity(app, owner_id: int) -> None:
    """The invariants of a logbook as committed, whatever happened to it.

    - seqs are unique across entries and comments and none is above the counter;
    - daily counts and day totals equal the non-deleted entries, day by day;
    - each entry's version is the number of ops applied to it (nothing applied twice);
    - every remembered op has a final status, and every conflict kept the device's copy.
    """
    with committed(app) as session:
        entries = session.scalars(select(Entry).where(Entry.owner_id == owner_id)).all()
        comments = session.scalars(select(Comment).where(Comment.owner_id == owner_id)).all()
        seqs = [e.seq for e in entries] + [c.seq for c in comments]
        assert len(seqs) == len(set(seqs)), "a seq was given twice"
        counter = session.get(ChangeCounter, owner_id)
        assert not seqs or max(seqs) <= counter.last_seq
        expected = Counter((e.scanned_on, e.region, e.activity) for e in entries if not e.deleted)
        stored = {
            (row.day, row.region, row.activity): row.count
            for row in session.scalars(select(DailyCount).where(DailyCount.owner_id == owner_id))
        }
        assert stored == dict(expected), "daily counts differ from the entries"
        totals = {
            row.day: row.count
            for row in session.scalars(select(DailyTotal).where(DailyTotal.owner_id == owner_id))
        }
        by_day = Counter(e.scanned_on for e in entries if not e.deleted)
        assert totals == dict(by_day), "day totals differ from the entries"
        ops = session.scalars(select(SyncOp).where(SyncOp.owner_id == owner_id)).all()
        assert {op.status for op in ops} <= {"applied", "conflict", "rejected"}
        applied = Counter(op.entry_id for op in ops if op.status == "applied")
        for e in entries:
            assert e.version == applied[e.id], f"entry {e.id} is at v{e.version}"
        copies = {
            c.op_id: c
            for c in session.scalars(select(ConflictCopy).where(ConflictCopy.owner_id == owner_id))
        }
        conflicted = {op.op_id for op in ops if op.status == "conflict"}
        assert conflicted == set(copies), "a conflict without its kept copy (or the reverse)"
        for op_id in conflicted:
            json.loads(copies[op_id].client_entry)


def as_date(value: str) -> dt.date:
    """An ISO date."""
    return dt.date.fromisoformat(value)


def push_ops(owner_id: int, device_id: str, ops: list[dict], today: dt.date) -> list[dict]:
    """Push raw ops through the schema and the sync service (in an app context), without HTTP;
    returns the results as the API shows them."""
    from server.schemas.fields import today_for_load
    from server.schemas.sync import PushResponseSchema, PushSchema
    from server.services import sync

    with today_for_load(today):
        data = PushSchema().load({"device_id": device_id, "ops": ops})
    results = sync.push(owner_id, data["device_id"], data["ops"])
    return PushResponseSchema().dump({"results": results})["results"]
