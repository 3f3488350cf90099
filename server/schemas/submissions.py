"""Schemas of the yearly submissions a student hands in."""

from __future__ import annotations

import json

from marshmallow import Schema, fields


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


class SubmissionListSchema(Schema):
    """The signed-in student's submissions, newest first."""

    submissions = fields.List(fields.Nested(SubmissionSchema))
