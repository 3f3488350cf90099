"""Device tokens and the current user: POST/DELETE /auth/token, GET /me."""

from __future__ import annotations

from flask import g, jsonify, request

from ..auth import tokens
from ..auth.throttle import TOO_MANY, Throttled, checked_credentials, set_known_device
from ..errors import json_error
from ..extensions import db
from ..schemas.accounts import TokenRequestSchema, TokenResponseSchema, UserSchema
from . import bp, public


@bp.post("/auth/token")
@public
def create_token():
    """Sign a device in: exchange email and password for a bearer token."""
    data = TokenRequestSchema().load(request.get_json())
    try:
        user, known_device = checked_credentials(data["email"], data["password"])
    except Throttled as e:
        response = json_error(429, TOO_MANY)
        response.headers["Retry-After"] = str(e.retry_after)
        return response
    if user is None:
        return json_error(401, "The email or password is not right.")
    raw, _row = tokens.issue_token(user, data["device_name"])
    response = jsonify(TokenResponseSchema().dump({"token": raw, "user": user}))
    set_known_device(response, known_device)
    return response, 201


@bp.delete("/auth/token")
def revoke_token():
    """Sign this device out: revoke the token used for this request at once."""
    tokens.revoke(g.token)
    db.session.commit()
    return "", 204


@bp.get("/me")
def me():
    """The signed-in user, with a student's logbook settings."""
    return UserSchema().dump(g.user)
