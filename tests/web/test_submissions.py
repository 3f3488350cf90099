"""Yearly submission and sign-off: states, snapshot, changes after submission, audit trail."""

from __future__ import annotations

import json

import pytest

from server.extensions import db
from server.models import AuditEvent, Submission, SubmissionEntry
from server.services import accounts
from tests.web.conftest import entry_data

E1, E2, E3 = (f"00000000-0000-4000-8000-00000000000{i}" for i in (1, 2, 3))


def _setup(make_user, log_scans, app):
    student = make_user("student", name="Sam Student", target=2)  # at target: no statement
    tutor = make_user("tutor", name="Tess Tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    log_scans(student, [entry_data(E1, "2026-03-14"), entry_data(E2, "2026-04-02", region="knee")])
    return student, tutor


def _submission(app) -> Submission:
    with app.app_context():
        row = db.session.scalar(db.select(Submission).order_by(Submission.id.desc()))
        db.session.expunge(row)
        return row


def test_student_submits_tutor_returns_student_fixes_and_tutor_signs_off(
    app, make_user, log_scans, web_as
):
    student, tutor = _setup(make_user, log_scans, app)
    me, them = web_as(student), web_as(tutor)
    year1 = f"/students/{student.id}?period=1"
    assert "Submit year 1" in me.get(year1).get_data(as_text=True)
    response = me.post(f"/students/{student.id}/periods/1/submit", page=year1)
    assert response.status_code == 302
    html = me.get(year1).get_data(as_text=True)
    assert "Year 1 submitted with 2 scans" in html and "Submitted, waiting for sign-off" in html
    row = _submission(app)
    with app.app_context():
        snap = db.session.get(SubmissionEntry, (row.id, E1))
        assert snap.version == 1 and json.loads(snap.snapshot)["scanned_on"] == "2026-03-14"
    assert json.loads(row.counts) == {
        "total": 2,
        "by_region": {"shoulder": 1, "knee": 1},
        "by_activity": {"diagnostic": 2},
    }

    # Returning needs a comment saying what to change.
    empty = them.post(f"/submissions/{row.id}/return", {"comment": ""}, page=year1)
    assert "Say what the student should change" in them.get(year1).get_data(as_text=True)
    assert empty.status_code == 302 and _submission(app).state == "submitted"
    them.post(f"/submissions/{row.id}/return", {"comment": "Add findings to 2 Apr."}, page=year1)
    assert _submission(app).state == "returned"

    # The student corrects an entry: the change shows against the submission.
    log_scans(student, [entry_data(E2, "2026-04-02", region="knee", findings="Effusion")], 1)
    html = them.get(year1).get_data(as_text=True)
    assert "Returned for changes" in html and "Add findings to 2 Apr." in html
    assert "Changed after submission" in html
    assert "findings “Supraspinatus tendinopathy” → “Effusion”" in html
    me.post(f"/students/{student.id}/periods/1/submit", page=year1)
    second = _submission(app)
    assert second.id != row.id and second.state == "submitted"
    them.post(f"/submissions/{second.id}/sign-off", {"comment": ""}, page=year1)
    assert "still to look at" in them.get(year1).get_data(as_text=True)  # the sample first
    for entry_id in (E1, E2):
        path = f"/submissions/{second.id}/entries/{entry_id}/check"
        them.post(path, {"result": "checked"}, page=year1)
    assert "2 sampled, 2 checked" in them.get(year1).get_data(as_text=True)
    them.post(f"/submissions/{second.id}/sign-off", {"comment": ""}, page=year1)
    html = me.get(year1).get_data(as_text=True)
    assert (
        "Signed off by Tess Tutor" in html and "Submit" not in html.split("submission-h")[1][:400]
    )
    with app.app_context():
        actions = list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))
        actors = {e.action: e.actor_id for e in db.session.scalars(db.select(AuditEvent))}
    assert actions == ["submitted", "returned", "submitted", "signed_off"]
    assert actors["signed_off"] == tutor.id and actors["submitted"] == student.id


def _submit_and_sign_off(app, web_as, student, tutor):
    """The student submits year 1; the tutor checks both sampled entries and signs it off.
    Returns the tutor's web session and the submission."""
    year1 = f"/students/{student.id}?period=1"
    web_as(student).post(f"/students/{student.id}/periods/1/submit", page=year1)
    them = web_as(tutor)
    row = _submission(app)
    for entry_id in (E1, E2):
        them.post(f"/submissions/{row.id}/entries/{entry_id}/check", {"result": "checked"})
    them.post(f"/submissions/{row.id}/sign-off", page=year1)
    return them, row


def test_a_signed_off_year_is_locked_until_reopened(app, make_user, log_scans, web_as):
    student, tutor = _setup(make_user, log_scans, app)
    year1 = f"/students/{student.id}?period=1"
    them, row = _submit_and_sign_off(app, web_as, student, tutor)
    assert _submission(app).state == "signed_off"
    with pytest.raises(AssertionError, match="Year 1 is signed off"):
        log_scans(student, [entry_data(E3, "2026-05-01")])
    them.post(f"/submissions/{row.id}/reopen", {"reason": "Late scan."}, page=year1)
    log_scans(student, [entry_data(E3, "2026-05-01")])
    html = them.get(year1).get_data(as_text=True)
    assert "Reopened on" in html and "Late scan." in html and "Added after submission" in html


def test_cannot_submit_twice_or_a_future_year(app, make_user, log_scans, web_as):
    student, _ = _setup(make_user, log_scans, app)
    me = web_as(student)
    year1 = f"/students/{student.id}?period=1"
    me.post(f"/students/{student.id}/periods/1/submit", page=year1)
    me.post(f"/students/{student.id}/periods/1/submit", page=year1)
    assert "already submitted, waiting for sign-off" in me.get(year1).get_data(as_text=True)
    me.post(f"/students/{student.id}/periods/3/submit", page=year1)
    assert "Year 3 can be submitted from 3 Aug 2028" in me.get(year1).get_data(as_text=True)
    assert me.post(f"/students/{student.id}/periods/9/submit", page=year1).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 1


def test_another_tutor_cannot_sign_off(app, make_user, log_scans, web_as):
    student, _ = _setup(make_user, log_scans, app)
    stranger = make_user("tutor")
    year1 = f"/students/{student.id}?period=1"
    web_as(student).post(f"/students/{student.id}/periods/1/submit", page=year1)
    row = _submission(app)
    response = web_as(stranger).post(f"/submissions/{row.id}/sign-off", page="/staff")
    assert response.status_code == 404
    assert _submission(app).state == "submitted"


def test_submit_from_the_app_api(app, make_user, log_scans, client, auth_header):
    student, tutor = _setup(make_user, log_scans, app)
    header = auth_header(student)
    response = client.post("/api/v1/periods/1/submit", headers=header)
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "submitted" and body["entry_count"] == 2
    assert body["counts"]["by_region"] == {"knee": 1, "shoulder": 1}
    again = client.post("/api/v1/periods/1/submit", headers=header)
    assert again.status_code == 409 and "already submitted" in again.get_json()["message"]
    assert client.post("/api/v1/periods/7/submit", headers=header).status_code == 404
    listed = client.get("/api/v1/submissions", headers=header).get_json()["submissions"]
    assert [s["state"] for s in listed] == ["submitted"]
    assert client.post("/api/v1/periods/1/submit", headers=auth_header(tutor)).status_code == 403


def test_a_year_submitted_again_after_a_reopen_shows_what_changed_since_its_sign_off(
    app, make_user, log_scans, web_as
):
    """The tutor signing a reopened year off again sees what changed since the last sign-off,
    not only since the new submission."""
    student, tutor = _setup(make_user, log_scans, app)
    year1 = f"/students/{student.id}?period=1"
    them, row = _submit_and_sign_off(app, web_as, student, tutor)
    them.post(f"/submissions/{row.id}/reopen", {"reason": "Late scan."}, page=year1)
    log_scans(student, [entry_data(E3, "2026-05-01")])
    html = them.get(year1).get_data(as_text=True)
    assert "since the sign-off of" not in html  # not submitted again yet: the usual list
    web_as(student).post(f"/students/{student.id}/periods/1/submit", page=year1)
    html = them.get(year1).get_data(as_text=True)
    assert "1 change since the sign-off of" in html
    assert f"/entries/{E3}" in html and "added since that sign-off" in html
    assert "after submission</summary>" not in html  # nothing since the new submission
    again = _submission(app)
    for entry_id in (E1, E2, E3):
        them.post(f"/submissions/{again.id}/entries/{entry_id}/check", {"result": "checked"})
    them.post(f"/submissions/{again.id}/sign-off", page=year1)
    assert _submission(app).state == "signed_off"
    # Signed off again: that sign-off covered those changes, so they are not listed as news.
    assert "since the sign-off of" not in them.get(year1).get_data(as_text=True)
