"""A student's own data, for a subject-access request: everything the server holds of theirs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    AuditEvent,
    Comment,
    ConflictCopy,
    DeviceToken,
    Entry,
    Submission,
    User,
    utcnow,
)
from . import audit


@dataclass
class DataExport:
    """What a student gets: their account, logbook and every record about them."""

    user: User
    exported_at: dt.datetime
    entries: list[Entry]
    comments: list[Comment]
    submissions: list[Submission]
    audit_events: list[AuditEvent]
    conflict_copies: list[ConflictCopy]
    devices: list[DeviceToken]


def _all(statement) -> list:
    return list(db.session.scalars(statement))


def export_of(user: User) -> DataExport:
    """Every entry (tombstones too), comment, submission, audit event, kept copy and device."""
    return DataExport(
        user=user,
        exported_at=utcnow(),
        entries=_all(select(Entry).where(Entry.owner_id == user.id).order_by(Entry.seq)),
        comments=_all(
            select(Comment)
            .where(Comment.owner_id == user.id)
            .options(selectinload(Comment.author))
            .order_by(Comment.seq)
        ),
        submissions=_all(
            select(Submission).where(Submission.student_id == user.id).order_by(Submission.id)
        ),
        audit_events=_all(
            select(AuditEvent)
            .where(or_(AuditEvent.subject_id == user.id, AuditEvent.actor_id == user.id))
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.id)
        ),
        conflict_copies=_all(
            select(ConflictCopy).where(ConflictCopy.owner_id == user.id).order_by(ConflictCopy.id)
        ),
        devices=_all(
            select(DeviceToken).where(DeviceToken.user_id == user.id).order_by(DeviceToken.id)
        ),
    )


def record_export(user: User, file_format: str) -> None:
    """Audit the export in the caller's transaction (who took a copy of their data, when)."""
    audit.record(user, "data_exported", subject=user, detail=f"format {file_format}")
