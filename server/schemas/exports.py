"""The query of a logbook export: ?format=pdf|csv|xlsx[&period=N]."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..services.exports import FORMATS


class ExportQuerySchema(Schema):
    """GET .../export: the file format and, optionally, one logbook year (else every year)."""

    class Meta:
        unknown = EXCLUDE

    format = fields.String(
        required=True,
        validate=validate.OneOf(tuple(FORMATS), error="Choose pdf, csv or xlsx."),
    )
    period = fields.Integer(load_default=None, validate=validate.Range(min=1))


class CohortExportQuerySchema(Schema):
    """GET /cohort/export: csv or xlsx."""

    class Meta:
        unknown = EXCLUDE

    format = fields.String(
        required=True, validate=validate.OneOf(("csv", "xlsx"), error="Choose csv or xlsx.")
    )
