"""Schemas of the logbook: Entry, sync push/pull, comments, the vocabulary.

Loading refuses unknown fields, says which field is wrong and why, trims strings and screens
free text for patient identifiers. Dumping shows the contract's fields only (never owner_id or
device_id), with timestamps in ISO 8601 UTC ending in `Z`.
"""

from __future__ import annotations

import datetime as dt
import re

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
)

from ..domain import vocabulary
from ..domain.identifiers import identifier_messages
from ..models import NOTES_MAX, PROMPT_MAX

EARLIEST_SCAN = dt.date(2000, 1, 1)
FUTURE_SLACK = dt.timedelta(days=1)  # the server's date may be behind the device's time zone
MAX_OPS = 100
COMMENT_MAX = 2000
PROMPTS = ("clinical_question", "technical_issues", "findings", "pathway_role")
TEXT_FIELDS = (*PROMPTS, "notes")
READ_ONLY = ("version", "seq", "deleted", "created_at", "updated_at")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class UTCDateTime(fields.DateTime):
    """A timestamp shown as ISO 8601 UTC with a `Z`, to the millisecond."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


class Uuid(fields.String):
    """A UUID in its canonical lower-case form (as crypto.randomUUID() makes it)."""

    default_error_messages = {
        "invalid_uuid": "Must be a lower-case UUID such as 3f2b8c1e-9d4a-4e6f-8a7b-2c1d0e9f8a7b."
    }

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not _UUID.match(value):
            raise self.make_error("invalid_uuid")
        return value


class Text(fields.String):
    """Free text: trimmed; null reads as empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(*args, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is None:
            value = ""
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Code(fields.String):
    """A vocabulary code (trimmed), one of `codes`."""

    def __init__(self, codes, list_name: str, **kwargs):
        choices = ", ".join(code for code, _ in vocabulary.VOCABULARY[list_name])
        super().__init__(
            validate=validate.OneOf(codes, error=f"Must be one of: {choices}."),
            metadata={"enum": sorted(codes)},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class StrictBoolean(fields.Boolean):
    """true or false, nothing else (not 1, not "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


def no_identifiers(value: str) -> None:
    """Refuse text that looks like it holds a patient identifier."""
    messages = identifier_messages(value)
    if messages:
        raise ValidationError(messages)


def _prompt() -> Text:
    return Text(
        load_default="",
        validate=[validate.Length(max=PROMPT_MAX), no_identifiers],
        metadata={"description": f"Optional plain text, at most {PROMPT_MAX} characters."},
    )


class EntryInSchema(Schema):
    """The entry a device sends in an upsert: the fields it owns, nothing else."""

    class Meta:
        unknown = RAISE

    id = Uuid(metadata={"description": "Optional; if given, equals the op's entry_id."})
    scanned_on = fields.Date(required=True)
    region = Code(vocabulary.REGION_CODES, "regions", required=True)
    side = Code(vocabulary.SIDE_CODES, "sides", required=True)
    activity = Code(vocabulary.ACTIVITY_CODES, "activities", required=True)
    supervision = Code(vocabulary.SUPERVISION_CODES, "supervision_levels", required=True)
    clinical_question = _prompt()
    technical_issues = _prompt()
    findings = _prompt()
    pathway_role = _prompt()
    notes = Text(
        load_default="",
        validate=[validate.Length(max=NOTES_MAX), no_identifiers],
        metadata={"description": f"Optional plain text, at most {NOTES_MAX} characters."},
    )
    critical_incident = StrictBoolean(load_default=False)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    @pre_load
    def _refuse_read_only(self, data, **_kwargs):
        """Server-owned fields are named as such, not as unknown."""
        if isinstance(data, dict):
            sent = [name for name in READ_ONLY if name in data]
            if sent:
                raise ValidationError(
                    {name: ["Read-only: the server sets this field."] for name in sent}
                )
        return data

    @validates("scanned_on")
    def _scanned_on_plausible(self, value: dt.date, **_kwargs) -> None:
        today = self.today or dt.datetime.now(dt.UTC).date()
        if value > today + FUTURE_SLACK:
            raise ValidationError("Cannot be in the future.")
        if value < EARLIEST_SCAN:
            raise ValidationError(f"Cannot be before {EARLIEST_SCAN.isoformat()}.")


class EntrySchema(Schema):
    """The contract's Entry, as the server shows it."""

    id = fields.String(dump_only=True)
    scanned_on = fields.Date(dump_only=True)
    region = fields.String(dump_only=True)
    side = fields.String(dump_only=True)
    activity = fields.String(dump_only=True)
    supervision = fields.String(dump_only=True)
    clinical_question = fields.String(dump_only=True)
    technical_issues = fields.String(dump_only=True)
    findings = fields.String(dump_only=True)
    pathway_role = fields.String(dump_only=True)
    notes = fields.String(dump_only=True)
    critical_incident = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)
    seq = fields.Integer(dump_only=True)
    deleted = fields.Boolean(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class OpEnvelopeSchema(Schema):
    """One push operation, without its entry (checked apart, so its errors stay flat)."""

    class Meta:
        unknown = RAISE

    op_id = Uuid(required=True)
    entry_id = Uuid(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["upsert", "delete"]))
    base_version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0),
        metadata={"description": "The server version the change was made from; 0 to create."},
    )
    entry = fields.Raw(load_default=None, allow_none=True)


class OpSchema(OpEnvelopeSchema):
    """One push operation (as documented)."""

    entry = fields.Nested(
        EntryInSchema,
        allow_none=True,
        metadata={"description": "Required for an upsert; ignored for a delete."},
    )


class PushEnvelopeSchema(Schema):
    """POST /sync/push body, each op kept raw (every op gets its own answer)."""

    class Meta:
        unknown = RAISE

    device_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    ops = fields.List(fields.Raw(), required=True)


class PushSchema(PushEnvelopeSchema):
    """POST /sync/push body (as documented)."""

    ops = fields.List(
        fields.Nested(OpSchema),
        required=True,
        validate=validate.Length(max=MAX_OPS),
        metadata={"description": f"At most {MAX_OPS}; a larger batch is refused with 413."},
    )


class OpResultSchema(Schema):
    """The answer to one op."""

    op_id = fields.Raw(dump_only=True, metadata={"type": "string", "nullable": True})
    status = fields.String(
        dump_only=True, metadata={"enum": ["applied", "duplicate", "conflict", "rejected"]}
    )
    entry = fields.Nested(EntrySchema, dump_only=True, allow_none=True)
    errors = fields.Dict(dump_only=True, allow_none=True)


class PushResponseSchema(Schema):
    """POST /sync/push answer: one result per op, in the order of the ops."""

    results = fields.List(fields.Nested(OpResultSchema), dump_only=True)


class PullQuerySchema(Schema):
    """GET /sync/pull query string."""

    since = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class CommentSchema(Schema):
    """The contract's Comment: a tutor's feedback on an entry."""

    id = fields.Integer(dump_only=True)
    entry_id = fields.String(dump_only=True)
    author_name = fields.Method("_author_name", dump_only=True)
    body = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    seq = fields.Integer(dump_only=True)
    deleted = fields.Boolean(dump_only=True)

    def _author_name(self, comment) -> str:
        return comment.author.name if comment.author is not None else "A former tutor"


class CommentInSchema(Schema):
    """POST /entries/<id>/comments body."""

    class Meta:
        unknown = RAISE

    body = Text(
        required=True,
        allow_none=False,
        validate=[
            validate.Length(min=1, max=COMMENT_MAX, error="Write 1 to {max} characters."),
            no_identifiers,
        ],
    )


class PullResponseSchema(Schema):
    """GET /sync/pull answer."""

    entries = fields.List(fields.Nested(EntrySchema), dump_only=True)
    comments = fields.List(fields.Nested(CommentSchema), dump_only=True)
    next = fields.Integer(dump_only=True, metadata={"description": "Pass as `since` next time."})
    has_more = fields.Boolean(dump_only=True)


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

    entry_id = Uuid(load_default=None)


class CodeLabelSchema(Schema):
    """A vocabulary item."""

    code = fields.String(dump_only=True)
    label = fields.String(dump_only=True)


class VocabularySchema(Schema):
    """GET /vocabulary answer."""

    regions = fields.List(fields.Nested(CodeLabelSchema), dump_only=True)
    sides = fields.List(fields.Nested(CodeLabelSchema), dump_only=True)
    activities = fields.List(fields.Nested(CodeLabelSchema), dump_only=True)
    supervision_levels = fields.List(fields.Nested(CodeLabelSchema), dump_only=True)
    findings = fields.List(fields.Nested(CodeLabelSchema), dump_only=True)
