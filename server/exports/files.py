"""An export as a file to download: bytes, Content-Type and file name, for API, web and CLI."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import User
from ..schemas.data_export import DataExportSchema, export_file
from ..services import data_export
from ..services.exports import FORMATS, CohortYearRow, LogbookExport, file_name
from . import pdf, tabular


@dataclass(frozen=True)
class ExportFile:
    """A rendered export."""

    data: bytes
    mimetype: str
    filename: str


def logbook_file(export: LogbookExport, fmt: str, name: str) -> ExportFile:
    """The logbook export rendered as pdf, csv or xlsx."""
    period = None if export.whole else export.years[0].report.number
    if fmt == "pdf":
        data = pdf.logbook_pdf(export)
    elif fmt == "csv":
        data = tabular.to_csv(tabular.ENTRY_COLUMNS, tabular.entry_rows(export))
    else:
        rows = tabular.entry_rows(export)
        data = tabular.to_xlsx(tabular.ENTRY_COLUMNS, rows, "Record of learning")
    return ExportFile(data, FORMATS[fmt], file_name(name, period, fmt))


def cohort_file(rows: list[CohortYearRow], fmt: str) -> ExportFile:
    """The cohort table as csv or xlsx."""
    columns = tabular.cohort_columns()
    if fmt == "csv":
        data = tabular.to_csv(columns, rows)
    else:
        data = tabular.to_xlsx(columns, rows, "Cohort")
    return ExportFile(data, FORMATS[fmt], f"scanlog-cohort.{fmt}")


def personal_data_file(user: User, fmt: str) -> ExportFile:
    """Everything the server holds of a student's, as JSON or CSV (a subject-access request)."""
    data, mimetype, name = export_file(DataExportSchema().dump(data_export.export_of(user)), fmt)
    return ExportFile(data.encode(), mimetype, name)


def response(file: ExportFile):
    """A Flask download response (attachment, with the file name)."""
    from flask import Response

    return Response(
        file.data,
        content_type=file.mimetype,  # already carries its charset
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "private, no-store",
        },
    )
