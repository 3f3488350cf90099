"""Administration: editing users, logbook dates and targets, tutors, deactivation, devices.

Every change adds its audit row to the session; the view commits both at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..auth import tokens
from ..extensions import db
from ..models import DeviceToken, LogbookSettings, TutorAssignment, User, normalise_email
from . import accounts, audit, sessions
from .accounts import AccountError


def users(role: str | None = None, query: str = "") -> list[User]:
    """Every user (or those of one role), matching a name or email fragment, by name."""
    stmt = select(User).order_by(User.name, User.id)
    if role:
        stmt = stmt.where(User.role == role)
    if query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(db.or_(db.func.lower(User.name).like(like), User.email.like(like)))
    return list(db.session.scalars(stmt))


def update_details(admin: User, user: User, name: str, email: str) -> None:
    """Change a user's name and email (the caller commits)."""
    email = normalise_email(email)
    if not (name or "").strip():
        raise AccountError("Enter the person's name.")
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    other = accounts.find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError(f"A user with the email {email} already exists.")
    changes = []
    if user.name != name.strip():
        changes.append(f"name {user.name!r} -> {name.strip()!r}")
    if user.email != email:
        changes.append(f"email {user.email} -> {email}")
    user.name, user.email = name.strip(), email
    if changes:
        audit.record(admin, "user_edited", user, "; ".join(changes))


def set_logbook(
    admin: User,
    student: User,
    pgcert_completed_on: dt.date | None,
    registration_ends_on: dt.date | None,
    annual_target: int,
    region_minimum: int | None,
) -> None:
    """Set a student's PgCert completion, registration end, target and region minimum."""
    if student.role != "student":
        raise AccountError("Only students have a logbook.")
    accounts.check_logbook(pgcert_completed_on, registration_ends_on, annual_target)
    accounts.check_region_minimum(region_minimum)
    book = student.logbook or LogbookSettings(student_id=student.id)
    student.logbook = book
    after = (pgcert_completed_on, registration_ends_on, annual_target, region_minimum)
    before = tuple(getattr(book, name) for name in _LOGBOOK_FIELDS)
    for name, value in zip(_LOGBOOK_FIELDS, after, strict=True):
        setattr(book, name, value)
    if before != after:
        audit.record(admin, "logbook_set", student, _describe_logbook(before, after))


_LOGBOOK_FIELDS = ("pgcert_completed_on", "registration_ends_on", "annual_target", "region_minimum")


def _describe_logbook(before: tuple, after: tuple) -> str:
    labels = ("PgCert completed", "registration ends", "annual target", "region minimum")
    return "; ".join(
        f"{k}: {b} -> {a}" for k, b, a in zip(labels, before, after, strict=True) if b != a
    )


def tutors_of(student: User) -> list[User]:
    """The tutors assigned to a student, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(TutorAssignment, TutorAssignment.tutor_id == User.id)
            .where(TutorAssignment.student_id == student.id)
            .order_by(User.name)
        )
    )


def assign(admin: User, tutor: User, student: User) -> None:
    """Assign a tutor to a student (idempotent; the caller commits)."""
    accounts.assign_tutor(tutor.email, student.email)
    audit.record(admin, "tutor_assigned", student, f"{tutor.name} <{tutor.email}>")


def unassign(admin: User, tutor: User, student: User) -> None:
    """Remove a tutor from a student (the caller commits)."""
    row = db.session.get(TutorAssignment, (tutor.id, student.id))
    if row is not None:
        db.session.delete(row)
        audit.record(admin, "tutor_unassigned", student, f"{tutor.name} <{tutor.email}>")


def set_active(admin: User, user: User, active: bool) -> None:
    """Deactivate (signs out every device) or reactivate a user (the caller commits)."""
    if user.id == admin.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if user.active == active:
        return
    user.active = active
    if not active:
        # For good: reactivating later revives neither the old cookies nor the old tokens.
        sessions.end_all(user)
        sessions.revoke_tokens(user)
    audit.record(admin, "reactivated" if active else "deactivated", user)


def device_tokens(user: User) -> list[DeviceToken]:
    """A user's device tokens, newest first (revoked ones included)."""
    return tokens.tokens_of(user)


def revoke_device(admin: User, user: User, token_id: int) -> DeviceToken | None:
    """Revoke one of the user's device tokens; None if it is not theirs (the caller commits)."""
    row = db.session.get(DeviceToken, token_id)
    if row is None or row.user_id != user.id:
        return None
    audit.record(admin, "device_revoked", user, row.device_name)
    tokens.revoke(row)
    return row
