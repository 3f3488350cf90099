"""Uploaded files kept on the server between an import's preview and its confirmation.

The browser carries only a random token; the rows are read again from the stored file at
confirmation, so nothing the client sends back is trusted as data. Files are tied to the
uploader and the student, kept in the database (so every app server sees them, and only the
token's hash is stored), and deleted after an hour or once imported. Helpers flush; the view
commits.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import delete, select

from ..auth.tokens import hash_token
from ..extensions import db
from ..models import PendingUpload, utcnow

MAX_AGE = dt.timedelta(hours=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def save(data: bytes, filename: str, uploader_id: int, student_id: int) -> str:
    """Keep an upload, forgetting previews never confirmed within the hour; its token."""
    db.session.execute(delete(PendingUpload).where(PendingUpload.created_at < utcnow() - MAX_AGE))
    token = secrets.token_urlsafe(24)
    db.session.add(
        PendingUpload(
            token_hash=hash_token(token),
            uploader_id=uploader_id,
            student_id=student_id,
            filename=filename[-200:],
            data=data,
        )
    )
    db.session.flush()
    return token


def load(token: str, uploader_id: int, student_id: int) -> tuple[str, bytes] | None:
    """(file name, bytes) of this uploader's upload for this student, if under an hour old."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    row = db.session.scalar(
        select(PendingUpload).where(
            PendingUpload.token_hash == hash_token(token),
            PendingUpload.uploader_id == uploader_id,
            PendingUpload.student_id == student_id,
            PendingUpload.created_at >= utcnow() - MAX_AGE,
        )
    )
    return (row.filename, row.data) if row else None


def forget(token: str) -> None:
    """Delete an upload (imported, or unreadable)."""
    if _TOKEN.fullmatch(token or ""):
        db.session.execute(
            delete(PendingUpload).where(PendingUpload.token_hash == hash_token(token))
        )
