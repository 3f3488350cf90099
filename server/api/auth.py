"""Device tokens and the current user: POST/DELETE /auth/token, /auth/tokens, GET /me."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import abort, g, jsonify, request

from ..auth import tokens
from ..auth.throttle import TOO_MANY, Throttled, checked_credentials, set_known_device
from ..errors import json_error
from ..extensions import db
from ..models import DeviceToken
from ..schemas.accounts import (
    DeviceListSchema,
    TokenRequestSchema,
    TokenResponseSchema,
    UserSchema,
)
from . import bp, public
from .openapi import documented


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


@dataclass
class _Device:
    """A signed-in device as its owner sees it."""

    id: int
    device_name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool


@bp.get("/auth/tokens")
@documented(response=DeviceListSchema)
def list_tokens():
    """Your devices still signed in (named by model and the date signed in), newest first."""
    devices = [
        _Device(t.id, t.device_name, t.created_at, t.last_used_at, t.id == g.token.id)
        for t in tokens.tokens_of(g.user)
        if t.revoked_at is None
    ]
    return DeviceListSchema().dump({"devices": devices})


@bp.delete("/auth/tokens/<int:token_id>")
@documented(ok=204, errors=(404,))
def revoke_device(token_id: int):
    """Sign one of your devices out: its token stops working at once."""
    row = db.session.get(DeviceToken, token_id)
    if row is None or row.user_id != g.user.id or row.revoked_at is not None:
        abort(404, description="There is no such device signed in to your account.")
    tokens.revoke(row)
    db.session.commit()
    return "", 204
