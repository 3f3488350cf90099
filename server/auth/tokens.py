"""Device tokens for the API: random, shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import DeviceToken, User, utcnow

# Do not write last_used_at on every request: once a minute is enough to list devices.
_TOUCH_EVERY = dt.timedelta(minutes=1)


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, device_name: str) -> tuple[str, DeviceToken]:
    """Create a token for a device; returns the raw token (shown once) and its row. Commits."""
    raw = secrets.token_urlsafe(32)
    row = DeviceToken(
        user_id=user.id,
        token_hash=hash_token(raw),
        device_name=(device_name or "Unnamed device").strip()[:100] or "Unnamed device",
        last_used_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return raw, row


def authenticate(raw: str) -> DeviceToken | None:
    """The live token for this raw value (not revoked, not idle too long, user active)."""
    if not raw:
        return None
    row = db.session.scalar(
        select(DeviceToken)
        .options(joinedload(DeviceToken.user))  # one query: the user is needed on every call
        .where(DeviceToken.token_hash == hash_token(raw))
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    now = utcnow()
    idle_limit = dt.timedelta(days=current_app.config["TOKEN_IDLE_DAYS"])
    if row.last_used_at is not None and now - row.last_used_at > idle_limit:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        row.last_used_at = now
        db.session.commit()
    return row


def revoke(row: DeviceToken) -> None:
    """Revoke a token (it stops working when the caller commits)."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def tokens_of(user: User) -> list[DeviceToken]:
    """A user's device tokens, newest first."""
    return list(
        db.session.scalars(
            select(DeviceToken)
            .where(DeviceToken.user_id == user.id)
            .order_by(DeviceToken.created_at.desc(), DeviceToken.id.desc())
        )
    )
