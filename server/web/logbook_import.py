"""Import an existing logbook (CSV, XLSX, Word table): upload, map, preview, confirm.

Nothing is written until the user confirms a preview. The upload is kept on the server
(services/upload_store.py, in the database) under a random token, and every step reads it
again with the user's column and word mappings, so the rows are never taken back from the
browser.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from .. import clock
from ..domain import vocabulary
from ..domain.logbook_import import FIELD_LABELS, HEADERS
from ..domain.logbook_rows import SKIP
from ..exports.readers import MAX_UPLOAD_BYTES, FileProblem, kind_of, read_table
from ..extensions import db
from ..services import logbook_import, upload_store
from . import bp
from .access import roles_required, visible_student
from .forms import ActionForm

WORD_CHOICES = {
    "region": [*vocabulary.REGIONS, (SKIP, "Not an MSK scan: leave these rows out")],
    "side": vocabulary.SIDES,
    "activity": vocabulary.ACTIVITIES,
    "supervision": vocabulary.SUPERVISION_LEVELS,
}
FIELD_CHOICES = [(name, FIELD_LABELS[name]) for name in HEADERS]


def _columns(width: int) -> dict[int, str] | None:
    """The user's column choices, when they sent the column form."""
    if request.form.get("columns") != "1":
        return None
    chosen = {}
    for j in range(width):
        name = request.form.get(f"column-{j}", "")
        if name in FIELD_LABELS and name not in chosen.values():
            chosen[j] = name
    return chosen


def _word_map() -> dict[tuple[str, str], str]:
    """The user's mappings of unknown words to vocabulary codes (invalid codes ignored)."""
    out = {}
    for n in range(200):
        key = request.form.get(f"word-{n}-key")
        if key is None:
            break
        name, _, word = key.partition("|")
        code = request.form.get(f"word-{n}", "")
        if name in WORD_CHOICES and code in {c for c, _ in WORD_CHOICES[name]}:
            out[(name, word)] = code
    return out


def _page(person, form, status=200, **context):
    return render_template(
        "import/logbook.html",
        student=person,
        form=form,
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        field_choices=FIELD_CHOICES,
        word_choices=WORD_CHOICES,
        labels=FIELD_LABELS,
        **context,
    ), status


def _upload(person, form):
    """A new file: refused with a clear message, or kept and its token returned."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, "Choose a file to import."
    try:
        kind_of(upload.filename)
    except FileProblem as e:
        return None, str(e)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return None, f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
    token = upload_store.save(data, upload.filename, current_user.id, person.id)
    db.session.commit()  # kept for the next step, which may come to another app server
    return token, None


@bp.route("/students/<int:student_id>/import", methods=["GET", "POST"])
@roles_required("student", "admin")
def logbook_import_page(student_id: int):
    """Import a logbook file into a student's logbook (the student's own, or any for an admin)."""
    person = visible_student(student_id)
    form = ActionForm()
    if not form.is_submitted():
        return _page(person, form)
    if not form.validate():
        return _page(person, form, 400, error="The form expired: choose the file again.")
    token = request.form.get("token", "")
    if request.files.get("file") and request.files["file"].filename:
        token, error = _upload(person, form)
        if error:
            return _page(person, form, 422, error=error)
    stored = upload_store.load(token, current_user.id, person.id)
    if stored is None:
        return _page(person, form, 422, error="Choose the file to import.")
    filename, data = stored
    try:
        table = read_table(filename, data)
    except FileProblem as e:
        upload_store.forget(token)
        db.session.commit()
        return _page(person, form, 422, error=str(e))
    width = max((len(r) for r in table[:30]), default=0)
    mappings = {"columns": _columns(width), "word_map": _word_map()}
    today = clock.today()
    if request.form.get("confirm") == "yes":
        plan = logbook_import.run_import(current_user, person, table, today, **mappings)
        if plan.ready:
            upload_store.forget(token)
            db.session.commit()  # every entry, its counts, the audit row and the upload gone
            return _page(person, form, done=plan, filename=filename)
        db.session.rollback()
    else:
        plan = logbook_import.plan_import(person, table, today, **mappings)
    samples = [[str(c or "") for c in row] for row in table[:40] if any(c for c in row)][:3]
    return _page(
        person,
        form,
        200 if plan.ready else 422,
        plan=plan,
        token=token,
        filename=filename,
        width=width,
        samples=samples,
        mappings=mappings,
    )
