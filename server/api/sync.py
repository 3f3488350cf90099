"""Sync endpoints: POST /sync/push, GET /sync/pull and /sync/status, GET /sync/conflicts."""

from __future__ import annotations

from flask import abort, g, request

from .. import clock
from ..schemas.fields import today_for_load
from ..schemas.sync import (
    MAX_OPS,
    ConflictListSchema,
    ConflictQuerySchema,
    PullQuerySchema,
    PullResponseSchema,
    PushResponseSchema,
    PushSchema,
    SyncStatusSchema,
)
from ..services import sync
from . import bp, roles_required
from .openapi import documented

TOO_MANY_OPS = f"At most {MAX_OPS} ops in one push: send the rest in another batch."
# Built once at import: a schema's construction costs more than loading a small request.
_push_in, _push_out = PushSchema(), PushResponseSchema()
_pull_in, _pull_out = PullQuerySchema(), PullResponseSchema()
_conflicts_in, _conflicts_out = ConflictQuerySchema(), ConflictListSchema()
_status_out = SyncStatusSchema()


@bp.post("/sync/push")
@documented(body=PushSchema, response=PushResponseSchema, errors=(403, 413, 415, 422))
@roles_required("student")
def push():
    """Push a batch of operations (at most 100), applied in one transaction."""
    body = request.get_json()
    # The one check of the batch size, before anything is loaded, read or written.
    if isinstance(body, dict) and isinstance(body.get("ops"), list) and len(body["ops"]) > MAX_OPS:
        abort(413, description=TOO_MANY_OPS)
    with today_for_load(clock.today()):
        data = _push_in.load(body)
    return _push_out.dump({"results": sync.push(g.user.id, data["device_id"], data["ops"])})


@bp.get("/sync/pull")
@documented(query=PullQuerySchema, response=PullResponseSchema, errors=(403, 422))
@roles_required("student")
def pull():
    """Pull the changes of your logbook after a cursor, in seq order."""
    args = _pull_in.load(request.args)
    return _pull_out.dump(sync.pull(g.user.id, args["since"], args["limit"]))


@bp.get("/sync/status")
@documented(response=SyncStatusSchema, errors=(403,))
@roles_required("student")
def status():
    """Your logbook's count of entries and last seq, to compare with a device's copy."""
    return _status_out.dump(sync.status(g.user.id))


@bp.get("/sync/conflicts")
@documented(query=ConflictQuerySchema, response=ConflictListSchema, errors=(403, 422))
@roles_required("student")
def conflicts():
    """The copies your devices sent that lost a conflict (kept so nothing is lost)."""
    args = _conflicts_in.load(request.args)
    return _conflicts_out.dump({"conflicts": sync.conflict_copies(g.user.id, args["entry_id"])})
