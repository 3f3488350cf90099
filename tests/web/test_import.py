"""Cohort import from CSV: a dry-run preview, an error per bad row, nothing written unconfirmed."""

from __future__ import annotations

import io

from server.extensions import db
from server.models import Invitation, TutorAssignment, User

GOOD = """name,email,role,pgcert_completed,registration_ends,tutor_email
Tina Tutor,tina@example.org,tutor,,,
Ali Student,ali@example.org,student,2025-09-01,2028-08-31,tina@example.org
Bo Student,bo@example.org,student,01/09/2025,31/08/2028,tina@example.org
"""
BAD = GOOD + "Cy Student,cy@example.org,student,2025-13-01,2028-08-31,nobody@example.org\n"


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_preview_names_the_bad_row_and_writes_nothing(app, make_user, web_as):
    admin = web_as(make_user("admin"))
    before = _count_users(app)
    response = admin.post("/admin/import", {"csv_text": BAD})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Preview: nothing has been written yet" in html
    assert "1 with errors." in html and "Line 5:" in html
    assert "is not a date" in html and "No tutor with the email nobody@example.org." in html
    assert "Import 4 users" not in html
    assert _count_users(app) == before
    # Even a forged confirmation of a bad file writes nothing.
    admin.post("/admin/import", {"csv_text": BAD, "confirm": "yes"})
    assert _count_users(app) == before


def test_good_file_is_previewed_then_imported_on_confirmation(app, make_user, web_as):
    admin = web_as(make_user("admin"))
    before = _count_users(app)
    preview = admin.post(
        "/admin/import",
        data={"csv_text": "", "csv_file": (io.BytesIO(GOOD.encode()), "cohort.csv")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "all correct." in html and "Import 3 users" in html
    assert _count_users(app) == before
    done = admin.post("/admin/import", {"csv_text": GOOD, "confirm": "yes"})
    html = done.get_data(as_text=True)
    assert "3 users created." in html and html.count("/invitation/") == 3
    assert _count_users(app) == before + 3
    with app.app_context():
        ali = db.session.scalar(db.select(User).where(User.email == "ali@example.org"))
        tina = db.session.scalar(db.select(User).where(User.email == "tina@example.org"))
        assert ali.logbook.registration_ends_on.isoformat() == "2028-08-31"
        assert ali.password_hash is None
        assert db.session.get(TutorAssignment, (tina.id, ali.id)) is not None
        assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 3
    # The same file again: every row already exists.
    again = admin.post("/admin/import", {"csv_text": GOOD}).get_data(as_text=True)
    assert "already has an account" in again


def test_missing_columns_are_named(app, make_user, web_as):
    admin = web_as(make_user("admin"))
    html = admin.post("/admin/import", {"csv_text": "name,email\nA,a@example.org\n"}).get_data(
        as_text=True
    )
    assert "Missing column(s): role." in html
