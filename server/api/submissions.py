"""Yearly submission from the app: POST /periods/<n>/submit, GET /submissions."""

from __future__ import annotations

import datetime as dt

from flask import g
from marshmallow import Schema, fields

from ..errors import json_error
from ..services import submissions
from . import bp, roles_required
from .openapi import documented


class SubmissionSchema(Schema):
    """One hand-in of a logbook year: open -> submitted -> signed_off | returned."""

    id = fields.Integer()
    period = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    state = fields.String(metadata={"enum": ["submitted", "signed_off", "returned"]})
    entry_count = fields.Integer()
    counts = fields.Function(
        submissions.counts_of,
        metadata={"description": "Counts recorded at submission: total, by_region, by_activity."},
    )
    submitted_at = fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ")
    decided_at = fields.DateTime(format="%Y-%m-%dT%H:%M:%SZ", allow_none=True)
    decision_comment = fields.String()


class SubmissionListSchema(Schema):
    """The signed-in student's submissions, newest first."""

    submissions = fields.List(fields.Nested(SubmissionSchema))


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@bp.post("/periods/<int:number>/submit")
@documented(response=SubmissionSchema, ok=201, errors=(403, 404, 409))
@roles_required("student")
def submit_period(number: int):
    """Submit a logbook year for sign-off; 409 if submitted, signed off or not started."""
    if submissions.period_bounds(g.user, number) is None:
        return json_error(404, f"Logbook year {number} does not exist.")
    try:
        row = submissions.submit(g.user, number, _today())
    except submissions.SubmissionError as e:
        return json_error(409, str(e))
    return SubmissionSchema().dump(row), 201


@bp.get("/submissions")
@documented(response=SubmissionListSchema, errors=(403,))
@roles_required("student")
def list_submissions():
    """The signed-in student's submissions, newest first."""
    return SubmissionListSchema().dump({"submissions": submissions.history(g.user.id)})
