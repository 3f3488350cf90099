"""GET /account/data-export?format=json|csv: a student downloads their own data."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from ..exports import files
from ..extensions import db
from ..schemas.data_export import ExportQuerySchema
from ..services import data_export
from . import bp
from .access import roles_required


@bp.get("/account/data-export")
@roles_required("student")
def data_export_download():
    """The signed-in student's data as a JSON or CSV download (400 for another format)."""
    if ExportQuerySchema().validate(request.args):
        abort(400, description="Choose format=json or format=csv.")
    fmt = ExportQuerySchema().load(request.args)["format"]
    file = files.personal_data_file(current_user, fmt)
    data_export.record_export(current_user, fmt)
    db.session.commit()
    return files.response(file)
