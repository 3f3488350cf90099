"""One entry of a record of learning, its changes since submission, and its comments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..domain.identifiers import warning_messages
from ..domain.roles import ROLES, STAFF_ROLES
from ..extensions import db
from ..models import Entry
from ..services import accounts, record_search, submissions, sync
from . import bp
from .access import roles_required, visible_student
from .forms import CommentForm


def visible_entry(student_id: int, entry_id: str) -> tuple:
    """The student and their live entry, or 404."""
    student = visible_student(student_id)
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.owner_id != student.id or entry.deleted:
        abort(404)
    return student, entry


@bp.app_template_filter("identifier_warnings")
def identifier_warnings(entry) -> list[tuple[str, str]]:
    """(field, message) for each lower-confidence identifier in the entry's texts, to check."""
    # Computed on display: the matcher is pure and quick, and what it flags may change with it.
    return [
        (name.replace("_", " ").capitalize(), message)
        for name in record_search.TEXT_FIELDS
        for message in warning_messages(getattr(entry, name))
    ]


def render_entry(student, entry, form: CommentForm | None = None, status: int = 200):
    """The entry page (with the comment form carrying any errors)."""
    change = submissions.entry_change(student, entry)
    page = render_template(
        "web/entry.html",
        student=student,
        entry=entry,
        change=change,
        comments=record_search.comments_on(entry.id),
        form=form or CommentForm(),
        may_comment=accounts.may_comment(current_user, student.id),
    )
    return page, status


@bp.get("/students/<int:student_id>/entries/<entry_id>")
@roles_required(*ROLES)
def entry(student_id: int, entry_id: str):
    """One entry in full, with the tutor's comments."""
    return render_entry(*visible_entry(student_id, entry_id))


@bp.post("/students/<int:student_id>/entries/<entry_id>/comments")
@roles_required(*STAFF_ROLES)
def add_comment(student_id: int, entry_id: str):
    """Add feedback on an entry; it reaches the student's app through pull."""
    student, entry = visible_entry(student_id, entry_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_entry(student, entry, form, 422)
    if sync.add_comment(current_user, entry.id, form.body.data.strip()) is None:
        abort(404)
    db.session.commit()  # the comment service flushes; this action commits it
    flash("Comment added. The student sees it after their next sync.", "ok")
    return redirect(url_for("web.entry", student_id=student.id, entry_id=entry.id) + "#comments")
