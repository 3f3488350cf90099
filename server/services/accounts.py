"""Accounts: users, passwords, logbook settings and tutor assignments."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import ColumnElement, Select, select, true
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.roles import ROLES, STAFF_ROLES
from ..extensions import db
from ..models import (
    ChangeCounter,
    DeviceToken,
    LogbookSettings,
    TutorAssignment,
    User,
    WebSession,
    normalise_email,
)
from . import audit, sessions

# Checked against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10
REGION_MINIMUM_MAX = 300
# create_user's default for region_minimum: "whatever config REGION_MINIMUM says".
FROM_CONFIG = object()


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


def replace_password(
    user: User,
    password: str,
    keep_session: WebSession | None = None,
    keep_token: DeviceToken | None = None,
) -> None:
    """Set a new password and end every web session and device token of the user but the one
    making the change (a stolen cookie or phone stops working); the caller commits."""
    set_password(user, password)
    sessions.end_all(user, keep=keep_session)
    sessions.revoke_tokens(user, keep=keep_token)


def change_password(
    user: User,
    new: str,
    keep_session: WebSession | None = None,
    keep_token: DeviceToken | None = None,
) -> None:
    """A user changes their own password, after the caller has checked the current one through
    the sign-in throttle (auth.throttle.checked_credentials); the caller commits."""
    replace_password(user, new, keep_session, keep_token)
    audit.record(user, "password_changed", user, "Other sessions and devices signed out.")


def create_user(
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    pgcert_completed_on: dt.date | None = None,
    registration_ends_on: dt.date | None = None,
    annual_target: int = 300,
    region_minimum: int | None | object = FROM_CONFIG,
) -> User:
    """Add a user (a student gets logbook settings and a change counter); flushes, the caller
    commits. A student's region minimum defaults to config REGION_MINIMUM."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)}.")
    if "@" not in email or len(email) > 254:
        raise AccountError("Enter a valid email address.")
    if not (name or "").strip():
        raise AccountError("Enter the person's name.")
    if find_user_by_email(email):
        raise AccountError(f"A user with the email {email} already exists.")
    check_logbook(pgcert_completed_on, registration_ends_on, annual_target)
    if region_minimum is not FROM_CONFIG:
        check_region_minimum(region_minimum)
    user = User(email=email, name=name.strip(), role=role, active=True)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    if role == "student":
        start_logbook(
            user, pgcert_completed_on, registration_ends_on, annual_target, region_minimum
        )
    return user


def start_logbook(
    student: User,
    pgcert_completed_on: dt.date | None,
    registration_ends_on: dt.date | None,
    annual_target: int = 300,
    region_minimum: int | None | object = FROM_CONFIG,
) -> None:
    """Give a flushed new student their logbook settings and change counter (no commit)."""
    if region_minimum is FROM_CONFIG:
        region_minimum = default_region_minimum()
    # Added by id, not through student.logbook: assigning the relationship would first load
    # the (absent) old value, one SELECT per student of a cohort import.
    db.session.add(
        LogbookSettings(
            student_id=student.id,
            pgcert_completed_on=pgcert_completed_on,
            registration_ends_on=registration_ends_on,
            annual_target=annual_target,
            region_minimum=region_minimum,
        )
    )
    db.session.add(ChangeCounter(owner_id=student.id, last_seq=0))


def default_region_minimum() -> int | None:
    """The breadth minimum new students start with: config REGION_MINIMUM (None: off)."""
    return current_app.config.get("REGION_MINIMUM")


def check_logbook(
    pgcert_completed_on: dt.date | None, registration_ends_on: dt.date | None, annual_target
) -> None:
    """Refuse a target below 1 or a registration ending before the PgCert completion."""
    if annual_target is None or annual_target < 1:
        raise AccountError("The annual target must be at least 1.")
    if pgcert_completed_on and registration_ends_on and registration_ends_on <= pgcert_completed_on:
        raise AccountError("The registration must end after the PgCert completion date.")


def check_region_minimum(value: int | None) -> None:
    """Refuse a breadth minimum that is not None (off) or a whole number 1..300."""
    if value is not None and not (isinstance(value, int) and 1 <= value <= REGION_MINIMUM_MAX):
        raise AccountError(
            f"The region minimum must be a whole number from 1 to {REGION_MINIMUM_MAX}, "
            "or empty for none."
        )


def assign_tutor(tutor_email: str, student_email: str) -> TutorAssignment:
    """Assign a tutor to a student (idempotent); flushes, the caller commits."""
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
    db.session.flush()
    return assignment


# Who may see a student: the one rule, asked by the API, the web, comments and submissions.


def _may_see(viewer: User) -> ColumnElement[bool]:
    """An admin sees every student; a tutor their assigned students; a student themself."""
    if viewer.role == "admin":
        return true()
    if viewer.role == "tutor":
        assigned = select(TutorAssignment.student_id).where(TutorAssignment.tutor_id == viewer.id)
        return User.id.in_(assigned)
    return User.id == viewer.id


def visible_students_query(viewer: User, *columns) -> Select:
    """A select of the students the viewer may see (of `columns`, default the User rows)."""
    return select(*(columns or (User,))).where(User.role == "student", _may_see(viewer))


def visible_student(viewer: User, student_id: int) -> User | None:
    """The student with this id if the viewer may see them, else None (callers answer 404)."""
    return db.session.scalar(visible_students_query(viewer).where(User.id == student_id))


def can_view_student(viewer: User, student_id: int) -> bool:
    """Whether the viewer may see this student (the rule of visible_student)."""
    return visible_student(viewer, student_id) is not None


def may_comment(author: User, student_id: int) -> bool:
    """Staff comment on the entries of the students they may see."""
    return author.role in STAFF_ROLES and can_view_student(author, student_id)


def may_sign_off(user: User, student_id: int) -> bool:
    """Only a tutor of the student signs off or returns their logbook (admins do not)."""
    return user.role == "tutor" and can_view_student(user, student_id)
