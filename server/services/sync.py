"""Sync: apply a device's push in one transaction; list a logbook's changes for a pull.

The contract (api.md, Sync) in one paragraph: per op, in order, exactly one of applied /
duplicate / conflict / rejected. Op ids are remembered for good with the answer they got, so
a retry is answered the same way. A conflict never overwrites: the device's copy is kept in
ConflictCopy. The whole batch is one transaction whose first statement locks the owner's change
counter, so concurrent pushes (and comments) of one logbook run one after another and seqs
commit in order; a pull therefore never skips a change that commits late.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ChangeCounter, Comment, ConflictCopy, Entry, SyncOp, User, utcnow
from ..schemas.entries import (
    MAX_OPS,
    EntryInSchema,
    OpEnvelopeSchema,
    entry_json,
)
from ..schemas.fast_load import fast_load_entry, fast_load_envelope
from . import accounts, changes

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"
# A unique-key race with another logbook (two users sending the same new entry id or op id at
# once) surfaces as an IntegrityError when the batch is written: it is rolled back and run
# again, and the second run sees the other row and answers `rejected`.
_ATTEMPTS = 3

_envelope_schema = OpEnvelopeSchema()


class BatchTooLarge(ValueError):
    """More ops than one push may carry; nothing was applied."""


@dataclass
class _Op:
    """One op of a batch after validation (no database access yet)."""

    raw_op_id: Any
    op_id: str | None = None
    entry_id: str | None = None
    kind: str | None = None
    base_version: int | None = None
    data: dict | None = None  # the validated entry of an upsert
    errors: dict | None = None


def _validate(raw: Any, entry_schema: EntryInSchema) -> _Op:
    """Check one op and its entry; errors are flat, keyed by the field they are about."""
    raw_op_id = raw.get("op_id") if isinstance(raw, dict) else None
    op = _Op(raw_op_id=raw_op_id if isinstance(raw_op_id, str) else None)
    # Well-formed input takes the fast path; anything else is loaded by the schema itself,
    # which gives the answer (and every error message) the contract documents.
    envelope = fast_load_envelope(raw)
    if envelope is None:
        try:
            envelope = _envelope_schema.load(raw)
        except ValidationError as e:
            op.errors = e.normalized_messages()  # an op that is not an object: under "_schema"
            if "op_id" not in op.errors:
                op.op_id = raw_op_id  # still remembered, so a retry gets the same answer
            return op
    op.op_id, op.entry_id = envelope["op_id"], envelope["entry_id"]
    op.kind, op.base_version = envelope["kind"], envelope["base_version"]
    if op.kind == "delete":
        return op
    if envelope["entry"] is None:
        op.errors = {"entry": ["Missing data for required field."]}
        return op
    op.data = fast_load_entry(envelope["entry"], entry_schema.today)
    if op.data is None:
        try:
            op.data = entry_schema.load(envelope["entry"])
        except ValidationError as e:  # an entry that is not an object is named as "entry"
            op.errors = {
                "entry" if k == "_schema" else k: v for k, v in e.normalized_messages().items()
            }
            return op
    if op.data.pop("id", op.entry_id) != op.entry_id:
        op.errors = {"id": ["Must equal the op's entry_id."]}
    return op


class _Row(dict):
    """A row as a dict whose columns also read as attributes (as changes.count_key reads)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


_ENTRIES, _SYNC_OPS, _COPIES = Entry.__table__, SyncOp.__table__, ConflictCopy.__table__
# What an applied change may alter in an existing row (everything but id, owner, created_at).
_ENTRY_CHANGES = tuple(
    c.name for c in _ENTRIES.columns if c.name not in {"id", "owner_id", "created_at"}
)
# The batch's statements are built once: building a Core construct per push costs more than
# SQLAlchemy's cached compile of it.
_INSERT_ENTRIES, _INSERT_SYNC_OPS, _INSERT_COPIES = (
    insert(_ENTRIES),
    insert(_SYNC_OPS),
    insert(_COPIES),
)
_UPDATE_ENTRY = (
    update(_ENTRIES)
    .where(_ENTRIES.c.id == bindparam("k_id"))
    .values({name: bindparam(f"v_{name}") for name in _ENTRY_CHANGES})
)
_SELECT_BY_KEY = {
    key: select(key.table).where(key.in_(bindparam("keys", expanding=True)))
    for key in (_ENTRIES.c.id, _SYNC_OPS.c.op_id)
}


@dataclass
class _Batch:
    """The state of one push while it is applied: rows are read once, written once at the end.

    Plain Core rows rather than ORM objects: a batch of 100 then costs one multi-row INSERT
    per table and one multi-row UPDATE, not a unit-of-work flush of 200 objects.
    """

    owner_id: int
    device_id: str
    now: dt.datetime
    counter: ChangeCounter
    ops: dict[str, _Row]
    entries: dict[str, _Row]
    new_entries: dict[str, _Row] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    new_ops: list[dict] = field(default_factory=list)
    copies: list[dict] = field(default_factory=list)
    count_moves: list = field(default_factory=list)

    def apply(self, op: _Op) -> dict:
        """Apply one op and answer it."""
        if op.op_id is None:  # no usable op id: answered, but nothing to remember it by
            return _result(op.raw_op_id, REJECTED, errors=op.errors)
        known = self.ops.get(op.op_id)
        if known is not None:
            if known.owner_id != self.owner_id:
                return _result(op.op_id, REJECTED, errors={"op_id": ["Already used."]})
            return self._repeat(op, known)
        if op.errors:
            return self._record(op, REJECTED, errors=op.errors)
        entry = self.entries.get(op.entry_id)
        if entry is not None and entry.owner_id != self.owner_id:
            errors = {"entry_id": ["Not an entry of your logbook."]}
            return self._record(op, REJECTED, errors=errors)
        if op.kind == "delete":
            return self._delete(op, entry)
        return self._upsert(op, entry)

    def _upsert(self, op: _Op, entry: _Row | None) -> dict:
        if entry is None and op.base_version == 0:
            entry = _Row(op.data, id=op.entry_id, owner_id=self.owner_id, version=0)
            entry.update(deleted=False, created_at=self.now)
            self.entries[entry.id] = self.new_entries[entry.id] = entry
            return self._change(op, entry, before=None)
        if entry is None or entry.deleted or entry.version != op.base_version:
            return self._conflict(op, entry)
        before = changes.count_key(entry)
        entry.update(op.data)
        return self._change(op, entry, before)

    def _delete(self, op: _Op, entry: _Row | None) -> dict:
        if entry is None:
            errors = {"entry_id": ["There is no entry with this id to delete."]}
            return self._record(op, REJECTED, errors=errors)
        if not entry.deleted and entry.version != op.base_version:
            return self._conflict(op, entry)
        before = changes.count_key(entry)  # deleting a tombstone again is applied again
        entry["deleted"] = True
        return self._change(op, entry, before)

    def _change(self, op: _Op, entry: _Row, before) -> dict:
        """Stamp an applied change: next version, the owner's next seq, counts moved."""
        entry.update(
            version=entry.version + 1,
            seq=changes.take_seq(self.counter),
            updated_at=self.now,
            device_id=self.device_id,
        )
        if entry.id not in self.new_entries:
            self.changed.add(entry.id)
        self.count_moves.append((before, changes.count_key(entry)))
        return self._record(op, APPLIED, entry=entry)

    def _conflict(self, op: _Op, entry: _Row | None) -> dict:
        """Keep the device's copy; overwrite nothing; show the server's entry."""
        self.copies.append(
            {
                "op_id": op.op_id,
                "entry_id": op.entry_id,
                "owner_id": self.owner_id,
                "kind": op.kind,
                "base_version": op.base_version,
                "server_version": entry.version if entry else 0,
                "client_entry": json.dumps(op.data, default=str),
                "device_id": self.device_id,
                "created_at": self.now,
            }
        )
        return self._record(op, CONFLICT, entry=entry)

    def _record(self, op: _Op, status: str, entry: _Row | None = None, errors=None) -> dict:
        """Remember the op for good with its answer, then answer."""
        row = _Row(
            op_id=op.op_id,
            owner_id=self.owner_id,
            entry_id=op.entry_id or "",
            kind=op.kind or "",
            status=status,
            device_id=self.device_id,
            created_at=self.now,
            errors=json.dumps(errors) if errors else None,
        )
        self.new_ops.append(row)
        self.ops[op.op_id] = row
        return _result(op.raw_op_id, status, entry, errors)

    def _repeat(self, op: _Op, known: _Row) -> dict:
        """An op id seen before gets the answer it got then (`applied` reads `duplicate`)."""
        if known.status == REJECTED:
            return _result(op.raw_op_id, REJECTED, errors=json.loads(known.errors or "{}"))
        entry = self.entries.get(known.entry_id) or _read(
            _ENTRIES, _ENTRIES.c.id, [known.entry_id]
        ).get(known.entry_id)
        status = DUPLICATE if known.status == APPLIED else known.status
        return _result(op.raw_op_id, status, entry)

    def write(self) -> None:
        """Write the batch: one statement per table and kind of change, then the counts."""
        conn = db.session.connection()  # Core statements: no ORM layer per call
        if self.new_entries:
            conn.execute(_INSERT_ENTRIES, list(self.new_entries.values()))
        if self.changed:
            conn.execute(
                _UPDATE_ENTRY,
                [
                    {"k_id": eid, **{f"v_{n}": self.entries[eid][n] for n in _ENTRY_CHANGES}}
                    for eid in sorted(self.changed)
                ],
            )
        if self.new_ops:
            conn.execute(_INSERT_SYNC_OPS, self.new_ops)
        if self.copies:
            conn.execute(_INSERT_COPIES, self.copies)
        changes.move_daily_counts(self.owner_id, self.count_moves)


def _read(table, key, values) -> dict[str, _Row]:
    """Rows of `table` whose `key` is one of `values`, by key (no ORM objects)."""
    if not values:
        return {}
    rows = db.session.connection().execute(_SELECT_BY_KEY[key], {"keys": values}).mappings()
    return {row[key.name]: _Row(row) for row in rows}


def _result(op_id, status: str, entry: _Row | None = None, errors: dict | None = None) -> dict:
    return {
        "op_id": op_id,
        "status": status,
        "entry": entry_json(entry) if entry is not None else None,
        "errors": errors or None,
    }


def push(owner_id: int, device_id: str, raw_ops: list, today: dt.date) -> list[dict]:
    """Apply a batch of ops to the owner's logbook in one transaction; one answer per op."""
    if len(raw_ops) > MAX_OPS:
        raise BatchTooLarge(f"At most {MAX_OPS} ops in one push.")
    entry_schema = EntryInSchema(today=today)
    ops = [_validate(raw, entry_schema) for raw in raw_ops]
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            results = _apply(owner_id, device_id, ops)
            db.session.commit()
            return results
        except IntegrityError:
            db.session.rollback()
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _apply(owner_id: int, device_id: str, ops: list[_Op]) -> list[dict]:
    # The lock is the transaction's first statement (see changes.lock_counter).
    counter = changes.lock_counter(owner_id)
    batch = _Batch(
        owner_id=owner_id,
        device_id=device_id,
        now=utcnow(),
        counter=counter,
        ops=_read(_SYNC_OPS, _SYNC_OPS.c.op_id, sorted({op.op_id for op in ops if op.op_id})),
        entries=_read(_ENTRIES, _ENTRIES.c.id, sorted({op.entry_id for op in ops if op.entry_id})),
    )
    results = [batch.apply(op) for op in ops]
    batch.write()
    return results


def pull(owner_id: int, since: int, limit: int) -> dict:
    """The owner's changes (entries and comments) with seq > since, in seq order."""
    # Read the high-water mark first: every seq up to it has committed (seqs commit in order),
    # so two separate queries cannot see a later change without an earlier one.
    high = (
        db.session.scalar(select(ChangeCounter.last_seq).where(ChangeCounter.owner_id == owner_id))
        or 0
    )
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.owner_id == owner_id, Entry.seq > since, Entry.seq <= high)
        .order_by(Entry.seq)
        .limit(limit + 1)
    ).all()
    comments = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.owner_id == owner_id, Comment.seq > since, Comment.seq <= high)
        .order_by(Comment.seq)
        .limit(limit + 1)
    ).all()
    changed = list(heapq.merge(entries, comments, key=lambda row: row.seq))
    page = changed[:limit]
    return {
        "entries": [row for row in page if isinstance(row, Entry)],
        "comments": [row for row in page if isinstance(row, Comment)],
        "next": page[-1].seq if page else since,
        "has_more": len(changed) > limit,
    }


def add_comment(author: User, entry_id: str, body: str) -> Comment | None:
    """A tutor's (or admin's) comment on an entry they may see; None if they may not."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.deleted or author.role not in ("tutor", "admin"):
        return None
    if not accounts.can_view_student(author, entry.owner_id):
        return None
    # The comment rides the owner's change stream, so it takes a seq under the owner's lock.
    counter = changes.lock_counter(entry.owner_id)
    comment = Comment(
        entry_id=entry.id,
        owner_id=entry.owner_id,
        author_id=author.id,
        body=body,
        seq=changes.take_seq(counter),
        deleted=False,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def conflict_copies(owner_id: int, entry_id: str | None = None) -> list[dict]:
    """The device copies kept from the owner's conflicts, newest first."""
    query = select(ConflictCopy).where(ConflictCopy.owner_id == owner_id)
    if entry_id:
        query = query.where(ConflictCopy.entry_id == entry_id)
    rows = db.session.scalars(query.order_by(ConflictCopy.id.desc()))
    return [
        {
            "op_id": row.op_id,
            "entry_id": row.entry_id,
            "kind": row.kind,
            "base_version": row.base_version,
            "server_version": row.server_version,
            "client_copy": json.loads(row.client_entry),
            "created_at": row.created_at,
        }
        for row in rows
    ]
