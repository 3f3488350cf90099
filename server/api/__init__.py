"""The JSON API (/api/v1): bearer-token authentication for every endpoint not marked public."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, g, request

from ..auth import tokens
from ..extensions import reads_first

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def public(view):
    """Mark an API view as open without a token."""
    view.is_public = True
    return view


def roles_required(*roles: str):
    """Allow only users with one of these roles (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.before_request
def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "is_public", False):
        return None
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    with reads_first():  # the token check holds no SQLite write lock (server/extensions.py)
        row = tokens.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if row is None:
        abort(401, description="Sign in again: this device's token is missing, revoked or expired.")
    g.token = row
    g.user = row.user
    return None


from . import (  # noqa: E402,F401  (modules register their routes on bp)
    auth,
    comments,
    exports,
    me_export,
    openapi,
    progress,
    signoff,
    students,
    submissions,
    sync,
    vocabulary,
)
