"""Schemas of the logbook: Entry, sync push/pull, comments, the vocabulary.

Loading refuses unknown fields, says which field is wrong and why, trims strings and screens
free text for patient identifiers. Dumping shows the contract's fields only (never owner_id or
device_id), with timestamps in ISO 8601 UTC ending in `Z`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
)

from ..domain import vocabulary
from ..domain.identifiers import identifier_messages
from ..models import NOTES_MAX, PROMPT_MAX

EARLIEST_SCAN = dt.date(2000, 1, 1)
FUTURE_SLACK = dt.timedelta(days=1)  # the server's date may be behind the device's time zone
MAX_OPS = 100
COMMENT_MAX = 2000
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def utc_text(value: dt.datetime) -> str:
    """A timestamp as ISO 8601 UTC with a `Z`, to the millisecond."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


class UTCDateTime(fields.DateTime):
    """A timestamp shown as ISO 8601 UTC with a `Z`, to the millisecond."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else utc_text(value)


class _SelfChecked:
    """For fields whose checks live in `_deserialize`: skip marshmallow's validator chain
    when there is none (it builds an And() on every call: a quarter of a push's loading)."""

    def _validate(self, value):
        if self.validators:
            super()._validate(value)


class Uuid(_SelfChecked, fields.String):
    """A UUID in its canonical lower-case form (as crypto.randomUUID() makes it)."""

    default_error_messages = {
        "invalid_uuid": "Must be a lower-case UUID such as 3f2b8c1e-9d4a-4e6f-8a7b-2c1d0e9f8a7b."
    }

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not _UUID.match(value):
            raise self.make_error("invalid_uuid")
        return value


class Text(_SelfChecked, fields.String):
    """Free text: trimmed (null reads as empty), bounded in length, with no patient identifier.

    The checks run in one step rather than as a chain of validators: a push loads 100
    entries of five texts each, and this is the hot path of the sync benchmark.
    """

    default_error_messages = {
        "too_long": "At most {max} characters.",
        "too_short": "Cannot be empty.",
    }

    def __init__(self, max_length: int, min_length: int = 0, **kwargs):
        kwargs.setdefault("allow_none", True)
        metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
        if min_length:
            metadata["minLength"] = min_length
        super().__init__(metadata=metadata, **kwargs)
        self.max_length, self.min_length = max_length, min_length

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is None:
            value = ""
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        if len(text) < self.min_length:
            raise self.make_error("too_short")
        no_identifiers(text)
        return text


class Choice(_SelfChecked, fields.String):
    """One of a few fixed words (trimmed)."""

    def __init__(self, choices: list[str], **kwargs):
        super().__init__(metadata={"enum": choices}, **kwargs)
        self.choices = frozenset(choices)
        self.error_messages["one_of"] = f"Must be one of: {', '.join(choices)}."

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if value not in self.choices:
            raise self.make_error("one_of")
        return value


def Code(list_name: str, **kwargs) -> Choice:
    """A code of one vocabulary list."""
    return Choice([code for code, _ in vocabulary.VOCABULARY[list_name]], **kwargs)


class Version(_SelfChecked, fields.Integer):
    """A version number: a JSON integer, 0 or more."""

    default_error_messages = {"negative": "Must be greater than or equal to 0."}

    def __init__(self, **kwargs):
        metadata = {"minimum": 0, **kwargs.pop("metadata", {})}
        super().__init__(strict=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if number < 0:
            raise self.make_error("negative")
        return number


class ScanDate(_SelfChecked, fields.Date):
    """The day of a scan: from 2000-01-01 to tomorrow (the server's date may lag the device's)."""

    default_error_messages = {
        "future": "Cannot be in the future.",
        "too_early": f"Cannot be before {EARLIEST_SCAN.isoformat()}.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        today = getattr(self.parent, "today", None) or dt.datetime.now(dt.UTC).date()
        if day > today + FUTURE_SLACK:
            raise self.make_error("future")
        if day < EARLIEST_SCAN:
            raise self.make_error("too_early")
        return day


class ReadOnly(_SelfChecked, fields.Raw):
    """A field the server owns: named in the docs, refused by name when a device sends it."""

    default_error_messages = {"read_only": "Read-only: the server sets this field."}

    def __init__(self, **kwargs):
        super().__init__(metadata={"readOnly": True}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raise self.make_error("read_only")


class StrictBoolean(_SelfChecked, fields.Boolean):
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
    return Text(PROMPT_MAX, load_default="", metadata={"description": "Optional plain text."})


class EntryInSchema(Schema):
    """The entry a device sends in an upsert: the fields it owns, nothing else."""

    class Meta:
        unknown = RAISE

    id = Uuid(metadata={"description": "Optional; if given, equals the op's entry_id."})
    scanned_on = ScanDate(required=True)
    region = Code("regions", required=True)
    side = Code("sides", required=True)
    activity = Code("activities", required=True)
    supervision = Code("supervision_levels", required=True)
    clinical_question = _prompt()
    technical_issues = _prompt()
    findings = _prompt()
    pathway_role = _prompt()
    notes = Text(NOTES_MAX, load_default="", metadata={"description": "Optional plain text."})
    critical_incident = StrictBoolean(load_default=False)

    version = ReadOnly()
    seq = ReadOnly()
    deleted = ReadOnly()
    created_at = ReadOnly()
    updated_at = ReadOnly()

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today  # for ScanDate; None reads the clock


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


# A push stamps all its entries with one time, and shows each twice (created_at, updated_at).
_utc_text_memo = functools.lru_cache(maxsize=256)(utc_text)


def _dumper(field: fields.Field):
    if isinstance(field, UTCDateTime):
        return _utc_text_memo
    if isinstance(field, fields.Date):
        return dt.date.isoformat
    return None


_ENTRY_DUMPERS = tuple((name, _dumper(f)) for name, f in EntrySchema._declared_fields.items())


def entry_json(entry) -> dict:
    """An entry (model or row dict) exactly as EntrySchema dumps it, about ten times faster.

    Pushes answer with up to 100 entries and pulls page 1,000; the fields and their formats
    still come from EntrySchema, and a test holds the two outputs equal.
    """
    get = entry.__getitem__ if isinstance(entry, dict) else entry.__getattribute__
    shown = {}
    for name, convert in _ENTRY_DUMPERS:
        value = get(name)
        shown[name] = convert(value) if convert is not None and value is not None else value
    return shown


class OpEnvelopeSchema(Schema):
    """One push operation, without its entry (checked apart, so its errors stay flat)."""

    class Meta:
        unknown = RAISE

    op_id = Uuid(required=True)
    entry_id = Uuid(required=True)
    kind = Choice(["upsert", "delete"], required=True)
    base_version = Version(
        required=True,
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
    """GET /sync/pull query string (other parameters, such as cache busters, are ignored)."""

    class Meta:
        unknown = EXCLUDE

    since = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class CommentSchema(Schema):
    """The contract's Comment: a tutor's feedback on an entry."""

    id = fields.Integer(dump_only=True)
    entry_id = fields.String(dump_only=True)
    author_name = fields.Method("_author_name", dump_only=True, metadata={"type": "string"})
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

    body = Text(COMMENT_MAX, min_length=1, required=True)


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

    class Meta:
        unknown = EXCLUDE

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
