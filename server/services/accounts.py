"""Accounts: users, passwords, logbook settings and tutor assignments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import ROLES, ChangeCounter, LogbookSettings, TutorAssignment, User, normalise_email

# Checked against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


def find_user_by_email(email: str) -> User | None:
    """The user with this email (case-insensitive), or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_credentials(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user if user.active else None


def set_password(user: User, password: str) -> None:
    """Hash and set a password after checking its length."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = generate_password_hash(password)


def create_user(
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    pgcert_completed_on: dt.date | None = None,
    registration_ends_on: dt.date | None = None,
    annual_target: int = 300,
) -> User:
    """Create a user (and a student's logbook settings and change counter); commits."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    if not (name or "").strip():
        raise AccountError("Enter the person's name.")
    if find_user_by_email(email):
        raise AccountError(f"A user with the email {email} already exists.")
    if annual_target < 1:
        raise AccountError("The annual target must be at least 1.")
    if pgcert_completed_on and registration_ends_on and registration_ends_on <= pgcert_completed_on:
        raise AccountError("The registration must end after the PgCert completion date.")
    user = User(email=email, name=name.strip(), role=role, active=True)
    if password is not None:
        set_password(user, password)
    if role == "student":
        user.logbook = LogbookSettings(
            pgcert_completed_on=pgcert_completed_on,
            registration_ends_on=registration_ends_on,
            annual_target=annual_target,
        )
    db.session.add(user)
    db.session.flush()
    if role == "student":
        db.session.add(ChangeCounter(owner_id=user.id, last_seq=0))
    db.session.commit()
    return user


def assign_tutor(tutor_email: str, student_email: str) -> TutorAssignment:
    """Assign a tutor to a student (idempotent); commits."""
    tutor = find_user_by_email(tutor_email)
    student = find_user_by_email(student_email)
    if tutor is None or tutor.role != "tutor":
        raise AccountError(f"No tutor with the email {normalise_email(tutor_email)}.")
    if student is None or student.role != "student":
        raise AccountError(f"No student with the email {normalise_email(student_email)}.")
    existing = db.session.get(TutorAssignment, (tutor.id, student.id))
    if existing:
        return existing
    assignment = TutorAssignment(tutor_id=tutor.id, student_id=student.id)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def can_view_student(viewer: User, student_id: int) -> bool:
    """An admin sees every student; a tutor their assigned students; a student themself."""
    if viewer.role == "admin":
        return db.session.get(User, student_id) is not None
    if viewer.role == "tutor":
        return db.session.get(TutorAssignment, (viewer.id, student_id)) is not None
    return viewer.id == student_id


def visible_student(viewer: User, student_id: int) -> User | None:
    """The student with this id if the viewer may see them, else None (callers answer 404)."""
    student = db.session.get(User, student_id)
    if student is None or student.role != "student" or not can_view_student(viewer, student_id):
        return None
    return student
