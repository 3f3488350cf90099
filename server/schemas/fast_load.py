"""The fast path of a push: well-formed ops and entries checked without marshmallow.

A push loads 100 envelopes and 100 entries; through marshmallow that is almost half of its
CPU. For well-formed input the checks below give exactly what the schemas' load() gives, read
off the schemas' own fields (lengths, choices, defaults); for anything else they answer None
and the caller loads with the schema, so every error message still comes from it.
tests/api/test_sync_fast_load.py holds the two equal on valid and invalid input.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import RAISE, Schema, fields, missing
from marshmallow.utils import from_iso_date

from ..domain.identifiers import identifier_messages
from .entries import (
    _UUID,
    EARLIEST_SCAN,
    FUTURE_SLACK,
    Choice,
    EntryInSchema,
    OpEnvelopeSchema,
    ReadOnly,
    ScanDate,
    StrictBoolean,
    Text,
    Uuid,
    Version,
)


def _fast_uuid(field, value, today):
    if type(value) is str and _UUID.match(value):
        return value
    return _DECLINE


def _fast_choice(field, value, today):
    if type(value) is str and value in field.choices:
        return value
    return _DECLINE


def _fast_text(field, value, today):
    if value is None:
        value = ""
    elif type(value) is not str:
        return _DECLINE
    text = value.strip()
    if not field.min_length <= len(text) <= field.max_length or identifier_messages(text):
        return _DECLINE
    return text


def _fast_scan_date(field, value, today):
    if type(value) is not str or not value:
        return _DECLINE
    try:
        day = from_iso_date(value)
    except (TypeError, ValueError):
        return _DECLINE
    today = today or dt.datetime.now(dt.UTC).date()
    if day > today + FUTURE_SLACK or day < EARLIEST_SCAN:
        return _DECLINE
    return day


def _fast_version(field, value, today):
    if type(value) is int and value >= 0:
        return value
    return _DECLINE


def _fast_boolean(field, value, today):
    return value if type(value) is bool else _DECLINE


def _fast_raw(field, value, today):
    if value is None and not field.allow_none:
        return _DECLINE
    return value


def _fast_never(field, value, today):
    return _DECLINE


_DECLINE = object()
# Most specific first: each custom field class with the check that mirrors its _deserialize.
_FAST_CHECKS = (
    (Uuid, _fast_uuid),
    (Text, _fast_text),
    (Choice, _fast_choice),
    (ScanDate, _fast_scan_date),
    (Version, _fast_version),
    (StrictBoolean, _fast_boolean),
    (ReadOnly, _fast_never),
)


def _fast_plan(schema: Schema) -> tuple | None:
    """(name, field, check, required, default) per load field, in the schema's order; None if
    a field is one the fast path does not know (then that schema is always loaded in full)."""
    if schema.opts.unknown != RAISE or schema._hooks and any(schema._hooks.values()):
        return None
    plan = []
    for name, field in schema.load_fields.items():
        if field.data_key is not None or field.validators:
            return None
        if isinstance(field, fields.Date) and field.format not in (None, "iso", "iso8601"):
            return None
        if type(field) is fields.Raw:
            check = _fast_raw
        else:
            check = next((c for cls, c in _FAST_CHECKS if type(field) is cls), None)
            if check is None:
                return None
        default = field.load_default
        plan.append((name, field, check, field.required, default))
    return tuple(plan)


def _fast_load(plan, data, today=None) -> dict | None:
    if plan is None or type(data) is not dict:
        return None
    if len(data) > len(plan) or not data.keys() <= {p[0] for p in plan}:
        return None
    loaded = {}
    for name, field, check, required, default in plan:
        if name in data:
            value = check(field, data[name], today)
            if value is _DECLINE:
                return None
            loaded[name] = value
        elif required:
            return None
        elif default is not missing:
            loaded[name] = default() if callable(default) else default
    return loaded


_ENVELOPE_PLAN = _fast_plan(OpEnvelopeSchema())
_ENTRY_PLAN = _fast_plan(EntryInSchema())


def fast_load_envelope(data) -> dict | None:
    """OpEnvelopeSchema().load(data) for well-formed data; None: load it with the schema."""
    return _fast_load(_ENVELOPE_PLAN, data)


def fast_load_entry(data, today: dt.date | None = None) -> dict | None:
    """EntryInSchema(today=today).load(data) for well-formed data; None: load it with the
    schema."""
    return _fast_load(_ENTRY_PLAN, data, today)
