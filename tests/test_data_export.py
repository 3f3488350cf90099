"""A student's own data export (subject access): every entry, comment, submission, audit event."""

from __future__ import annotations

import csv
import datetime as dt
import io

from server.extensions import db
from server.models import User
from server.services import accounts, submissions
from tests.sync.helpers import delete, new_id, pull_all, push_ok, upsert
from tests.web.conftest import WebSession

EXPORT = "/api/v1/me/export"


def _logbook(app, client, make_user, auth_header):
    """A student with live, edited and deleted scans, a tutor's comment and a submission."""
    student, tutor, other = make_user("student"), make_user("tutor"), make_user("student")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    header = auth_header(student)
    ids = [new_id() for _ in range(4)]
    push_ok(client, header, [upsert(i, scanned_on="2026-01-12") for i in ids])
    push_ok(client, header, [upsert(ids[0], base=1, notes='=HYPERLINK("x")'), delete(ids[1], 1)])
    push_ok(client, auth_header(other), [upsert(new_id(), notes="someone else's scan")])
    stale = push_ok(client, header, [upsert(ids[2], base=0, notes="from the old phone")])
    assert stale[0]["status"] == "conflict"
    comment = client.post(
        f"/api/v1/entries/{ids[0]}/comments",
        json={"body": "Good views."},
        headers=auth_header(tutor),
    )
    assert comment.status_code == 201
    with app.app_context():
        submissions.submit(
            db.session.get(User, student.id), 1, dt.date(2026, 9, 2), "A short year."
        )
        db.session.commit()  # the service flushes; the action commits
    return student, tutor, header


def test_json_export_holds_every_record_of_the_student_and_nothing_of_others(
    app, client, make_user, auth_header
):
    """Entries (tombstones too), comments, submissions and audit events; another's none."""
    student, tutor, header = _logbook(app, client, make_user, auth_header)
    first = client.get(EXPORT, headers=header)
    assert first.status_code == 200
    assert "attachment" in first.headers["Content-Disposition"]
    data = first.get_json()
    pulled, comments, _ = pull_all(client, header)
    assert sorted(data["entries"], key=lambda e: e["id"]) == sorted(pulled, key=lambda e: e["id"])
    assert len(data["entries"]) == 4 and sum(e["deleted"] for e in data["entries"]) == 1
    assert "someone else's scan" not in first.get_data(as_text=True)
    assert data["comments"] == comments and data["comments"][0]["body"] == "Good views."
    assert [s["period"] for s in data["submissions"]] == [1]
    assert data["user"]["email"] == student.email
    assert "token_hash" not in first.get_data(as_text=True)
    assert len(data["devices"]) == 1
    assert [c["entry"]["notes"] for c in data["conflict_copies"]] == ["from the old phone"]
    assert "submitted" in [e["action"] for e in data["audit_events"]]

    again = client.get(EXPORT, headers=header).get_json()
    exported = [e for e in again["audit_events"] if e["action"] == "data_exported"]
    assert len(exported) == 1 and exported[0]["detail"] == "format json"


def test_csv_export_has_a_section_per_kind_and_defuses_formulas(
    app, client, make_user, auth_header
):
    """One CSV a spreadsheet opens: titled sections; a cell starting '=' is not a formula."""
    _, _, header = _logbook(app, client, make_user, auth_header)
    response = client.get(f"{EXPORT}?format=csv", headers=header)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    titles = [r[0] for r in rows if r and r[0].startswith("# ")]
    assert titles == [
        "# account",
        "# entries",
        "# comments",
        "# submissions",
        "# audit_events",
        "# conflict_copies",
        "# devices",
    ]
    start = rows.index(["# entries"])
    columns = rows[start + 1]
    entries = [dict(zip(columns, r, strict=True)) for r in rows[start + 2 : start + 6]]
    assert '\'=HYPERLINK("x")' in {e["notes"] for e in entries}
    assert {e["deleted"] for e in entries} == {"True", "False"}
    assert rows[start + 6] == []  # four entries, then the next section
    comments = rows.index(["# comments"])
    assert rows[comments + 2][rows[comments + 1].index("body")] == "Good views."


def test_only_students_export_and_a_bad_format_is_a_clear_422(client, make_user, auth_header):
    """Tutors and admins have no logbook to export (403); ?format=xml is refused (422)."""
    assert client.get(EXPORT, headers=auth_header(make_user("tutor"))).status_code == 403
    assert client.get(EXPORT, headers=auth_header(make_user("admin"))).status_code == 403
    bad = client.get(f"{EXPORT}?format=xml", headers=auth_header(make_user("student")))
    assert bad.status_code == 422 and "format" in bad.get_json()["errors"]


def test_the_student_page_links_the_download(app, make_user, auth_header):
    """Their own logbook page offers JSON and CSV; the download is the same export."""
    student = make_user("student")
    web = WebSession(app.test_client(), student)
    page = web.get(f"/students/{student.id}").get_data(as_text=True)
    assert "/account/data-export?format=json" in page and "/account/data-export?format=csv" in page
    download = web.get("/account/data-export?format=csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert student.email in download.get_data(as_text=True)
    assert web.get("/account/data-export?format=pdf").status_code == 400
    tutor = WebSession(app.test_client(), make_user("tutor"))
    assert tutor.get("/account/data-export").status_code == 403
