"""Progress: GET /progress (a student's own) and GET /students/<id>/progress."""

from __future__ import annotations

from flask import abort, g

from .. import clock
from ..domain.roles import STAFF_ROLES
from ..schemas.progress import ProgressSchema
from ..services import accounts, signoff
from . import bp, roles_required
from .openapi import documented


@bp.get("/progress")
@documented(response=ProgressSchema, errors=(403,))
@roles_required("student")
def own_progress():
    """The signed-in student's progress: periods, pace, skill fade and breadth."""
    return ProgressSchema().dump(signoff.progress_with_submissions(g.user, clock.today()))


@bp.get("/students/<int:student_id>/progress")
@documented(response=ProgressSchema, errors=(403, 404))
@roles_required(*STAFF_ROLES)
def student_progress(student_id: int):
    """A student's progress, for their tutor or an admin (404 for anyone else)."""
    student = accounts.visible_student(g.user, student_id)
    if student is None:
        abort(404, description="No such student.")
    return ProgressSchema().dump(signoff.progress_with_submissions(student, clock.today()))
