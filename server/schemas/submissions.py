"""Schemas of the yearly submissions a student hands in, their samples and decisions."""

from __future__ import annotations

import json

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .entries import EntrySchema
from .fields import Text, UTCDateTime

DECISION_MAX = 2000
CHECK_RESULTS = ("checked", "query")


class SubmissionSchema(Schema):
    """One hand-in of a logbook year: open -> submitted -> signed_off | returned."""

    id = fields.Integer()
    period = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    state = fields.String(metadata={"enum": ["submitted", "signed_off", "returned"]})
    entry_count = fields.Integer()
    counts = fields.Function(
        lambda row: json.loads(row.counts or "{}"),
        metadata={"description": "Counts recorded at submission: total, by_region, by_activity."},
    )
    submitted_at = fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ")
    decided_at = fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ", allow_none=True)
    decision_comment = fields.String()
    statement = fields.String(metadata={"description": "The student's statement (below target)."})
    reopened_at = fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ", allow_none=True)
    reopen_reason = fields.String()


class SubmissionListSchema(Schema):
    """The signed-in student's submissions, newest first."""

    submissions = fields.List(fields.Nested(SubmissionSchema))


class SubmitInSchema(Schema):
    """POST /periods/<n>/submit body: the statement, required when the year is below target."""

    class Meta:
        unknown = RAISE

    statement = Text(DECISION_MAX, load_default="")


class DecisionInSchema(Schema):
    """POST .../sign-off and .../return body: the tutor's comment (required to return)."""

    class Meta:
        unknown = RAISE

    comment = Text(DECISION_MAX, load_default="")


class ReopenInSchema(Schema):
    """POST .../reopen body: why a signed-off year is reopened (kept in the audit trail)."""

    class Meta:
        unknown = RAISE

    reason = Text(DECISION_MAX, min_length=1, required=True)


class CheckInSchema(Schema):
    """POST /entries/<id>/check body: "checked", or "query" with a comment for the student."""

    class Meta:
        unknown = RAISE

    result = fields.String(required=True, validate=validate.OneOf(CHECK_RESULTS))
    comment = Text(DECISION_MAX, load_default="")

    @validates_schema
    def _query_says_why(self, data, **kwargs):
        if data.get("result") == "query" and not data.get("comment"):
            raise ValidationError("Say what the student should answer or fix.", "comment")


class CheckSchema(Schema):
    """The tutor's check of one sampled entry."""

    result = fields.String(metadata={"enum": list(CHECK_RESULTS)})
    comment = fields.String()
    checked_at = UTCDateTime()


class SampledEntrySchema(EntrySchema):
    """An Entry of a year's sample with its check (null until the tutor looks at it)."""

    check = fields.Nested(CheckSchema, allow_none=True, dump_only=True)


class SampleSchema(Schema):
    """GET /students/<id>/periods/<n>/sample."""

    entries = fields.List(fields.Nested(SampledEntrySchema))


class SampleCountsSchema(Schema):
    """How far the tutor got with a year's sample."""

    size = fields.Integer()
    checked = fields.Integer()
    queried = fields.Integer()
    resolved = fields.Integer(metadata={"description": "Queried entries fixed since."})


class PeriodSubmissionSchema(Schema):
    """A progress period's `submission`: its state, the decision's comment and the sample."""

    status = fields.String(metadata={"enum": ["submitted", "returned", "signed_off"]})
    submitted_at = UTCDateTime()
    decided_at = UTCDateTime(allow_none=True)
    comment = fields.String()
    statement = fields.String()
    sample = fields.Nested(SampleCountsSchema)
