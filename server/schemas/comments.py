"""Schemas of a tutor's comment on an entry."""

from __future__ import annotations

from marshmallow import Schema, fields

from .fields import Text, UTCDateTime
from .strict import StrictSchema

COMMENT_MAX = 2000


class CommentSchema(Schema):
    """The contract's Comment: a tutor's feedback on an entry."""

    id = fields.Integer(dump_only=True)
    entry_id = fields.String(dump_only=True)
    author_name = fields.Method("_author_name", dump_only=True, metadata={"type": "string"})
    body = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    seq = fields.Integer(dump_only=True)
    deleted = fields.Boolean(dump_only=True)

    def _author_name(self, comment) -> str:
        return comment.author.name if comment.author is not None else "A former tutor"


class CommentInSchema(StrictSchema):
    """POST /entries/<id>/comments body."""

    body = Text(COMMENT_MAX, min_length=1, required=True, allow_none=False)
