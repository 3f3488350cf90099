"""Yearly submission from the app: POST /periods/<n>/submit, GET /submissions."""

from __future__ import annotations

import datetime as dt

from flask import g

from ..errors import json_error
from ..models import Submission
from ..services import submissions
from . import bp, roles_required


def submission_json(row: Submission) -> dict:
    """A submission as the API shows it."""
    return {
        "id": row.id,
        "period": row.period,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "state": row.state,
        "entry_count": row.entry_count,
        "counts": submissions.counts_of(row),
        "submitted_at": _stamp(row.submitted_at),
        "decided_at": _stamp(row.decided_at),
        "decision_comment": row.decision_comment or "",
    }


def _stamp(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


@bp.post("/periods/<int:number>/submit")
@roles_required("student")
def submit_period(number: int):
    """Submit a logbook year for sign-off (201); 409 if it is already submitted or signed off."""
    today = dt.datetime.now(dt.UTC).date()
    if submissions.period_bounds(g.user, number) is None:
        return json_error(404, f"Logbook year {number} does not exist.")
    try:
        row = submissions.submit(g.user, number, today)
    except submissions.SubmissionError as e:
        return json_error(409, str(e))
    return submission_json(row), 201


@bp.get("/submissions")
@roles_required("student")
def list_submissions():
    """The signed-in student's submissions, newest first."""
    return {"submissions": [submission_json(r) for r in submissions.history(g.user.id)]}
