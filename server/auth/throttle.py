"""Throttling of failed sign-ins, on the web form and the token endpoint alike."""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..models import normalise_email

TOO_MANY = "Too many failed sign-in attempts. Wait a few minutes, then try again."


def _submitted_email() -> str:
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if hasattr(data, "get") else ""
    return normalise_email(str(email or ""))


def _address_and_email() -> str:
    return f"{get_remote_address()}|{_submitted_email()}"


def mark_failed_sign_in() -> None:
    """Count this request against the sign-in limits."""
    g.sign_in_failed = True


def _failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


def throttle_sign_in(view):
    """Limit failed sign-ins per (address, email) and per address; 429 with Retry-After."""
    view = limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT"],
        key_func=_address_and_email,
        deduct_when=_failed,
        methods=["POST"],
        scope="sign-in",
        error_message=TOO_MANY,
    )(view)
    return limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
        key_func=get_remote_address,
        deduct_when=_failed,
        methods=["POST"],
        scope="sign-in-address",
        error_message=TOO_MANY,
    )(view)
