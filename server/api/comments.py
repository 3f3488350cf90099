"""Tutor feedback: POST /entries/<id>/comments."""

from __future__ import annotations

from flask import abort, g, request

from ..domain.roles import STAFF_ROLES
from ..extensions import db
from ..schemas.comments import CommentInSchema, CommentSchema
from ..services import sync
from . import bp, roles_required
from .openapi import documented

_comment_in, _comment = CommentInSchema(), CommentSchema()


@bp.post("/entries/<entry_id>/comments")
@documented(body=CommentInSchema, ok=201, response=CommentSchema, errors=(403, 404, 415, 422))
@roles_required(*STAFF_ROLES)
def add_comment(entry_id: str):
    """Comment on an entry of a student you tutor (admins: any student)."""
    data = _comment_in.load(request.get_json())
    comment = sync.add_comment(g.user, entry_id, data["body"])
    if comment is None:
        abort(404, description="No entry with that id that you can see.")
    db.session.commit()
    return _comment.dump(comment), 201
