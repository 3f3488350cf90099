"""The base of every request schema: unknown fields are refused without naming them.

marshmallow keys an "Unknown field." error by the name the client sent. A name is typed text
too (an NHS number sent as a field name was stored in a push op's errors and echoed back), so
the refusal is counted under "_schema" instead: nothing the client named is ever repeated.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError

UNKNOWN_FIELDS = "Unknown field: remove fields this version does not know."


def unknown_fields_message(count: int) -> str:
    """The neutral refusal of `count` unknown fields (their names are never repeated)."""
    if count == 1:
        return UNKNOWN_FIELDS
    return f"{count} unknown fields: remove fields this version does not know."


class StrictSchema(Schema):
    """A request schema: unknown fields raise, counted under "_schema", never by name."""

    class Meta:
        unknown = RAISE

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs):
        """Replace the errors keyed by an unknown field's name with one neutral message."""
        messages = error.messages
        if many or not isinstance(messages, dict):
            return
        known = {field.data_key or name for name, field in self.fields.items()}
        unknown = [key for key in messages if key != "_schema" and key not in known]
        if not unknown:
            return
        kept = {key: value for key, value in messages.items() if key not in unknown}
        kept.setdefault("_schema", []).append(unknown_fields_message(len(unknown)))
        # data=None: the refused input (with its unknown names) is not carried any further.
        raise ValidationError(kept, valid_data=error.valid_data) from None
