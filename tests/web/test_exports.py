"""Downloads and imports as people reach them: the API, the web pages, and the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from sqlalchemy import func, select, update

from server.extensions import db
from server.models import Entry, PendingUpload, utcnow
from server.services import accounts
from tests.api.test_progress import other_app
from tests.exports.helpers import add_entries
from tests.web.conftest import WebSession, csrf_from

PDF = "application/pdf"
# The import form's choices for CSV below: its columns, and its one unknown region word.
MAPPING = {
    "columns": "1",
    "column-0": "scanned_on",
    "column-1": "region",
    "column-2": "notes",
    "word-0-key": "region|popliteal fossa",
    "word-0": "knee",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _entries(app, owner_id: int) -> int:
    with app.app_context():
        where = Entry.owner_id == owner_id
        return db.session.scalar(select(func.count()).select_from(Entry).where(where))


def test_a_student_downloads_their_year_through_the_api(app, client, make_user, auth_header):
    student = make_user("student", name="Sam O'Neil")
    add_entries(app, student.id, 4)
    header = auth_header(student)
    for fmt, mimetype in (("pdf", PDF), ("csv", "text/csv"), ("xlsx", XLSX)):
        response = client.get(f"/api/v1/logbook/export?format={fmt}&period=1", headers=header)
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="scanlog-sam-o-neil-year-1.{fmt}"'
        )
    whole = client.get("/api/v1/logbook/export?format=pdf", headers=header)
    assert 'filename="scanlog-sam-o-neil-logbook.pdf"' in whole.headers["Content-Disposition"]
    assert whole.data.startswith(b"%PDF")


def test_unknown_format_is_422_and_unknown_year_404_as_json(client, make_user, auth_header):
    header = auth_header(make_user("student"))
    bad = client.get("/api/v1/logbook/export?format=docx", headers=header)
    assert bad.status_code == 422 and "format" in bad.get_json()["errors"]
    assert client.get("/api/v1/logbook/export", headers=header).status_code == 422
    missing = client.get("/api/v1/logbook/export?format=pdf&period=9", headers=header)
    assert missing.status_code == 404 and "year 9" in missing.get_json()["message"]


def test_the_student_page_offers_downloads_and_says_the_pdf_is_the_document(app, make_user, web_as):
    student = make_user("student")
    html = web_as(student).get(f"/students/{student.id}?period=1").get_data(as_text=True)
    assert "Download year 1 PDF" in html and "Whole logbook PDF" in html
    assert f"/students/{student.id}/export?period=1&amp;format=xlsx" in html
    assert "Import an existing logbook" in html
    assert "the year 1 PDF" in html and "print-only" in html
    tutor = make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    tutor_html = web_as(tutor).get(f"/students/{student.id}?period=1").get_data(as_text=True)
    assert "Download year 1 PDF" in tutor_html and "Import an existing logbook" not in tutor_html
    staff = web_as(tutor).get("/staff").get_data(as_text=True)
    assert "/cohort/export?format=xlsx" in staff
    download = web_as(tutor).get(f"/students/{student.id}/export?format=pdf&period=1")
    assert download.status_code == 200 and download.mimetype == PDF
    assert web_as(tutor).get(f"/students/{student.id}/export?format=exe").status_code == 404


CSV = (
    b"My old logbook,,\n"
    b"Date,Region,Notes\n"
    b"14/03/2026,Lt knee,Effusion\n"
    b"15/03/2026,popliteal fossa,\n"
    b"31/09/2025,knee,\n"
)


def _upload(session, path, data: bytes, name: str):
    page = session.get(path).get_data(as_text=True)
    return session.client.post(
        path,
        data={"csrf_token": csrf_from(page), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_import_page_previews_maps_and_confirms_once(app, make_user, web_as):
    student = make_user("student")
    me = web_as(student)
    path = f"/students/{student.id}/import"
    preview = _upload(me, path, CSV, "old.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422  # a word is still to be mapped
    assert "nothing has been written yet" in html
    assert "Row 5: “31/09/2025” is not a date" in html
    assert "popliteal fossa" in html and "Import 1" not in html
    assert _entries(app, student.id) == 0
    token = html.split('name="token" value="')[1].split('"')[0]
    form = {
        "csrf_token": csrf_from(html),
        "token": token,
        **MAPPING,
    }
    mapped = me.client.post(path, data=form)
    assert mapped.status_code == 200 and "Import 2 entries" in mapped.get_data(as_text=True)
    assert _entries(app, student.id) == 0
    done = me.client.post(path, data={**form, "confirm": "yes"})
    assert "2 entries added" in done.get_data(as_text=True)
    assert _entries(app, student.id) == 2
    again = me.client.post(path, data={**form, "confirm": "yes"})  # the upload is gone
    assert again.status_code == 422 and _entries(app, student.id) == 2
    second = _upload(me, path, CSV, "old.csv")  # the same file again: nothing new
    assert "0 new entries to add, 1 already in the logbook" in second.get_data(as_text=True)


def test_an_upload_token_works_for_its_uploader_and_student_only(app, make_user, web_as):
    student, admin = make_user("student"), make_user("admin")
    path = f"/students/{student.id}/import"
    html = _upload(web_as(student), path, CSV, "old.csv").get_data(as_text=True)
    token = html.split('name="token" value="')[1].split('"')[0]
    other = web_as(admin)
    page = other.get(path).get_data(as_text=True)
    stolen = other.client.post(path, data={"csrf_token": csrf_from(page), "token": token})
    assert stolen.status_code == 422 and "Choose the file" in stolen.get_data(as_text=True)


def test_a_file_that_is_not_csv_xlsx_docx_or_too_big_is_refused(app, make_user, web_as):
    student = make_user("student")
    me = web_as(student)
    path = f"/students/{student.id}/import"
    wrong = _upload(me, path, b"%PDF-1.4", "logbook.pdf")
    assert wrong.status_code == 422
    assert "Choose a CSV, Excel (.xlsx) or Word (.docx) file." in wrong.get_data(as_text=True)
    big = _upload(me, path, b"a" * (2 * 1024 * 1024 + 1), "big.csv")
    assert big.status_code == 413 and "too large" in big.get_data(as_text=True)
    without = me.client.post(path, data={}, content_type="multipart/form-data")
    assert without.status_code == 400  # no CSRF token
    assert _entries(app, student.id) == 0


def test_cli_export_and_import(app, make_user, tmp_path):
    student = make_user("student", email="cli@example.org")
    add_entries(app, student.id, 6)
    runner = app.test_cli_runner()
    out = tmp_path / "year.xlsx"
    result = runner.invoke(
        args=["logbook", "export", "--student", "cli@example.org", "--period", "1"]
        + ["--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "6 entries" in result.output and out.read_bytes()[:2] == b"PK"
    other = make_user("student", email="new@example.org")
    dry = runner.invoke(
        args=["logbook", "import", "--student", "new@example.org", str(out), "--dry-run"]
    )
    assert dry.exit_code == 0 and "Would import 6 entries" in dry.output
    assert _entries(app, other.id) == 0
    real = runner.invoke(args=["logbook", "import", "--student", "new@example.org", str(out)])
    assert real.exit_code == 0 and "Imported 6 entries" in real.output
    assert _entries(app, other.id) == 6
    for args, message in (
        (
            ["export", "--student", "nobody@example.org", "--format", "pdf", "--out", "x"],
            "No student",
        ),
        (
            [
                "export",
                "--student",
                "cli@example.org",
                "--period",
                "7",
                "--format",
                "pdf",
                "--out",
                "x",
            ],
            "no year 7",
        ),
        (
            ["import", "--student", "cli@example.org", str(tmp_path / "year.xlsx.txt")],
            "does not exist",
        ),
    ):
        bad = runner.invoke(args=["logbook", *args])
        assert bad.exit_code == 2 and message in bad.output, bad.output
    (tmp_path / "notes.txt").write_text("hello")
    bad_file = runner.invoke(
        args=["logbook", "import", "--student", "cli@example.org", str(tmp_path / "notes.txt")]
    )
    assert bad_file.exit_code == 2 and "Choose a CSV" in bad_file.output


def test_an_upload_previewed_on_one_app_server_confirms_on_another_and_expires(
    app, database_url, make_user, web_as
):
    """The upload waits in the database (its token hashed), not in one machine's folder: a
    second app server on the same database confirms it; after an hour it is gone."""
    student = make_user("student")
    path = f"/students/{student.id}/import"
    html = _upload(web_as(student), path, CSV, "old.csv").get_data(as_text=True)
    token = html.split('name="token" value="')[1].split('"')[0]
    with app.app_context():
        (row,) = db.session.scalars(select(PendingUpload))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    form = {
        "token": token,
        **MAPPING,
        "confirm": "yes",
    }
    with other_app(database_url) as second:
        done = WebSession(second.test_client(), student).post(path, form)
    assert "2 entries added" in done.get_data(as_text=True)
    assert _entries(app, student.id) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0

    html = _upload(web_as(student), path, CSV, "old.csv").get_data(as_text=True)
    token = html.split('name="token" value="')[1].split('"')[0]
    with app.app_context():
        db.session.execute(
            update(PendingUpload).values(created_at=utcnow() - dt.timedelta(minutes=61))
        )
        db.session.commit()
    late = web_as(student).post(path, {**form, "token": token})
    assert late.status_code == 422 and "Choose the file" in late.get_data(as_text=True)
    _upload(web_as(student), path, CSV, "old.csv")  # a new upload sweeps the stale one away
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 1
