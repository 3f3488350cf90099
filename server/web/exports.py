"""Downloads: a student's logbook (PDF, CSV, XLSX; a year or all) and the cohort table."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from marshmallow import ValidationError

from .. import clock
from ..domain.roles import ROLES, STAFF_ROLES
from ..exports.files import cohort_file, logbook_file, response
from ..schemas.exports import CohortExportQuerySchema, ExportQuerySchema
from ..services import exports
from . import bp
from .access import roles_required, visible_student


def _query(schema) -> dict:
    try:
        return schema.load(request.args)
    except ValidationError:
        abort(404, description="No such download: choose one of the links on the page.")


@bp.get("/students/<int:student_id>/export")
@roles_required(*ROLES)
def student_export(student_id: int):
    """A student's logbook as a file: ?format=pdf|csv|xlsx[&period=N]."""
    person = visible_student(student_id)
    query = _query(ExportQuerySchema())
    export = exports.logbook_export(person, query["period"], clock.today())
    if export is None:
        abort(404, description=f"This logbook has no year {query['period']}.")
    return response(logbook_file(export, query["format"], person.name))


@bp.get("/cohort/export")
@roles_required(*STAFF_ROLES)
def cohort_export():
    """One row per student per year (the students the viewer may see): ?format=csv|xlsx."""
    query = _query(CohortExportQuerySchema())
    rows = exports.cohort_export(current_user, clock.today())
    return response(cohort_file(rows, query["format"]))
