"""Yearly submission from the app: POST /periods/<n>/submit, GET /submissions."""

from __future__ import annotations

from flask import abort, g, request

from .. import clock
from ..errors import json_error
from ..extensions import db
from ..schemas.submissions import SubmissionListSchema, SubmissionSchema, SubmitInSchema
from ..services import progress, submissions
from . import bp, roles_required
from .openapi import documented


def json_body() -> dict:
    """The request's JSON object; an empty body reads as {} (the fields are optional)."""
    return request.get_json() if request.get_data() else {}


@bp.post("/periods/<int:number>/submit")
@documented(body=SubmitInSchema, response=SubmissionSchema, ok=201, errors=(403, 404, 409, 422))
@roles_required("student")
def submit_period(number: int):
    """Submit a logbook year for sign-off; 409 before its window opens or once submitted."""
    data = SubmitInSchema().load(json_body())
    if progress.period_of(g.user, number) is None:
        abort(404, description=f"Logbook year {number} does not exist.")
    try:
        row = submissions.submit(g.user, number, clock.today(), data["statement"])
    except submissions.StatementRequired as e:
        return json_error(422, str(e), {"statement": [str(e)]})
    except submissions.SubmissionError as e:
        return json_error(409, str(e))
    db.session.commit()
    return SubmissionSchema().dump(row), 201


@bp.get("/submissions")
@documented(response=SubmissionListSchema, errors=(403,))
@roles_required("student")
def list_submissions():
    """The signed-in student's submissions, newest first."""
    return SubmissionListSchema().dump({"submissions": submissions.history(g.user.id)})
