"""Sign-off for tutors and integrations: a year's sample, checks, sign-off, return, reopen."""

from __future__ import annotations

from flask import abort, g, request

from ..domain.roles import STAFF_ROLES
from ..errors import json_error
from ..extensions import db
from ..schemas.submissions import (
    CheckInSchema,
    CheckSchema,
    DecisionInSchema,
    ReopenInSchema,
    SampleSchema,
    SubmissionSchema,
)
from ..services import accounts, sampling, submissions
from . import bp, roles_required
from .openapi import documented
from .submissions import json_body


def _latest_submission(student_id: int, number: int):
    """The year's latest submission of a student the viewer may see (404 otherwise)."""
    if accounts.visible_student(g.user, student_id) is None:
        abort(404, description="No such student.")
    row = submissions.latest(student_id, number)
    if row is None:
        abort(404, description=f"Year {number} has not been submitted.")
    return row


@bp.get("/students/<int:student_id>/periods/<int:number>/sample")
@documented(response=SampleSchema, errors=(403, 404))
@roles_required(*STAFF_ROLES)
def period_sample(student_id: int, number: int):
    """The entries drawn for the tutor to check, with their checks (404 until submitted)."""
    row = _latest_submission(student_id, number)
    return SampleSchema().dump({"entries": sampling.sample_of(row)})


@bp.post("/entries/<entry_id>/check")
@documented(body=CheckInSchema, response=CheckSchema, errors=(403, 404, 409, 422))
@roles_required(*STAFF_ROLES)
def check_entry(entry_id: str):
    """Mark a sampled entry checked, or query it (the query reaches the student's phone)."""
    data = CheckInSchema().load(request.get_json())
    try:
        row, first = sampling.check(g.user, entry_id, data["result"], data["comment"])
    except LookupError:
        abort(404, description="No entry with that id that you can see.")
    except sampling.NotSampled as e:
        return json_error(409, str(e))
    db.session.commit()
    return CheckSchema().dump(row), 201 if first else 200


def _decide(student_id: int, number: int, decide):
    data = DecisionInSchema().load(json_body())
    row = _latest_submission(student_id, number)
    try:
        decide(g.user, row, data["comment"])
    except submissions.SubmissionError as e:
        return json_error(409, str(e))
    db.session.commit()
    return SubmissionSchema().dump(row), 200


@bp.post("/students/<int:student_id>/periods/<int:number>/sign-off")
@documented(body=DecisionInSchema, response=SubmissionSchema, errors=(403, 404, 409, 422))
@roles_required("tutor")
def sign_off_period(student_id: int, number: int):
    """The student's tutor signs off a submitted year; 409 until the sample is looked at."""
    return _decide(student_id, number, submissions.sign_off)


@bp.post("/students/<int:student_id>/periods/<int:number>/return")
@documented(body=DecisionInSchema, response=SubmissionSchema, errors=(403, 404, 409, 422))
@roles_required("tutor")
def return_period(student_id: int, number: int):
    """The student's tutor returns a submitted year with a comment saying what to change."""
    if not DecisionInSchema().load(json_body())["comment"]:
        message = "Say what the student should change before returning it."
        return json_error(422, message, {"comment": [message]})
    return _decide(student_id, number, submissions.return_for_changes)


@bp.post("/students/<int:student_id>/periods/<int:number>/reopen")
@documented(body=ReopenInSchema, response=SubmissionSchema, errors=(403, 404, 409, 422))
@roles_required(*STAFF_ROLES)
def reopen_period(student_id: int, number: int):
    """A tutor or admin reopens a signed-off year, with a reason kept in the audit trail."""
    data = ReopenInSchema().load(request.get_json())
    row = _latest_submission(student_id, number)
    try:
        submissions.reopen(g.user, row, data["reason"])
    except submissions.SubmissionError as e:
        return json_error(409, str(e))
    db.session.commit()
    return SubmissionSchema().dump(row), 200
