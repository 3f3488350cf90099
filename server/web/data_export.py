"""GET /account/data-export?format=json|csv: a student downloads their own data."""

from __future__ import annotations

from flask import Response, abort, request
from flask_login import current_user

from ..extensions import db
from ..models import User
from ..schemas.data_export import DataExportSchema, ExportQuerySchema, export_file
from ..services import data_export
from . import bp
from .access import roles_required


def download(user: User, file_format: str) -> Response:
    """The user's export as a file download, audited in the one commit of the request."""
    dumped = DataExportSchema().dump(data_export.export_of(user))
    data_export.record_export(user, file_format)
    db.session.commit()
    body, mimetype, name = export_file(dumped, file_format)
    response = Response(body, content_type=mimetype)  # already carries its charset
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/account/data-export")
@roles_required("student")
def data_export_download():
    """The signed-in student's data as a JSON or CSV download (400 for another format)."""
    if ExportQuerySchema().validate(request.args):
        abort(400, description="Choose format=json or format=csv.")
    return download(current_user, ExportQuerySchema().load(request.args)["format"])
