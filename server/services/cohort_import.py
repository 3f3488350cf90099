"""Bulk cohort import from CSV: a dry-run preview, then one transaction on confirmation."""

from __future__ import annotations

from sqlalchemy import select

from ..domain.cohort_csv import CohortFile, parse_cohort
from ..extensions import db
from ..models import TutorAssignment, User
from . import accounts, audit


class ImportRefused(ValueError):
    """The file has errors: nothing was written."""


def preview(text: str) -> CohortFile:
    """Check a cohort file against the database without writing anything."""
    existing = dict(db.session.execute(select(User.email, User.role)).tuples().all())
    return parse_cohort(text, existing)


def run_import(admin: User, text: str) -> list[User]:
    """Add every user of a valid file and assign tutors, all or nothing; flushes, the caller
    commits (with the invitations, in one transaction)."""
    checked = preview(text)
    if not checked.ok:
        raise ImportRefused("The file has errors; nothing was imported.")
    created: dict[str, User] = {}
    for row in checked.rows:
        user = User(email=row.email, name=row.name, role=row.role, active=True)
        db.session.add(user)
        created[row.email] = user
    db.session.flush()
    tutors = {u.email: u for u in created.values() if u.role == "tutor"}
    for row in checked.rows:
        if row.role != "student":
            continue
        student = created[row.email]
        accounts.start_logbook(
            student, row.pgcert_completed, row.registration_ends, row.annual_target
        )
        if row.tutor_email:
            tutor = tutors.get(row.tutor_email) or db.session.scalar(
                select(User).where(User.email == row.tutor_email)
            )
            db.session.add(TutorAssignment(tutor_id=tutor.id, student_id=student.id))
    for user in created.values():
        audit.record(admin, "imported", user, f"Role {user.role}, from a cohort CSV.")
    return list(created.values())
