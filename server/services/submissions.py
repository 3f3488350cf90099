"""Yearly submission and sign-off: open -> submitted -> signed off | returned, audited.

A year can be handed in from SUBMISSION_OPENS_DAYS before it ends; below target only with
the student's statement. Each hand-in draws its sample (services/sampling.py); sign-off needs
every sampled entry checked or queried (SIGNOFF_REQUIRES_SAMPLE). A signed-off year is locked
(services/locks.py) until a tutor or admin reopens it. Helpers flush; the action commits.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from flask import current_app
from sqlalchemy import select

from ..domain import windows
from ..domain.submission_diff import ENTRY_FIELDS, EntryChange, diff_period
from ..extensions import db
from ..models import Entry, Submission, SubmissionEntry, User, utcnow
from . import accounts, audit, sampling
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


class StatementRequired(SubmissionError):
    """A year below target is handed in only with the student's short statement."""


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


def opens_days() -> int:
    """How many days before a year ends it can be submitted (config SUBMISSION_OPENS_DAYS)."""
    return current_app.config["SUBMISSION_OPENS_DAYS"]


def submit(student: User, number: int, today: dt.date, statement: str = "") -> Submission:
    """A student hands in a period's logbook, recording every entry and version. Flushes."""
    if student.role != "student":
        raise SubmissionError("Only students submit a logbook.")
    period = period_of(student, number)
    if period is None:
        raise SubmissionError(f"Logbook year {number} does not exist.")
    if not windows.window_open(period, today, opens_days()):
        raise SubmissionError(windows.not_open_message(period, opens_days()))
    lock_counter(student.id)  # one submission step at a time per student
    previous = latest(student.id, number)
    current = state_of(previous)
    if current in ("submitted", "signed_off"):
        raise SubmissionError(f"Logbook year {number} is already {STATE_LABELS[current].lower()}.")
    entries = period_entries(student.id, period.starts_on, period.ends_on)
    statement = (statement or "").strip()[:2000]
    if len(entries) < period.target and not statement:
        raise StatementRequired(
            f"Year {number} has {len(entries)} of {period.target} scans: "
            "add a short statement for your tutor to submit it below target."
        )
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
        statement=statement,
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
    size = sampling.draw_for(row, [e.id for e in entries])
    detail = f"Year {number}: {len(entries)} scans, {size} sampled."
    audit.record(student, "submitted", student, detail, row.id)
    db.session.flush()
    return row


def window_message(student: User, period, today: dt.date) -> str | None:
    """Why the year cannot be submitted yet (its window is not open), or None."""
    found = period_of(student, period.number)
    if found is None or windows.window_open(found, today, opens_days()):
        return None
    return windows.not_open_message(found, opens_days())


def state_of(row: Submission | None) -> str:
    """A period's state from its latest submission: a reopened sign-off reads "open"."""
    if row is None or (row.state == "signed_off" and row.reopened_at is not None):
        return "open"
    return row.state


def awaiting(student_ids: list[int]) -> dict[int, list[int]]:
    """{student: [period numbers submitted and not yet decided]} for these students."""
    rows = db.session.execute(
        select(Submission.student_id, Submission.period, Submission.state)
        .where(Submission.student_id.in_(student_ids))
        .order_by(Submission.id)
    ).all()
    latest_state = {(r.student_id, r.period): r.state for r in rows}
    out: dict[int, list[int]] = {}
    for (student_id, period), state in sorted(latest_state.items()):
        if state == "submitted":
            out.setdefault(student_id, []).append(period)
    return out


def latest_by_period(student_id: int) -> dict[int, Submission]:
    """The latest submission of each of a student's periods."""
    return {row.period: row for row in reversed(history(student_id))}


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
    detail = comment or ""
    if new_state == "signed_off":
        detail = "; ".join(filter(None, [detail, *_sign_off_notes(submission)]))
    submission.state = new_state
    submission.decided_at = utcnow()
    submission.decided_by_id = tutor.id
    submission.decision_comment = comment
    student = db.session.get(User, submission.student_id)
    audit.record(tutor, new_state, student, detail, submission.id)
    db.session.flush()
    return submission


def _sign_off_notes(submission: Submission) -> list[str]:
    """What a sign-off records: the sample, and what changed since the last sign-off."""
    counts = sampling.counts(submission)
    if current_app.config["SIGNOFF_REQUIRES_SAMPLE"] and not counts.complete:
        left = counts.size - counts.checked - counts.queried
        raise SubmissionError(
            f"Check or query every sampled entry before signing off: {left} still to look at."
        )
    notes = [f"Sample: {sampling.sample_summary(submission)}"] if counts.size else []
    before = last_sign_off(submission)
    if before is not None:
        found = Counter(c.kind for c in changes_since(before))
        words = ", ".join(f"{n} {kind}" for kind, n in sorted(found.items())) or "no changes"
        notes.append(f"Since the sign-off of {before.decided_at:%d %b %Y}: {words}")
    return notes


def last_sign_off(submission: Submission) -> Submission | None:
    """The period's previous signed-off (then reopened) submission, if there is one."""
    return db.session.scalar(
        select(Submission)
        .where(
            Submission.student_id == submission.student_id,
            Submission.period == submission.period,
            Submission.state == "signed_off",
            Submission.id < submission.id,
        )
        .order_by(Submission.id.desc())
        .limit(1)
    )


def sign_off(tutor: User, submission: Submission, comment: str = "") -> Submission:
    """The student's tutor attests one submitted logbook (the sample looked at). Flushes."""
    return _decide(tutor, submission, "signed_off", (comment or "").strip()[:2000])


def return_for_changes(tutor: User, submission: Submission, comment: str) -> Submission:
    """The tutor sends a submitted logbook back with a comment saying why. Flushes."""
    comment = (comment or "").strip()
    if not comment:
        raise SubmissionError("Say what the student should change before returning it.")
    return _decide(tutor, submission, "returned", comment[:2000])


def reopen(user: User, submission: Submission, reason: str) -> Submission:
    """A tutor of the student or an admin unlocks a signed-off year, with a reason. Flushes."""
    if not (accounts.may_sign_off(user, submission.student_id) or user.role == "admin"):
        raise SubmissionError("Only the student's tutor or an admin can reopen a logbook year.")
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError("Say why the year is reopened: it goes in the audit trail.")
    lock_counter(submission.student_id)
    db.session.refresh(submission)
    if (
        state_of(submission) != "signed_off"
        or latest(submission.student_id, submission.period) is not submission
    ):
        raise SubmissionError("Only the latest sign-off of a year can be reopened.")
    submission.reopened_at, submission.reopened_by_id = utcnow(), user.id
    submission.reopen_reason = reason[:2000]
    student = db.session.get(User, submission.student_id)
    audit.record(user, "reopened", student, reason[:2000], submission.id)
    db.session.flush()
    return submission


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
