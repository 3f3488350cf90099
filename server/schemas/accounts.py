"""Schemas for users and device tokens."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..services.progress import skill_fade_days
from .fields import String, no_identifiers
from .strict import StrictSchema


class TokenRequestSchema(StrictSchema):
    """POST /auth/token body."""

    email = String(required=True, validate=validate.Length(min=1, max=254))
    password = String(required=True, validate=validate.Length(min=1, max=200))
    device_name = String(
        load_default="Unnamed device", validate=[validate.Length(max=100), no_identifiers]
    )


class LogbookSchema(Schema):
    """A student's logbook settings."""

    pgcert_completed_on = fields.Date(allow_none=True)
    registration_ends_on = fields.Date(allow_none=True)
    annual_target = fields.Integer()
    # Optional breadth rule (scans per region a year); null when off.
    region_minimum = fields.Integer(allow_none=True)
    # The gap that turns the skill-fade warning on (config SKILL_FADE_DAYS), so the phone's
    # offline progress warns when the server does.
    skill_fade_days = fields.Function(lambda _settings: skill_fade_days(), dump_only=True)


class UserSchema(Schema):
    """The contract's User."""

    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    logbook = fields.Method("_logbook", dump_only=True, allow_none=True)

    def _logbook(self, user):
        if user.role != "student" or user.logbook is None:
            return None
        return LogbookSchema().dump(user.logbook)


class TokenResponseSchema(Schema):
    """POST /auth/token answer: the raw token (shown once) and the user."""

    token = fields.String(dump_only=True)
    user = fields.Nested(UserSchema, dump_only=True)


class DeviceTokenSchema(Schema):
    """A device token as listed to its owner or an admin (never the token itself)."""

    id = fields.Integer(dump_only=True)
    device_name = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class DeviceSchema(DeviceTokenSchema):
    """One of the caller's signed-in devices, marked if it is the one asking."""

    current = fields.Boolean(dump_only=True)


class DeviceListSchema(Schema):
    """GET /auth/tokens answer: the caller's devices still signed in, newest first."""

    devices = fields.List(fields.Nested(DeviceSchema), dump_only=True)
