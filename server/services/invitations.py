"""One-time, expiring links to set a password; only the token's hash is stored."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select, update

from ..auth.tokens import hash_token
from ..extensions import db
from ..models import Invitation, User, utcnow
from . import accounts, audit

log = logging.getLogger(__name__)
INVITATION_DAYS = 7


def create_invitation(user: User, admin: User) -> str:
    """Make a fresh link for a user (older links stop working when the caller commits); returns
    the raw token."""
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    raw = secrets.token_urlsafe(32)
    days = invitation_days()
    db.session.add(
        Invitation(
            user_id=user.id,
            token_hash=hash_token(raw),
            created_by_id=admin.id,
            expires_at=now + dt.timedelta(days=days),
        )
    )
    audit.record(admin, "invitation_created", user, f"Link valid for {days} days.")
    return raw


def find_valid(raw: str) -> Invitation | None:
    """The unused, unexpired invitation of an active user for this token, or None."""
    if not raw:
        return None
    row = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(raw)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row if row.user.active else None


def accept(invitation: Invitation, password: str) -> User:
    """Set the user's password and use up the link (the caller commits); raises AccountError."""
    user = invitation.user
    accounts.replace_password(user, password)  # a reset: every old cookie and device ends
    invitation.used_at = utcnow()
    audit.record(user, "password_set", user, "Password set through an invitation link.")
    return user


def _setting(key: str, default=None):
    """A mail setting from the app config, else the environment."""
    return current_app.config.get(key) or os.environ.get(key) or default


def invitation_days() -> int:
    """How many days an invitation link works (INVITATION_DAYS, default 7)."""
    return int(_setting("INVITATION_DAYS", INVITATION_DAYS))


def mail_configured() -> bool:
    """True when a mail server is configured (MAIL_SERVER)."""
    return bool(_setting("MAIL_SERVER"))


def send_invitation_email(user: User, link: str) -> bool:
    """E-mail the link when a mail server is configured; returns whether it was sent."""
    body = (
        f"Hello {user.name},\n\nAn account has been made for you on ScanLog, the scanning "
        f"logbook.\nSet your password with this link (it works once, for "
        f"{invitation_days()} days):\n\n{link}\n"
    )
    return send_mail(user, "Set your ScanLog password", body)


def send_mail(user: User, subject: str, body: str) -> bool:
    """Send one plain-text e-mail through the MAIL_* settings; returns whether it was sent."""
    if not mail_configured():
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = _setting("MAIL_SENDER", "scanlog@localhost")
    message["To"] = user.email
    message.set_content(body)
    try:
        port = int(_setting("MAIL_PORT", 25))
        with smtplib.SMTP(_setting("MAIL_SERVER"), port, timeout=10) as s:
            if str(_setting("MAIL_USE_TLS", "")).lower() in {"1", "true", "yes"}:
                s.starttls()
            if _setting("MAIL_USERNAME"):
                s.login(_setting("MAIL_USERNAME"), _setting("MAIL_PASSWORD", ""))
            s.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send an e-mail (%s) to user %s", subject, user.id)
        return False
    return True
