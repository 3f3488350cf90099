"""The sign-in throttle, one for the web form and the token endpoint, shared by every worker.

Rule (docs/api.md "Sign-in throttling"): every sign-in attempt is counted, before the password
is checked, against its e-mail and its client address, in the database (so three workers or
two app servers see one count). After LOGIN_FREE_ATTEMPTS attempts on an e-mail without a
success, the next attempt must wait LOGIN_DELAY_SECONDS, doubling with every further attempt
up to LOGIN_DELAY_MAX_SECONDS; attempts during the wait are answered 429 with Retry-After and
are not counted (so an attacker cannot push the wait out for ever). An address gets
LOGIN_ADDRESS_FREE_ATTEMPTS before the same delays. A success clears its e-mail's count.

So that an attacker cannot lock the owner out, a browser or phone that signed in to this
account before carries a signed "known device" cookie; its attempts count against that
device alone, not the e-mail or the address, so the owner's right password passes while the
e-mail is under attack from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from ..extensions import db, reads_first
from ..models import SignInThrottle, User, normalise_email, utcnow
from ..services import accounts

log = logging.getLogger(__name__)
TOO_MANY = "Too many failed sign-in attempts. Wait a few minutes, then try again."
KNOWN_DEVICE_COOKIE = "scanlog_device"
# A key quiet for this long starts again from nothing.
_FORGET_AFTER = dt.timedelta(hours=1)
# "No wait" is stored as a fixed past time, not as the attempt's own clock reading: two workers'
# readings differ by milliseconds, and one must never make the other's attempt wait.
_NO_WAIT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class Throttled(Exception):
    """Too many attempts: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(TOO_MANY)
        self.retry_after = retry_after


def client_address() -> str:
    """The client's address (ProxyFix has already replaced it with the proxy's X-Forwarded-For)."""
    return request.remote_addr or "unknown"


def checked_credentials(email: str, password: str) -> tuple[User | None, str | None]:
    """The active user with these credentials (or None) and, on success, the value of a new
    known-device cookie to set; raises Throttled while the attempt has to wait."""
    # On SQLite a POST's transaction holds the write lock from its first statement
    # (extensions._sqlite_begin): end what the request read so far (a stale sign-in cookie's
    # lookup) so that the throttle's own transactions below can take the lock, and check the
    # password without holding it.
    db.session.commit()
    email = normalise_email(email)
    device = _known_device(email)
    keys = (
        [("device:" + device, "LOGIN_FREE_ATTEMPTS")]
        if device
        else [
            ("email:" + email, "LOGIN_FREE_ATTEMPTS"),
            ("address:" + client_address(), "LOGIN_ADDRESS_FREE_ATTEMPTS"),
        ]
    )
    for key, setting in keys:
        _take_attempt(key, current_app.config[setting])
    with reads_first():
        user = accounts.check_credentials(email, password)
    if user is None:
        return None, None
    _clear(keys[0][0])
    for key, _setting in keys[1:]:
        _give_back(key)
    return user, _serializer().dumps({"e": email, "d": device or secrets.token_urlsafe(16)})


def set_known_device(response, cookie: str | None) -> None:
    """Remember this browser or phone as one that signed in to the account (a year)."""
    if cookie:
        response.set_cookie(
            KNOWN_DEVICE_COOKIE,
            cookie,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _known_device(email: str) -> str | None:
    """The device id of a valid known-device cookie for this e-mail, else None."""
    try:
        data = _serializer().loads(request.cookies.get(KNOWN_DEVICE_COOKIE, ""))
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != email or not data.get("d"):
        return None
    return str(data["d"])


def _next_allowed(now: dt.datetime, attempts: int, free: int) -> dt.datetime:
    """When the next attempt may come after `attempts` attempts without a success."""
    if attempts < free:
        return _NO_WAIT
    config = current_app.config
    seconds = config["LOGIN_DELAY_SECONDS"] * 2 ** min(attempts - free, 32)
    return now + dt.timedelta(seconds=min(seconds, config["LOGIN_DELAY_MAX_SECONDS"]))


def _take_attempt(key: str, free: int) -> None:
    """Count one attempt on the key, or raise Throttled if it has to wait.

    Writes first (no read-then-write), in a transaction of its own committed at once: on
    PostgreSQL the row lock and on SQLite the write lock make concurrent attempts take turns.
    """
    table = SignInThrottle.__table__
    for _try in range(3):  # again if another worker dropped the row as stale meanwhile
        now = utcnow()
        with db.engine.begin() as conn:
            stale = table.c.last_attempt_at < now - _FORGET_AFTER
            insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(
                insert(table)
                .values(key=key, attempts=0, last_attempt_at=now, next_allowed_at=_NO_WAIT)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            attempts = conn.scalar(
                update(table)
                .where(table.c.key == key, (table.c.next_allowed_at <= now) | stale)
                .values(
                    attempts=db.case((stale, 1), else_=table.c.attempts + 1), last_attempt_at=now
                )
                .returning(table.c.attempts)
            )
            if attempts is not None:
                conn.execute(
                    update(table)
                    .where(table.c.key == key)
                    .values(next_allowed_at=_next_allowed(now, attempts, free))
                )
                return
            wait = conn.scalar(select(table.c.next_allowed_at).where(table.c.key == key))
        if wait is not None:
            raise Throttled(max(1, math.ceil((wait - now).total_seconds())))
    raise Throttled(1)


def _give_back(key: str) -> None:
    """Uncount a successful attempt: many people signing in from one hospital network are fine."""
    table = SignInThrottle.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table)
            .where(table.c.key == key, table.c.attempts > 0)
            .values(attempts=table.c.attempts - 1)
        )


def _clear(key: str) -> None:
    """Forget the attempts on a key after a success, and keys quiet for an hour (they count for
    nothing), so that guessed e-mails do not pile up."""
    table = SignInThrottle.__table__
    with db.engine.begin() as conn:
        conn.execute(db.delete(table).where(table.c.key == key))
    try:
        # Its own transaction, holding no other lock: it cannot deadlock with an attempt.
        with db.engine.begin() as conn:
            conn.execute(db.delete(table).where(table.c.last_attempt_at < utcnow() - _FORGET_AFTER))
    except DBAPIError:  # only tidying: another worker's tidying got there first
        log.info("Stale sign-in throttle rows left for the next success to remove.")
