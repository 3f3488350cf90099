"""The audit trail: every submission step and account change, with who and when."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    subject: User | None = None,
    detail: str = "",
    submission_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits with its own change)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        submission_id=submission_id,
        action=action,
        detail=detail[:2000],
    )
    db.session.add(event)
    return event


def events_for(subject_id: int, limit: int = 50) -> list[AuditEvent]:
    """The latest audit events about a user, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
