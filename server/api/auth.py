"""Device tokens and the current user: POST/DELETE /auth/token, GET /me."""

from __future__ import annotations

from flask import g, request

from ..auth import tokens
from ..auth.throttle import mark_failed_sign_in, throttle_sign_in
from ..errors import json_error
from ..extensions import db
from ..schemas.accounts import TokenRequestSchema, TokenResponseSchema, UserSchema
from ..services import accounts
from . import bp, public


@bp.post("/auth/token")
@public
@throttle_sign_in
def create_token():
    """Sign a device in: exchange email and password for a bearer token."""
    data = TokenRequestSchema().load(request.get_json())
    user = accounts.check_credentials(data["email"], data["password"])
    if user is None:
        mark_failed_sign_in()
        return json_error(401, "The email or password is not right.")
    raw, _row = tokens.issue_token(user, data["device_name"])
    return TokenResponseSchema().dump({"token": raw, "user": user}), 201


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
