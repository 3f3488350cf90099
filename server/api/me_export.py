"""GET /me/export?format=json|csv: a student's own data, for a subject-access request."""

from __future__ import annotations

from flask import g, request

from ..schemas.data_export import DataExportSchema, ExportQuerySchema
from ..web.data_export import download
from . import bp, roles_required
from .openapi import documented


@bp.get("/me/export")
@documented(
    query=ExportQuerySchema, response=DataExportSchema, errors=(403, 422), files=("text/csv",)
)
@roles_required("student")
def export_my_data():
    """Everything the server holds of the signed-in student's, as JSON or CSV (a download)."""
    return download(g.user, ExportQuerySchema().load(request.args)["format"])
