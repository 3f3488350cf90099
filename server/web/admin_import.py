"""Admin: bulk cohort import from CSV, with a dry-run preview; nothing written until confirmed."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..domain.cohort_csv import COLUMNS
from ..extensions import db
from ..services import cohort_import, invitations
from . import bp
from .access import roles_required
from .admin_users import new_invitation_link
from .forms import ImportForm

MAX_UPLOAD = 500_000


def _csv_text(form: ImportForm) -> str:
    upload = request.files.get("csv_file")
    if upload and upload.filename:
        return upload.read(MAX_UPLOAD + 1).decode("utf-8-sig", errors="replace")
    return form.csv_text.data or ""


@bp.route("/admin/import", methods=["GET", "POST"])
@roles_required("admin")
def cohort_import_page():
    """Upload or paste a cohort CSV and see what would be created, row by row."""
    form = ImportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("admin/import.html", form=form, columns=COLUMNS), status
    text = _csv_text(form)
    if len(text) > MAX_UPLOAD:
        form.csv_text.errors.append("The file is too large: import at most 2000 rows at a time.")
        return render_template("admin/import.html", form=form, columns=COLUMNS), 413
    checked = cohort_import.preview(text)
    if request.form.get("confirm") == "yes" and checked.ok:
        created = cohort_import.run_import(current_user, text)
        links = [(user, new_invitation_link(user)) for user in created]
        db.session.commit()  # every user, tutor, link and audit row, or none of them
        sent = [(user, link, invitations.send_invitation_email(user, link)) for user, link in links]
        return render_template("admin/import_done.html", links=sent)
    form.csv_text.data = text
    status = 200 if checked.ok else 422
    return render_template(
        "admin/import.html", form=form, columns=COLUMNS, checked=checked, preview=True
    ), status
