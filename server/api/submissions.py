"""Yearly submission from the app: POST /periods/<n>/submit, GET /submissions."""

from __future__ import annotations

from flask import g

from .. import clock
from ..errors import json_error
from ..schemas.submissions import SubmissionListSchema, SubmissionSchema
from ..services import progress, submissions
from . import bp, roles_required
from .openapi import documented


@bp.post("/periods/<int:number>/submit")
@documented(response=SubmissionSchema, ok=201, errors=(403, 404, 409))
@roles_required("student")
def submit_period(number: int):
    """Submit a logbook year for sign-off; 409 if submitted, signed off or not started."""
    if progress.period_of(g.user, number) is None:
        return json_error(404, f"Logbook year {number} does not exist.")
    try:
        row = submissions.submit(g.user, number, clock.today())
    except submissions.SubmissionError as e:
        return json_error(409, str(e))
    return SubmissionSchema().dump(row), 201


@bp.get("/submissions")
@documented(response=SubmissionListSchema, errors=(403,))
@roles_required("student")
def list_submissions():
    """The signed-in student's submissions, newest first."""
    return SubmissionListSchema().dump({"submissions": submissions.history(g.user.id)})
