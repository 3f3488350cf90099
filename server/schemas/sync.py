"""Schemas of sync: the push body and its answer, the pull, the kept conflict copies.

A push is loaded whole by PushSchema, but each op on its own (OpField): a bad op becomes a
LoadedOp carrying its errors, flat and keyed by the field they are about, and never refuses
the batch; only a malformed envelope (no device_id, ops not a list) does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, validate

from ..domain.identifiers import identifier_messages
from .comments import CommentSchema
from .entries import EntryInSchema, EntrySchema, RowSchema
from .fields import (
    Choice,
    Count,
    ReadOnly,
    String,
    UTCDateTime,
    Uuid,
    Value,
    Version,
    no_identifiers,
)
from .strict import StrictSchema

MAX_OPS = 100


class OpEnvelopeSchema(StrictSchema):
    """One push operation, without its entry (checked apart, so its errors stay flat)."""

    op_id = Uuid(required=True)
    entry_id = Uuid(required=True)
    kind = Choice(["upsert", "delete", "restore"], required=True)
    base_version = Version(
        required=True,
        metadata={"description": "The server version the change was made from; 0 to create."},
    )
    entry = Value(load_default=None, allow_none=True)


class OpSchema(OpEnvelopeSchema):
    """One push operation (as documented)."""

    entry = fields.Nested(
        EntryInSchema,
        allow_none=True,
        metadata={"description": "Required for an upsert; ignored for a delete or a restore."},
    )


@dataclass
class LoadedOp:
    """One op of a push after loading: its validated values, or the errors that refuse it."""

    reply_id: str | None  # the op_id the answer echoes (the device's, if it is a string)
    op_id: str | None = None  # what the op is remembered by; None: nothing to remember it by
    entry_id: str | None = None
    kind: str | None = None
    base_version: int | None = None
    entry: dict | None = None  # the validated entry of an upsert
    errors: dict | None = None


# Built once: a schema's construction copies its fields, which would cost more per push than
# loading its hundred ops.
_ENVELOPE = OpEnvelopeSchema()
_ENTRY = EntryInSchema()
# Fields a device leaves out (the entry's id, the read-only ones): an entry without any of
# them is loaded by the schema without them, which gives the same answer and skips a third
# of the fields marshmallow would otherwise visit for nothing.
_RARE = frozenset(("id", *(n for n, f in _ENTRY.load_fields.items() if isinstance(f, ReadOnly))))
_ENTRY_LEAN = EntryInSchema(exclude=tuple(_RARE))


def load_op(raw: Any) -> LoadedOp:
    """Load one op and its entry; a refusal is kept in `errors`, never raised."""
    raw_op_id = raw.get("op_id") if isinstance(raw, dict) else None
    op = LoadedOp(reply_id=raw_op_id if isinstance(raw_op_id, str) else None)
    try:
        envelope = _ENVELOPE.load(raw)
    except ValidationError as e:
        op.errors = e.normalized_messages()  # an op that is not an object: under "_schema"
        if "op_id" not in op.errors:
            op.op_id = raw_op_id  # still remembered, so a retry gets the same answer
        elif op.reply_id is not None and identifier_messages(op.reply_id):
            op.reply_id = None  # an op_id that is no UUID is echoed, unless it holds an identifier
        return op
    op.op_id, op.entry_id = envelope["op_id"], envelope["entry_id"]
    op.kind, op.base_version = envelope["kind"], envelope["base_version"]
    if op.kind in ("delete", "restore"):  # both name the entry; neither carries one
        return op
    if envelope["entry"] is None:
        op.errors = {"entry": ["Missing data for required field."]}
        return op
    raw_entry = envelope["entry"]
    lean = isinstance(raw_entry, dict) and _RARE.isdisjoint(raw_entry)
    try:
        op.entry = (_ENTRY_LEAN if lean else _ENTRY).load(raw_entry)
    except ValidationError as e:  # an entry that is not an object is named as "entry"
        messages = e.normalized_messages()
        op.errors = {"entry" if k == "_schema" else k: v for k, v in messages.items()}
        return op
    if op.entry.pop("id", op.entry_id) != op.entry_id:
        op.errors = {"id": ["Must equal the op's entry_id."]}
    return op


class OpField(fields.Nested):
    """An op of the push, documented as OpSchema, loaded on its own by `load_op`."""

    def __init__(self, **kwargs):
        super().__init__(OpSchema, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Load any op, null included, with `load_op` (so `null` is rejected per op, as 5 is)."""
        return load_op(value)


class PushSchema(StrictSchema):
    """POST /sync/push body (as documented); load it inside `fields.today_for_load(today)`."""

    device_id = String(required=True, validate=[validate.Length(min=1, max=100), no_identifiers])
    ops = fields.List(
        OpField(),
        required=True,
        # Documented here; refused with 413 by the view before loading (nothing applied).
        metadata={
            "maxItems": MAX_OPS,
            "description": f"At most {MAX_OPS}; a larger batch is refused with 413.",
        },
    )


class OpResultSchema(RowSchema):
    """The answer to one op."""

    op_id = fields.Raw(dump_only=True, metadata={"type": "string", "nullable": True})
    status = fields.String(
        dump_only=True,
        metadata={
            "enum": ["applied", "duplicate", "conflict", "rejected"],
            "description": "rejected: this op was refused (see errors) and will be refused "
            "again; the other ops of the batch are applied all the same.",
        },
    )
    entry = fields.Nested(EntrySchema, dump_only=True, allow_none=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "For a rejected op: messages keyed by the field they are about "
            "(`_schema` when the op is not an object); null otherwise."
        },
    )


class PushResponseSchema(Schema):
    """POST /sync/push answer: one result per op, in the order of the ops."""

    results = fields.Nested(OpResultSchema, many=True, dump_only=True)


class PullQuerySchema(Schema):
    """GET /sync/pull query string (other parameters, such as cache busters, are ignored)."""

    class Meta:
        unknown = EXCLUDE

    since = Count(load_default=0)
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class PullResponseSchema(Schema):
    """GET /sync/pull answer."""

    entries = fields.List(fields.Nested(EntrySchema), dump_only=True)
    comments = fields.List(fields.Nested(CommentSchema), dump_only=True)
    next = fields.Integer(dump_only=True, metadata={"description": "Pass as `since` next time."})
    has_more = fields.Boolean(dump_only=True)
    reset = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "Present (true) when `since` was ahead of the logbook's last seq "
            "(e.g. after a server restore): pull again from 0, keeping the outbox."
        },
    )

    @post_dump
    def _reset_only_when_true(self, data, **kwargs):
        # An ordinary page keeps the documented four keys; `reset` shows only when it is true.
        if not data.get("reset"):
            data.pop("reset", None)
        return data


class SyncStatusSchema(Schema):
    """GET /sync/status answer: what a device compares with its own copy."""

    count = fields.Integer(dump_only=True, metadata={"description": "Entries not deleted."})
    last_seq = fields.Integer(dump_only=True, metadata={"description": "The logbook's last seq."})


class ConflictCopySchema(Schema):
    """A device's copy of an entry that lost a conflict, kept on the server."""

    op_id = fields.String(dump_only=True)
    entry_id = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    base_version = fields.Integer(dump_only=True)
    server_version = fields.Integer(dump_only=True)
    entry = fields.Dict(dump_only=True, allow_none=True, attribute="client_copy")
    created_at = UTCDateTime(dump_only=True)


class ConflictListSchema(Schema):
    """GET /sync/conflicts answer."""

    conflicts = fields.List(fields.Nested(ConflictCopySchema), dump_only=True)


class ConflictQuerySchema(Schema):
    """GET /sync/conflicts query string."""

    class Meta:
        unknown = EXCLUDE

    entry_id = Uuid(load_default=None)
