"""The fields of the logbook's schemas: they check themselves in one step and say why not.

Loading trims strings, bounds them and screens free text for patient identifiers; timestamps
dump as ISO 8601 UTC ending in `Z`. The scan-date check takes today from `today_for_load`
(set by the caller that knows the date: one clock for the server, no clock read in here).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from contextvars import ContextVar

from marshmallow import ValidationError, fields, missing, validate

from ..domain import vocabulary
from ..domain.identifiers import identifier_messages

EARLIEST_SCAN = dt.date(2000, 1, 1)
FUTURE_SLACK = dt.timedelta(days=1)  # the server's date may be behind the device's time zone
# Matched with fullmatch: a `$` would accept a trailing newline.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The largest value of an Integer column (PostgreSQL's int4; SQLite's are wider): numbers
# past it are refused when loaded, never sent to the database.
INT_MAX = 2**31 - 1
# A NUL byte (PostgreSQL refuses it in text) or a lone surrogate (not encodable as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A context variable, not a schema attribute: the schemas are built once at import and shared
# by every request thread, so the date of one load must not leak into another's.
_TODAY: ContextVar[dt.date | None] = ContextVar("scanlog_today", default=None)


@contextlib.contextmanager
def today_for_load(today: dt.date):
    """Within this block, ScanDate refuses days after `today` (plus the slack)."""
    token = _TODAY.set(today)
    try:
        yield
    finally:
        _TODAY.reset(token)


def utc_text(value: dt.datetime) -> str:
    """A timestamp as ISO 8601 UTC with a `Z`, to the millisecond."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


# A push stamps all its entries with one time, and shows each twice (created_at, updated_at).
_utc_text_memo = functools.lru_cache(maxsize=256)(utc_text)


class UTCDateTime(fields.DateTime):
    """A timestamp shown as ISO 8601 UTC with a `Z`, to the millisecond."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else _utc_text_memo(value)


class _SelfChecked:
    """For fields whose checks live in `_deserialize`: a value that is there goes straight
    to them, without marshmallow's generic steps around it (the missing and null checks, and
    a validator chain that builds an And() on every call: a quarter of a push's loading)."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Load a value: absent or null ones the generic way, the others by `_deserialize`."""
        if value is None or value is missing or self.validators:
            return super().deserialize(value, attr, data, **kwargs)
        return self._deserialize(value, attr, data, **kwargs)

    def _validate(self, value):
        if self.validators:
            super()._validate(value)


class String(_SelfChecked, fields.String):
    """A string that can be stored: no NUL byte, no lone surrogate (JSON's "\\ud800")."""

    default_error_messages = {"unstorable": "Must not contain NUL bytes or lone surrogates."}

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not str:
            value = super()._deserialize(value, attr, data, **kwargs)  # its answer, its message
        if "\x00" in value or (not value.isascii() and _UNSTORABLE.search(value)):
            raise self.make_error("unstorable")
        return value


class Value(_SelfChecked, fields.Raw):
    """Any JSON value, taken as is (checked later by whoever reads it)."""


class Uuid(String):
    """A UUID in its canonical lower-case form (as crypto.randomUUID() makes it)."""

    default_error_messages = {
        "invalid_uuid": "Must be a lower-case UUID such as 3f2b8c1e-9d4a-4e6f-8a7b-2c1d0e9f8a7b."
    }

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not _UUID.fullmatch(value):
            raise self.make_error("invalid_uuid")
        return value


class Text(String):
    """Free text: trimmed (null reads as empty), bounded in length, with no patient identifier.

    The checks run in one step rather than as a chain of validators: a push loads 100
    entries of five texts each, and this is the hot path of the sync benchmark.
    """

    default_error_messages = {
        "too_long": "At most {max} characters.",
        "too_short": "Cannot be empty.",
    }

    def __init__(self, max_length: int, min_length: int = 0, **kwargs):
        kwargs.setdefault("allow_none", True)
        metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
        if min_length:
            metadata["minLength"] = min_length
        super().__init__(metadata=metadata, **kwargs)
        self.max_length, self.min_length = max_length, min_length

    def deserialize(self, value, attr=None, data=None, **kwargs):
        """Load a text; null reads as empty."""
        if value is None:
            value = ""
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        if len(text) < self.min_length:
            raise self.make_error("too_short")
        no_identifiers(text)
        return text


class Choice(String):
    """One of a few fixed words (trimmed)."""

    def __init__(self, choices: list[str], **kwargs):
        super().__init__(metadata={"enum": choices}, **kwargs)
        self.choices = frozenset(choices)
        self.error_messages["one_of"] = f"Must be one of: {', '.join(choices)}."

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if value not in self.choices:
            raise self.make_error("one_of")
        return value


def Code(list_name: str, **kwargs) -> Choice:
    """A code of one vocabulary list."""
    return Choice([code for code, _ in vocabulary.VOCABULARY[list_name]], **kwargs)


class Version(_SelfChecked, fields.Integer):
    """A version number: a JSON integer, from 0 to INT_MAX."""

    default_error_messages = {
        "negative": "Must be greater than or equal to 0.",
        "too_large": f"Must be less than or equal to {INT_MAX}.",
    }

    def __init__(self, **kwargs):
        metadata = {"minimum": 0, "maximum": INT_MAX, **kwargs.pop("metadata", {})}
        super().__init__(strict=True, metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if number < 0:
            raise self.make_error("negative")
        if number > INT_MAX:
            raise self.make_error("too_large")
        return number


def Count(minimum: int = 0, **kwargs) -> fields.Integer:
    """An integer of a query or body that reaches an Integer column: minimum to INT_MAX."""
    return fields.Integer(validate=validate.Range(min=minimum, max=INT_MAX), **kwargs)


class ScanDate(_SelfChecked, fields.Date):
    """The day of a scan: from 2000-01-01 to tomorrow (the server's date may lag the device's)."""

    default_error_messages = {
        "future": "Cannot be in the future.",
        "too_early": f"Cannot be before {EARLIEST_SCAN.isoformat()}.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        today = _TODAY.get()
        if today is None:
            raise RuntimeError("load scan dates inside today_for_load(today)")
        if day > today + FUTURE_SLACK:
            raise self.make_error("future")
        if day < EARLIEST_SCAN:
            raise self.make_error("too_early")
        return day


class ReadOnly(_SelfChecked, fields.Raw):
    """A field the server owns: named in the docs, refused by name when a device sends it."""

    default_error_messages = {"read_only": "Read-only: the server sets this field."}

    def __init__(self, **kwargs):
        super().__init__(metadata={"readOnly": True}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raise self.make_error("read_only")


class StrictBoolean(_SelfChecked, fields.Boolean):
    """true or false, nothing else (not 1, not "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


def no_identifiers(value: str) -> None:
    """Refuse text that looks like it holds a patient identifier."""
    messages = identifier_messages(value)
    if messages:
        raise ValidationError(messages)
