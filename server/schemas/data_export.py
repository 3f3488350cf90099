"""The shape of a student's data export: JSON (one document) and CSV (a section per kind)."""

from __future__ import annotations

import csv
import io
import json

from marshmallow import Schema, fields, validate

from .accounts import DeviceTokenSchema, UserSchema
from .comments import CommentSchema
from .entries import EntrySchema
from .fields import UTCDateTime
from .submissions import SubmissionSchema
from .sync import ConflictCopySchema

FORMATS = ("json", "csv")
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportQuerySchema(Schema):
    """?format=json|csv (json by default)."""

    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class AuditEventSchema(Schema):
    """One audit event about the student or by them."""

    id = fields.Integer(dump_only=True)
    at = UTCDateTime(dump_only=True)
    action = fields.String(dump_only=True)
    actor_name = fields.Function(
        lambda e: e.actor.name if e.actor is not None else None,
        dump_only=True,
        allow_none=True,
        metadata={"type": "string"},
    )
    submission_id = fields.Integer(dump_only=True, allow_none=True)
    detail = fields.String(dump_only=True)


class KeptCopySchema(ConflictCopySchema):
    """A device's copy of an entry that lost a conflict, read from its stored row."""

    entry = fields.Function(lambda c: json.loads(c.client_entry), dump_only=True, allow_none=True)


class DataExportSchema(Schema):
    """GET /me/export: the student's account and every record the server holds of theirs."""

    exported_at = UTCDateTime(dump_only=True)
    user = fields.Nested(UserSchema, dump_only=True)
    entries = fields.List(fields.Nested(EntrySchema), dump_only=True)
    comments = fields.List(fields.Nested(CommentSchema), dump_only=True)
    submissions = fields.List(fields.Nested(SubmissionSchema), dump_only=True)
    audit_events = fields.List(fields.Nested(AuditEventSchema), dump_only=True)
    conflict_copies = fields.List(fields.Nested(KeptCopySchema), dump_only=True)
    devices = fields.List(fields.Nested(DeviceTokenSchema), dump_only=True)


_SECTIONS = {
    "entries": EntrySchema,
    "comments": CommentSchema,
    "submissions": SubmissionSchema,
    "audit_events": AuditEventSchema,
    "conflict_copies": KeptCopySchema,
    "devices": DeviceTokenSchema,
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_csv(dumped: dict) -> str:
    """The dumped export as one CSV: the account, then a titled section per kind of record."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["# account"])
    user = {k: v for k, v in dumped["user"].items() if k != "logbook"}
    user.update(dumped["user"].get("logbook") or {})
    writer.writerow(list(user))
    writer.writerow([_cell(v) for v in user.values()])
    for section, schema in _SECTIONS.items():
        columns = list(schema().dump_fields)
        writer.writerow([])
        writer.writerow([f"# {section}"])
        writer.writerow(columns)
        for row in dumped[section]:
            writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def export_file(dumped: dict, file_format: str) -> tuple[str, str, str]:
    """(body, mimetype, file name) of the dumped export as a download."""
    name = f"scanlog-my-data-{dumped['exported_at'][:10]}.{file_format}"
    if file_format == "csv":
        return export_csv(dumped), "text/csv; charset=utf-8", name
    return json.dumps(dumped, ensure_ascii=False, indent=1), "application/json", name
