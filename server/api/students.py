"""Tutors and admins: GET /students (the cohort overview) and GET /students/<id>/entries."""

from __future__ import annotations

from flask import abort, g, request

from .. import clock
from ..domain.roles import STAFF_ROLES
from ..schemas.progress import CohortRowSchema, EntriesQuerySchema, StudentEntriesSchema
from ..services import accounts, cohort, progress, signoff
from . import bp, roles_required
from .openapi import documented


@bp.get("/students")
@documented(response=CohortRowSchema(many=True), errors=(403,))
@roles_required(*STAFF_ROLES)
def list_students():
    """The students the viewer may see: this year's figures and the years awaiting sign-off."""
    rows = signoff.with_queue(cohort.cohort_rows(g.user, clock.today()))
    return CohortRowSchema(many=True).dump(rows)


@bp.get("/students/<int:student_id>/entries")
@documented(query=EntriesQuerySchema, response=StudentEntriesSchema, errors=(403, 404, 422))
@roles_required(*STAFF_ROLES)
def student_entries(student_id: int):
    """A student's entries, newest first, 50 a page, optionally in one logbook period."""
    query = EntriesQuerySchema().load(request.args)
    student = accounts.visible_student(g.user, student_id)
    if student is None:
        abort(404, description="No such student.")
    result = progress.student_entries(student, query["period"], query["page"])
    if result is None:
        abort(404, description=f"This logbook has no period {query['period']}.")
    return StudentEntriesSchema().dump(result)
