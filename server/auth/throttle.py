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


# (config key of the limit, what the failures are counted by, limiter scope)
_LIMITS = (
    ("LOGIN_LIMIT", _address_and_email, "sign-in"),
    ("LOGIN_LIMIT_PER_ADDRESS", get_remote_address, "sign-in-address"),
)


def throttle_sign_in(view):
    """Limit failed sign-ins per (address, email) and per address; 429 with Retry-After."""
    for config_key, key_func, scope in _LIMITS:
        view = limiter.limit(
            lambda config_key=config_key: current_app.config[config_key],
            key_func=key_func,
            deduct_when=_failed,
            methods=["POST"],
            scope=scope,
            error_message=TOO_MANY,
        )(view)
    return view
