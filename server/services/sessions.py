"""Web sessions kept on the server: started at sign-in, checked on every request, ended at
sign-out, on a password change (all but the one making it) and on deactivation.

The browser's signed session cookie carries a random key; only its SHA-256 hash is stored,
so a copied cookie stops working the moment its row is ended.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update

from ..auth.tokens import hash_token
from ..extensions import db
from ..models import DeviceToken, User, WebSession, utcnow

# Do not write last_seen_at on every page: once a minute is enough to list sessions.
_TOUCH_EVERY = dt.timedelta(minutes=1)
# A session unseen this long has ended (a closed browser never signs out).
IDLE_LIMIT = dt.timedelta(days=14)


def _is_live():
    return WebSession.ended_at.is_(None) & (WebSession.last_seen_at > utcnow() - IDLE_LIMIT)


def start(user: User, user_agent: str) -> tuple[str, WebSession]:
    """A new session of the user: the raw key (for the cookie) and its row; flushes."""
    raw = secrets.token_urlsafe(32)
    row = WebSession(user_id=user.id, key_hash=hash_token(raw), user_agent=_summary(user_agent))
    db.session.add(row)
    db.session.flush()
    return raw, row


def live(user_id: int, raw: str | None) -> WebSession | None:
    """The session of this key if it belongs to this user, is not ended and the user is active."""
    if not raw:
        return None
    row = db.session.scalar(
        select(WebSession)
        .join(User, User.id == WebSession.user_id)
        .where(
            WebSession.key_hash == hash_token(raw),
            WebSession.user_id == user_id,
            _is_live(),
            User.active.is_(True),
        )
    )
    if row is not None and utcnow() - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = utcnow()
        db.session.commit()  # a bookkeeping write of its own, before the view's work starts
    return row


def end(row: WebSession | None) -> None:
    """End one session (the caller commits)."""
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()


def end_all(user: User, keep: WebSession | None = None) -> None:
    """End every live session of the user but `keep` (the caller commits)."""
    stmt = update(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(WebSession.id != keep.id)
    db.session.execute(
        stmt.values(ended_at=utcnow()), execution_options={"synchronize_session": False}
    )
    db.session.expire_all()


def revoke_tokens(user: User, keep: DeviceToken | None = None) -> None:
    """Revoke every live device token of the user but `keep` (the caller commits)."""
    stmt = update(DeviceToken).where(
        DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(DeviceToken.id != keep.id)
    db.session.execute(
        stmt.values(revoked_at=utcnow()), execution_options={"synchronize_session": False}
    )


def sessions_of(user: User) -> list[WebSession]:
    """The user's live web sessions, most recently seen first."""
    return list(
        db.session.scalars(
            select(WebSession)
            .where(WebSession.user_id == user.id, _is_live())
            .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
        )
    )


def own_session(user: User, session_id: int) -> WebSession | None:
    """One live session of the user by id, or None if it is not theirs."""
    row = db.session.get(WebSession, session_id)
    return row if row is not None and row.user_id == user.id and row.ended_at is None else None


def _summary(user_agent: str) -> str:
    """A short, human name for a browser: "Firefox on Windows" (never the full string)."""
    ua = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in ua), "A browser")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    return f"{browser} on {system}" if system else browser


# Order matters: Edge and Chrome both say "Chrome", Chrome and Safari both say "Safari".
_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrom", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
