"""Schemas of progress, the cohort overview and a student's entry pages.

They dump the domain's dataclasses (dates become ISO strings here, nowhere else).
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..domain.pace import STATUSES
from .entries import EntrySchema
from .fields import Count
from .submissions import PeriodSubmissionSchema

STATUS = validate.OneOf(STATUSES)
Counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class EntriesQuerySchema(Schema):
    """GET /students/<id>/entries query: an optional period number and a page (from 1)."""

    class Meta:
        unknown = EXCLUDE  # other query parameters (cache busters) are ignored

    period = Count(1, load_default=None)
    page = Count(1, load_default=1)


class StudentEntriesSchema(Schema):
    """GET /students/<id>/entries: a page of a student's entries, newest first."""

    entries = fields.List(fields.Nested(EntrySchema))
    page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()


class PaceSchema(Schema):
    """Projection and weekly need: set for the current period only."""

    projected_count = fields.Integer(allow_none=True)
    needed_per_week = fields.Integer(allow_none=True)


class PeriodSchema(PaceSchema):
    """One logbook year of a progress report."""

    number = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    count = fields.Integer()
    target = fields.Integer()
    status = fields.String(validate=STATUS)
    by_region = Counts
    by_activity = Counts
    region_shortfalls = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    # Issue 13: the year's hand-in and the first day it can be submitted.
    submission = fields.Nested(PeriodSubmissionSchema, allow_none=True)
    submission_opens_on = fields.Date()


class SkillFadeSchema(Schema):
    """The skill-fade warning and its threshold in days."""

    threshold_days = fields.Integer()
    warning = fields.Boolean()


class ProgressSchema(Schema):
    """GET /progress and GET /students/<id>/progress."""

    annual_target = fields.Integer()
    total = fields.Integer()
    last_scanned_on = fields.Date(allow_none=True)
    days_since_last_scan = fields.Integer(allow_none=True)
    current_period = fields.Integer(allow_none=True)
    skill_fade = fields.Nested(SkillFadeSchema)
    region_minimum = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)
    periods = fields.List(fields.Nested(PeriodSchema))


class CohortRowSchema(PaceSchema):
    """One row of GET /students."""

    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    current_period = fields.Integer(allow_none=True)
    period = fields.Integer(allow_none=True)
    count = fields.Integer(allow_none=True)
    target = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True, validate=STATUS)
    last_scanned_on = fields.Date(allow_none=True)
    days_since_last_scan = fields.Integer(allow_none=True)
    skill_fade_warning = fields.Boolean()
    message = fields.String(allow_none=True)
    awaiting_signoff = fields.List(fields.Integer(), metadata={"description": "Periods to decide."})
