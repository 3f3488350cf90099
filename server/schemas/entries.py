"""Schemas of an entry: what a device sends (EntryIn), what the server shows (Entry), and
the vocabulary its codes come from.

Loading refuses unknown fields and says which field is wrong and why; dumping shows the
contract's fields only (never owner_id or device_id).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from ..models import NOTES_MAX, PROMPT_MAX
from .fields import (
    Code,
    ReadOnly,
    ScanDate,
    StrictBoolean,
    Text,
    UTCDateTime,
    Uuid,
)
from .strict import StrictSchema


def _prompt() -> Text:
    return Text(PROMPT_MAX, load_default="", metadata={"description": "Optional plain text."})


class EntryInSchema(StrictSchema):
    """The entry a device sends in an upsert: the fields it owns, nothing else.

    Load it inside `fields.today_for_load(today)`: the scan date may not be in the future.
    """

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


class RowSchema(Schema):
    """A dump-only schema of plain rows (dicts) or objects, each value read directly.

    marshmallow's generic getter (dotted paths, any mapping) is a third of the cost of
    dumping a push's hundred entries; these schemas only ever read plain names.
    """

    def get_attribute(self, obj, attr, default):
        """The value named `attr` of a row or an object."""
        if type(obj) is dict:
            return obj.get(attr, default)
        return getattr(obj, attr, default)


class EntrySchema(RowSchema):
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
