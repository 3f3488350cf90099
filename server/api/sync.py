"""Sync endpoints: POST /sync/push, GET /sync/pull, GET /sync/conflicts (thin views)."""

from __future__ import annotations

from flask import abort, g, request

from ..models import utcnow
from ..schemas.entries import (
    MAX_OPS,
    ConflictListSchema,
    ConflictQuerySchema,
    PullQuerySchema,
    PullResponseSchema,
    PushEnvelopeSchema,
    PushResponseSchema,
    PushSchema,
)
from ..services import sync
from . import bp, roles_required
from .openapi import documented

TOO_MANY_OPS = f"At most {MAX_OPS} ops in one push: send the rest in another batch."


@bp.post("/sync/push")
@documented(body=PushSchema, response=PushResponseSchema, errors=(403, 413, 415, 422))
@roles_required("student")
def push():
    """Push a batch of operations (at most 100), applied in one transaction."""
    body = request.get_json()
    if isinstance(body, dict) and isinstance(body.get("ops"), list) and len(body["ops"]) > MAX_OPS:
        abort(413, description=TOO_MANY_OPS)  # before anything is read or written
    data = PushEnvelopeSchema().load(body)
    results = sync.push(g.user.id, data["device_id"], data["ops"], today=utcnow().date())
    # Already in their JSON form: each entry is shown as it was right after its own op.
    return {"results": results}


@bp.get("/sync/pull")
@documented(query=PullQuerySchema, response=PullResponseSchema, errors=(403, 422))
@roles_required("student")
def pull():
    """Pull the changes of your logbook after a cursor, in seq order."""
    args = PullQuerySchema().load(request.args)
    return PullResponseSchema().dump(sync.pull(g.user.id, args["since"], args["limit"]))


@bp.get("/sync/conflicts")
@documented(query=ConflictQuerySchema, response=ConflictListSchema, errors=(403, 422))
@roles_required("student")
def conflicts():
    """The copies your devices sent that lost a conflict (kept so nothing is lost)."""
    args = ConflictQuerySchema().load(request.args)
    return ConflictListSchema().dump(
        {"conflicts": sync.conflict_copies(g.user.id, args["entry_id"])}
    )
