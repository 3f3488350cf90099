"""Sync push: apply a device's batch of ops in one transaction, one result per op.

The contract (api.md, Sync) in one paragraph: per op, in order, exactly one of applied /
duplicate / conflict / rejected. Op ids are remembered for good with the answer they got, so
a retry is answered the same way. A conflict never overwrites: the device's copy is kept in
ConflictCopy. The whole batch is one transaction whose first statement locks the owner's change
counter, so concurrent pushes (and comments) of one logbook run one after another and seqs
commit in order; a pull therefore never skips a change that commits late.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import ConflictCopy, SyncOp
from ...schemas.sync import LoadedOp
from ..changes import EntryWriter, Row
from ..locks import locked_ranges, refusal

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"
# A unique-key race with another logbook (two users sending the same new entry id or op id at
# once) surfaces as an IntegrityError when the batch is written: it is rolled back and run
# again, and the second run sees the other row and answers `rejected`.
_ATTEMPTS = 3

_SYNC_OPS, _COPIES = SyncOp.__table__, ConflictCopy.__table__
_INSERT_SYNC_OPS, _INSERT_COPIES = insert(_SYNC_OPS), insert(_COPIES)
_SELECT_OPS = select(_SYNC_OPS).where(_SYNC_OPS.c.op_id.in_(bindparam("keys", expanding=True)))


@dataclass
class OpResult:
    """The answer to one op: its status, the entry as it was right after the op, errors."""

    op_id: str | None
    status: str
    entry: dict | None = None
    errors: dict | None = None


@dataclass
class _Batch:
    """One push while it is applied: ops remembered at the end, entries through the writer."""

    writer: EntryWriter
    ops: dict[str, Row]
    new_ops: list[dict] = field(default_factory=list)
    copies: list[dict] = field(default_factory=list)
    locked: list = field(default_factory=list)  # signed-off years (services/locks.py)

    def apply(self, op: LoadedOp) -> OpResult:
        """Apply one op and answer it."""
        if op.op_id is None:  # no usable op id: answered, but nothing to remember it by
            return OpResult(op.reply_id, REJECTED, errors=op.errors)
        known = self.ops.get(op.op_id)
        if known is not None:
            if known.owner_id != self.writer.owner_id:
                return OpResult(op.op_id, REJECTED, errors={"op_id": ["Already used."]})
            return self._repeat(op, known)
        if op.errors:
            return self._record(op, REJECTED, errors=op.errors)
        entry = self.writer.rows.get(op.entry_id)
        if entry is not None and entry.owner_id != self.writer.owner_id:
            errors = {"entry_id": ["Not an entry of your logbook."]}
            return self._record(op, REJECTED, errors=errors)
        new_day = (op.entry or {}).get("scanned_on")
        locked = refusal(self.locked, entry.scanned_on if entry else None, new_day)
        if locked:
            return self._record(op, REJECTED, errors={"scanned_on": [locked]})
        if op.kind == "delete":
            return self._delete(op, entry)
        if op.kind == "restore":
            return self._restore(op, entry)
        return self._upsert(op, entry)

    def _upsert(self, op: LoadedOp, entry: Row | None) -> OpResult:
        if entry is None and op.base_version == 0:
            return self._record(op, APPLIED, self.writer.create(op.entry_id, op.entry))
        if entry is None or entry.deleted or entry.version != op.base_version:
            return self._conflict(op, entry)
        return self._record(op, APPLIED, self.writer.update(entry, op.entry))

    def _delete(self, op: LoadedOp, entry: Row | None) -> OpResult:
        if entry is None:
            errors = {"entry_id": ["There is no entry with this id to delete."]}
            return self._record(op, REJECTED, errors=errors)
        if not entry.deleted and entry.version != op.base_version:
            return self._conflict(op, entry)
        return self._record(op, APPLIED, self.writer.delete(entry))

    def _restore(self, op: LoadedOp, entry: Row | None) -> OpResult:
        if entry is None or not entry.deleted:
            errors = {"entry_id": ["There is no deleted entry with this id to restore."]}
            return self._record(op, REJECTED, errors=errors)
        if entry.version != op.base_version:
            return self._conflict(op, entry)
        return self._record(op, APPLIED, self.writer.restore(entry))

    def _conflict(self, op: LoadedOp, entry: Row | None) -> OpResult:
        """Keep the device's copy; overwrite nothing; show the server's entry."""
        self.copies.append(
            {
                "op_id": op.op_id,
                "entry_id": op.entry_id,
                "owner_id": self.writer.owner_id,
                "kind": op.kind,
                "base_version": op.base_version,
                "server_version": entry.version if entry else 0,
                "client_entry": json.dumps(op.entry, default=str),
                "device_id": self.writer.device_id,
                "created_at": self.writer.now,
            }
        )
        return self._record(op, CONFLICT, entry)

    def _record(self, op: LoadedOp, status: str, entry: Row | None = None, errors=None):
        """Remember the op for good with its answer, then answer."""
        row = Row(
            op_id=op.op_id,
            owner_id=self.writer.owner_id,
            entry_id=op.entry_id or "",
            kind=op.kind or "",
            status=status,
            device_id=self.writer.device_id,
            created_at=self.writer.now,
            errors=json.dumps(errors) if errors else None,
        )
        self.new_ops.append(row)
        self.ops[op.op_id] = row
        return _result(op.reply_id, status, entry, errors)

    def _repeat(self, op: LoadedOp, known: Row) -> OpResult:
        """An op id seen before gets the answer it got then (`applied` reads `duplicate`)."""
        if known.status == REJECTED:
            return OpResult(op.reply_id, REJECTED, errors=json.loads(known.errors or "{}"))
        status = DUPLICATE if known.status == APPLIED else known.status
        return _result(op.reply_id, status, self.writer.get(known.entry_id))

    def write(self) -> None:
        """Write the batch: the ops and kept copies, then the entries and their counts."""
        conn = db.session.connection()  # Core statements: no ORM layer per call
        if self.new_ops:
            conn.execute(_INSERT_SYNC_OPS, self.new_ops)
        if self.copies:
            conn.execute(_INSERT_COPIES, self.copies)
        self.writer.flush()


def _result(op_id, status: str, entry: Row | None, errors: dict | None = None) -> OpResult:
    # A copy: a later op of the batch on the same entry must not change this answer.
    return OpResult(op_id, status, dict(entry) if entry is not None else None, errors or None)


def push(owner_id: int, device_id: str, ops: list[LoadedOp]) -> list[OpResult]:
    """Apply loaded ops to the owner's logbook in one transaction; one result per op."""
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


def _apply(owner_id: int, device_id: str, ops: list[LoadedOp]) -> list[OpResult]:
    writer = EntryWriter(owner_id, device_id)  # the counter lock: the first statement
    writer.read(op.entry_id for op in ops if op.entry_id)
    known = _known_ops({op.op_id for op in ops if op.op_id})
    batch = _Batch(writer, ops=known, locked=locked_ranges(owner_id))
    results = [batch.apply(op) for op in ops]
    batch.write()
    return results


def _known_ops(op_ids: set[str]) -> dict[str, Row]:
    """The ops of these ids seen before (any owner's), by op id."""
    if not op_ids:
        return {}
    rows = db.session.connection().execute(_SELECT_OPS, {"keys": sorted(op_ids)}).mappings()
    return {row["op_id"]: Row(row) for row in rows}
