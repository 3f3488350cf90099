"""One entry of a record of learning, its changes since submission, and its comments."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Entry
from ..services import record_search, submissions, sync
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
    )
    return page, status


@bp.get("/students/<int:student_id>/entries/<entry_id>")
@roles_required("student", "tutor", "admin")
def entry(student_id: int, entry_id: str):
    """One entry in full, with the tutor's comments."""
    return render_entry(*visible_entry(student_id, entry_id))


@bp.post("/students/<int:student_id>/entries/<entry_id>/comments")
@roles_required("tutor", "admin")
def add_comment(student_id: int, entry_id: str):
    """Add feedback on an entry; it reaches the student's app through pull."""
    student, entry = visible_entry(student_id, entry_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_entry(student, entry, form, 422)
    if sync.add_comment(current_user, entry.id, form.body.data.strip()) is None:
        abort(404)
    db.session.commit()
    flash("Comment added. The student sees it after their next sync.", "ok")
    return redirect(url_for("web.entry", student_id=student.id, entry_id=entry.id) + "#comments")
