"""Yearly submission and sign-off: open -> submitted -> signed off | returned, audited."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sqlalchemy import select

from ..domain.submission_diff import ENTRY_FIELDS, EntryChange, diff_period
from ..extensions import db
from ..models import Entry, Submission, SubmissionEntry, User, utcnow
from . import accounts, audit
from .changes import lock_counter
from .progress import period_of, periods_of
from .record_search import live_entries

STATE_LABELS = {
    "open": "Open",
    "submitted": "Submitted, waiting for sign-off",
    "signed_off": "Signed off",
    "returned": "Returned for changes",
}


class SubmissionError(ValueError):
    """A submission step that cannot be taken now; the message says why."""


def entry_fields(entry: Entry) -> dict:
    """The recorded fields of an entry, as JSON-ready values."""
    values = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    values["scanned_on"] = entry.scanned_on.isoformat()
    values["critical_incident"] = bool(entry.critical_incident)
    return values


def latest(student_id: int, period: int) -> Submission | None:
    """The latest submission of a period (None while the period is open)."""
    return db.session.scalar(
        select(Submission)
        .where(Submission.student_id == student_id, Submission.period == period)
        .order_by(Submission.id.desc())
        .limit(1)
    )


def history(student_id: int) -> list[Submission]:
    """All submissions of a student, newest first."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.student_id == student_id)
            .order_by(Submission.id.desc())
        )
    )


def period_entries(student_id: int, starts_on: dt.date, ends_on: dt.date) -> list[Entry]:
    """The live entries of a student between two dates, both inclusive."""
    return list(
        db.session.scalars(select(Entry).where(*live_entries(student_id, starts_on, ends_on)))
    )


def submit(student: User, number: int, today: dt.date) -> Submission:
    """A student hands in a period's logbook, recording every entry and version. Commits."""
    if student.role != "student":
        raise SubmissionError("Only students submit a logbook.")
    period = period_of(student, number)
    if period is None:
        raise SubmissionError(f"Logbook year {number} does not exist.")
    if period.starts_on > today:
        raise SubmissionError(f"Logbook year {number} has not started yet.")
    lock_counter(student.id)  # one submission step at a time per student
    previous = latest(student.id, number)
    current = previous.state if previous is not None else "open"
    if current in ("submitted", "signed_off"):
        raise SubmissionError(f"Logbook year {number} is already {STATE_LABELS[current].lower()}.")
    entries = period_entries(student.id, period.starts_on, period.ends_on)
    counts = {
        "total": len(entries),
        "by_region": dict(Counter(e.region for e in entries)),
        "by_activity": dict(Counter(e.activity for e in entries)),
    }
    row = Submission(
        student_id=student.id,
        period=number,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        state="submitted",
        entry_count=len(entries),
        counts=json.dumps(counts, sort_keys=True),
        submitted_by_id=student.id,
    )
    db.session.add(row)
    db.session.flush()
    db.session.add_all(
        SubmissionEntry(
            submission_id=row.id,
            entry_id=e.id,
            version=e.version,
            snapshot=json.dumps(entry_fields(e), sort_keys=True),
        )
        for e in entries
    )
    audit.record(student, "submitted", student, f"Year {number}: {len(entries)} scans.", row.id)
    db.session.commit()
    return row


def _decide(tutor: User, submission: Submission, new_state: str, comment: str) -> Submission:
    if not accounts.may_sign_off(tutor, submission.student_id):
        raise SubmissionError("Only the student's tutor can sign off or return a logbook.")
    lock_counter(submission.student_id)
    db.session.refresh(submission)
    if (
        submission.state != "submitted"
        or latest(submission.student_id, submission.period) is not submission
    ):
        raise SubmissionError("This logbook is not waiting for sign-off any more.")
    submission.state = new_state
    submission.decided_at = utcnow()
    submission.decided_by_id = tutor.id
    submission.decision_comment = comment
    student = db.session.get(User, submission.student_id)
    audit.record(tutor, new_state, student, comment or "", submission.id)
    db.session.commit()
    return submission


def sign_off(tutor: User, submission: Submission, comment: str = "") -> Submission:
    """The student's tutor attests one submitted logbook. Commits."""
    return _decide(tutor, submission, "signed_off", (comment or "").strip()[:2000])


def return_for_changes(tutor: User, submission: Submission, comment: str) -> Submission:
    """The tutor sends a submitted logbook back with a comment saying why. Commits."""
    comment = (comment or "").strip()
    if not comment:
        raise SubmissionError("Say what the student should change before returning it.")
    return _decide(tutor, submission, "returned", comment[:2000])


def changes_since(submission: Submission) -> list[EntryChange]:
    """Entries of the period changed, deleted or added since it was submitted."""
    rows = db.session.scalars(
        select(SubmissionEntry).where(SubmissionEntry.submission_id == submission.id)
    )
    submitted = {r.entry_id: (r.version, json.loads(r.snapshot)) for r in rows}
    entries = period_entries(submission.student_id, submission.starts_on, submission.ends_on)
    current = {e.id: (e.version, entry_fields(e)) for e in entries}
    return diff_period(submitted, current)


def entry_change(student: User, entry: Entry) -> EntryChange | None:
    """How this entry differs from its year's latest submission (None if it does not)."""
    period = next((p for p in periods_of(student) if p.contains(entry.scanned_on)), None)
    row = latest(student.id, period.number) if period else None
    if row is None:
        return None
    return next((c for c in changes_since(row) if c.entry_id == entry.id), None)
