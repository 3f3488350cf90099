"""GET /me/export?format=json|csv: a student's own data, for a subject-access request."""

from __future__ import annotations

from flask import g, request

from ..exports import files
from ..extensions import db
from ..schemas.data_export import DataExportSchema, ExportQuerySchema
from ..services import data_export
from . import bp, roles_required
from .openapi import documented


@bp.get("/me/export")
@documented(
    query=ExportQuerySchema, response=DataExportSchema, errors=(403, 422), files=("text/csv",)
)
@roles_required("student")
def export_my_data():
    """Everything the server holds of the signed-in student's, as JSON or CSV (a download)."""
    fmt = ExportQuerySchema().load(request.args)["format"]
    file = files.personal_data_file(g.user, fmt)
    data_export.record_export(g.user, fmt)
    db.session.commit()
    return files.response(file)
