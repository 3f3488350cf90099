"""A logbook as a file: GET /logbook/export (one's own) and GET /students/<id>/export."""

from __future__ import annotations

from flask import abort, g, request

from .. import clock
from ..domain.roles import STAFF_ROLES
from ..exports.files import logbook_file, response
from ..schemas.exports import ExportQuerySchema
from ..services import accounts, exports
from . import bp, roles_required
from .openapi import documented

# The download's content types, as the document names them (without their parameters).
FILE_TYPES = tuple(kind.split(";")[0] for kind in exports.FORMATS.values())


def _download(student):
    query = ExportQuerySchema().load(request.args)
    export = exports.logbook_export(student, query["period"], clock.today())
    if export is None:
        abort(404, description=f"This logbook has no year {query['period']}.")
    return response(logbook_file(export, query["format"], student.name))


@bp.get("/logbook/export")
@documented(query=ExportQuerySchema, errors=(403, 404, 422), files=FILE_TYPES)
@roles_required("student")
def export_own_logbook():
    """The caller's logbook (one year or all) as a PDF, CSV or XLSX file."""
    return _download(g.user)


@bp.get("/students/<int:student_id>/export")
@documented(query=ExportQuerySchema, errors=(403, 404, 422), files=FILE_TYPES)
@roles_required(*STAFF_ROLES)
def export_student_logbook(student_id: int):
    """A student's logbook (one year or all) as a PDF, CSV or XLSX file."""
    student = accounts.visible_student(g.user, student_id)
    if student is None:
        abort(404, description="No such student.")
    return _download(student)
