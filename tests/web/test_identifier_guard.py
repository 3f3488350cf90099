"""The tutor's web forms refuse patient identifiers; lower-confidence ones are flagged to check."""

from __future__ import annotations

import logging

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Comment, Submission
from server.services import accounts
from tests.web.conftest import entry_data

E1, E2 = (f"00000000-0000-4000-8000-00000000001{i}" for i in (1, 2))
NHS = "943 476 5919"
FLAG = "Check for identifiers"


def _setup(app, make_user, log_scans, **fields):
    student = make_user("student", name="Sam Student")
    tutor = make_user("tutor", name="Tess Tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    log_scans(student, [entry_data(E1, "2026-03-14", **fields), entry_data(E2, "2026-04-02")])
    return student, tutor


def _comment(app, web, student, body: str):
    page = f"/students/{student.id}/entries/{E1}"
    return web.post(f"{page}/comments", {"body": body}, page=page)


def test_a_comment_with_an_nhs_number_is_refused_naming_the_field(
    app, make_user, log_scans, web_as, caplog
):
    """422: the Comment field says it looks like an NHS number; the rest of the text is kept
    to edit, the number is not sent back, logged or stored."""
    caplog.set_level(logging.DEBUG)
    student, tutor = _setup(app, make_user, log_scans)

    response = _comment(app, web_as(tutor), student, f"Patient NHS {NHS} should be recalled")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Comment: Looks like an NHS number: remove patient identifiers." in html
    assert 'aria-invalid="true"' in html
    assert "Patient NHS  should be recalled" in html  # kept to edit, without the number
    assert NHS not in html and NHS not in caplog.text
    with app.app_context():
        assert db.session.scalars(select(Comment)).all() == []


def test_a_clean_comment_is_added(app, make_user, log_scans, web_as):
    """The guard lets clinical feedback through."""
    student, tutor = _setup(app, make_user, log_scans)

    response = _comment(app, web_as(tutor), student, "Good CSA 14mm2 at the tunnel inlet, 2/52.")

    assert response.status_code == 302
    with app.app_context():
        assert [c.body for c in db.session.scalars(select(Comment))] == [
            "Good CSA 14mm2 at the tunnel inlet, 2/52."
        ]


def _submitted(app, student, web_as):
    year1 = f"/students/{student.id}?period=1"
    web_as(student).post(
        f"/students/{student.id}/periods/1/submit", {"statement": "A short year."}, page=year1
    )
    with app.app_context():
        return db.session.scalar(select(Submission.id)), year1


def test_return_and_sign_off_comments_with_identifiers_change_nothing(
    app, make_user, log_scans, web_as
):
    """Neither decision is taken; the flash names the field; the audit trail stays clean."""
    student, tutor = _setup(app, make_user, log_scans)
    submission_id, year1 = _submitted(app, student, web_as)
    them = web_as(tutor)

    for action in ("return", "sign-off"):
        response = them.post(
            f"/submissions/{submission_id}/{action}",
            {"comment": f"Recall Mrs Patel, NHS {NHS}"},
            page=year1,
        )
        assert response.status_code == 302
        html = them.get(year1).get_data(as_text=True)
        assert "Comment for the student: Looks like a name" in html
        assert "an NHS number" in html and NHS not in html and "Patel" not in html

    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.state == "submitted" and not row.decision_comment
        details = [e.detail for e in db.session.scalars(select(AuditEvent))]
    assert not any("Patel" in (d or "") or NHS in (d or "") for d in details)


def test_lower_confidence_findings_are_stored_and_flagged_to_the_tutor(
    app, make_user, log_scans, web_as
):
    """ "Pt Patel" is kept, and flagged on the entry and in the record table; others are not."""
    student, tutor = _setup(app, make_user, log_scans, notes="Pt Patel, RC tear")
    them = web_as(tutor)

    flagged = them.get(f"/students/{student.id}/entries/{E1}").get_data(as_text=True)
    clean = them.get(f"/students/{student.id}/entries/{E2}").get_data(as_text=True)
    record = them.get(f"/students/{student.id}?period=1").get_data(as_text=True)

    assert FLAG in flagged and "Notes: Looks like a name" in flagged
    assert "Pt Patel, RC tear" in flagged  # stored as typed
    assert FLAG not in clean
    rows = record.split("<tbody>")[1].split("</tr>")
    assert [FLAG in row for row in rows[:2]] == [False, True]  # newest first: E2, then E1


def test_a_statement_or_a_query_with_an_identifier_is_refused_naming_the_field(
    app, make_user, log_scans, web_as
):
    """The year is not submitted, the query not sent; the page names the field, not the text."""
    student, tutor = _setup(app, make_user, log_scans)
    year1 = f"/students/{student.id}?period=1"
    me = web_as(student)
    answer = me.post(
        f"/students/{student.id}/periods/1/submit", {"statement": f"NHS {NHS}"}, page=year1
    )
    assert answer.status_code == 302
    html = me.get(year1).get_data(as_text=True)
    assert "Statement for your tutor: Looks like an NHS number" in html and NHS not in html
    with app.app_context():
        assert db.session.scalar(select(Submission.id)) is None

    submission_id, year1 = _submitted(app, student, web_as)
    them = web_as(tutor)
    answer = them.post(
        f"/submissions/{submission_id}/entries/{E1}/check",
        {"result": "query", "comment": f"Is this NHS {NHS}?"},
        page=year1,
    )
    assert answer.status_code == 302
    html = them.get(year1).get_data(as_text=True)
    assert "Query for the student: Looks like an NHS number" in html and NHS not in html
    with app.app_context():
        assert db.session.scalar(select(Comment.id)) is None  # no query reached the phone
