"""Web steps of a yearly submission: the student submits; the tutor signs off or returns it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..models import Submission
from ..services import progress, sampling, submissions
from ..services.submissions import SubmissionError
from . import bp
from .access import roles_required, visible_student
from .forms import CheckForm, DecisionForm, ReopenForm, SubmitForm


def _field_errors(field) -> str:
    """A field's errors in one line (they name the field; never what was typed)."""
    return " ".join(field.errors)


def _to_period(student_id: int, number: int, anchor: str = "submission"):
    return redirect(url_for("web.student", student_id=student_id, period=number) + "#" + anchor)


@bp.post("/students/<int:student_id>/periods/<int:number>/submit")
@roles_required("student")
def submit_period(student_id: int, number: int):
    """The student submits one logbook year for sign-off."""
    form = SubmitForm()
    if student_id != current_user.id:
        abort(404)
    if not form.validate_on_submit():
        if not form.statement.errors:
            abort(400)  # no CSRF token: nothing a person typed to point at
        flash(_field_errors(form.statement), "error")  # the field and the kind, never the text
        return _to_period(student_id, number)
    if progress.period_of(current_user, number) is None:
        abort(404)
    try:
        row = submissions.submit(current_user, number, clock.today(), form.statement.data or "")
    except SubmissionError as e:
        db.session.rollback()
        flash(str(e), "error")
    else:
        db.session.commit()
        flash(
            f"Year {number} submitted with {row.entry_count} scans. Your tutor will look at it.",
            "ok",
        )
    return _to_period(student_id, number)


def _submission_for_tutor(submission_id: int) -> Submission:
    row = db.session.get(Submission, submission_id)
    if row is None:
        abort(404)
    visible_student(row.student_id)  # 404 for a tutor of someone else
    return row


def _decide(submission_id: int, decide, done: str):
    """Apply a tutor's decision on one submission and say how it went."""
    row = _submission_for_tutor(submission_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors or not form.comment.errors:
            abort(400)
        flash(" ".join(form.comment.errors), "error")  # the field and the kind, never the text
        return _to_period(row.student_id, row.period)
    try:
        decide(current_user, row, form.comment.data)
    except SubmissionError as e:
        db.session.rollback()
        flash(str(e), "error")
    else:
        db.session.commit()
        flash(done.format(period=row.period), "ok")
    return _to_period(row.student_id, row.period)


@bp.post("/submissions/<int:submission_id>/sign-off")
@roles_required("tutor")
def sign_off(submission_id: int):
    """The tutor signs off one submitted logbook (never several at once)."""
    return _decide(submission_id, submissions.sign_off, "Year {period} signed off.")


@bp.post("/submissions/<int:submission_id>/return")
@roles_required("tutor")
def return_submission(submission_id: int):
    """The tutor returns a submitted logbook with a comment saying what to change."""
    return _decide(
        submission_id,
        submissions.return_for_changes,
        "Year {period} returned to the student with your comment.",
    )


@bp.post("/submissions/<int:submission_id>/entries/<entry_id>/check")
@roles_required("tutor", "admin")
def check_entry(submission_id: int, entry_id: str):
    """The tutor marks one sampled entry checked, or queries it with a comment."""
    row = _submission_for_tutor(submission_id)
    form = CheckForm()
    if not form.validate_on_submit():
        if not form.comment.errors:
            abort(400)
        flash(_field_errors(form.comment), "error")
        return _to_period(row.student_id, row.period, "sample")
    result = "query" if request.form.get("result") == "query" else "checked"
    comment = (form.comment.data or "").strip()
    if result == "query" and not comment:
        flash("Write the query first: say what the student should answer or fix.", "error")
        return _to_period(row.student_id, row.period, "sample")
    try:
        sampling.check(current_user, entry_id, result, comment)
    except LookupError:
        abort(404)
    except sampling.NotSampled as e:
        db.session.rollback()
        flash(str(e), "error")
    else:
        db.session.commit()
        flash("Query sent to the student." if result == "query" else "Marked checked.", "ok")
    return _to_period(row.student_id, row.period, "sample")


@bp.post("/submissions/<int:submission_id>/reopen")
@roles_required("tutor", "admin")
def reopen(submission_id: int):
    """A tutor or admin reopens a signed-off year, with a reason for the audit trail."""
    row = _submission_for_tutor(submission_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        why = "Say why the year is reopened: it goes in the audit trail."
        flash(_field_errors(form.reason) if form.reason.data else why, "error")
        return _to_period(row.student_id, row.period)
    try:
        submissions.reopen(current_user, row, form.reason.data)
    except SubmissionError as e:
        db.session.rollback()
        flash(str(e), "error")
    else:
        db.session.commit()
        flash(f"Year {row.period} reopened: the student can change it and submit it again.", "ok")
    return _to_period(row.student_id, row.period)
