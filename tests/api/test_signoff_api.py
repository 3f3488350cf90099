"""Sign-off that happens (issue 13): the queue, the window, the sample, checks, the lock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.domain.periods import add_years
from server.domain.sampling import draw
from server.extensions import db
from server.models import AuditEvent
from server.services import accounts
from tests.sync.helpers import delete, new_id, pull_all, push_ok, upsert

TODAY = dt.date.today()
IN_YEAR_ONE = "2026-01-12"  # the default logbook's year 1 runs 1 Sep 2025 - 31 Aug 2026
IN_YEAR_TWO = "2026-10-01"
LOCKED = "Year 1 is signed off: ask your tutor or an admin to reopen it."


@pytest.fixture
def tutor(app, make_user, student):
    """The student's tutor."""
    tutor = make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    return tutor


@pytest.fixture
def staff(auth_header, tutor):
    """The tutor's API header."""
    return auth_header(tutor)


def log(client, header, n: int, day: str = IN_YEAR_ONE) -> list[str]:
    """Push n new entries dated `day`; their ids."""
    ids = [new_id() for _ in range(n)]
    results = push_ok(client, header, [upsert(i, scanned_on=day) for i in ids])
    assert {r["status"] for r in results} == {"applied"}
    return ids


def submit(client, header, number=1, **body):
    """POST /periods/<n>/submit."""
    return client.post(f"/api/v1/periods/{number}/submit", json=body, headers=header)


def sample_of(client, staff, student, number=1):
    """The sampled entries, as the tutor reads them."""
    response = client.get(f"/api/v1/students/{student.id}/periods/{number}/sample", headers=staff)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["entries"]


def check(client, staff, entry_id, result="checked", comment=""):
    """POST /entries/<id>/check."""
    body = {"result": result, "comment": comment}
    return client.post(f"/api/v1/entries/{entry_id}/check", json=body, headers=staff)


def year(client, header, number=1):
    """The student's own progress period."""
    return client.get("/api/v1/progress", headers=header).get_json()["periods"][number - 1]


def test_submission_window_opens_28_days_before_the_year_ends(client, make_user, auth_header):
    ends_in_60 = make_user("student", pgcert=add_years(TODAY, -1) + dt.timedelta(days=60))
    header = auth_header(ends_in_60)
    period = year(client, header)
    opens = dt.date.fromisoformat(period["ends_on"]) - dt.timedelta(days=28)
    assert period["submission_opens_on"] == opens.isoformat()

    response = submit(client, header, statement="A slow start.")
    assert response.status_code == 409
    assert response.get_json()["message"] == (
        f"Year 1 can be submitted from {opens.day} {opens:%b %Y}."
    )
    assert year(client, header)["submission"] is None

    ends_in_20 = make_user("student", pgcert=add_years(TODAY, -1) + dt.timedelta(days=20))
    assert submit(client, auth_header(ends_in_20), statement="A slow start.").status_code == 201


def test_below_target_needs_a_statement_shown_to_the_tutor(client, header, staff, student):
    log(client, header, 3)
    response = submit(client, header)
    assert response.status_code == 422
    assert "3 of 300 scans" in response.get_json()["errors"]["statement"][0]
    assert year(client, header)["submission"] is None

    response = submit(client, header, statement="Clinics closed for three months.")
    assert response.status_code == 201
    assert response.get_json()["statement"] == "Clinics closed for three months."
    tutor_view = client.get(f"/api/v1/students/{student.id}/progress", headers=staff).get_json()
    submission = tutor_view["periods"][0]["submission"]
    assert submission["status"] == "submitted"
    assert submission["statement"] == "Clinics closed for three months."
    assert submission["sample"] == {"size": 3, "checked": 0, "queried": 0, "resolved": 0}


def test_a_year_at_target_needs_no_statement(client, make_user, auth_header):
    student = make_user("student", target=2)
    header = auth_header(student)
    log(client, header, 2)
    assert submit(client, header).status_code == 201


def test_the_queue_lists_years_waiting_for_sign_off(client, header, staff, student):
    def waiting():
        rows = client.get("/api/v1/students", headers=staff).get_json()
        return {row["id"]: row["awaiting_signoff"] for row in rows}

    assert waiting() == {student.id: []}
    ids = log(client, header, 2)
    submit(client, header, statement="Short year.")
    assert waiting() == {student.id: [1]}
    for entry_id in ids:
        assert check(client, staff, entry_id).status_code == 201
    response = client.post(
        f"/api/v1/students/{student.id}/periods/1/sign-off", json={}, headers=staff
    )
    assert response.status_code == 200, response.get_json()
    assert waiting() == {student.id: []}


def test_the_sample_is_drawn_once_stored_and_sized_as_configured(client, header, staff, student):
    ids = log(client, header, 25)
    assert (
        client.get(f"/api/v1/students/{student.id}/periods/1/sample", headers=staff).status_code
        == 404
    )  # not submitted yet
    submit(client, header, statement="Short year.")
    first = [e["id"] for e in sample_of(client, staff, student)]
    assert len(first) == 10 and set(first) <= set(ids)
    assert all(e["check"] is None for e in sample_of(client, staff, student))
    log(client, header, 5)  # entries added after the hand-in do not redraw it
    assert [e["id"] for e in sample_of(client, staff, student)] == first


def test_the_draw_is_reproducible_whatever_the_order_of_the_entries():
    ids = [new_id() for _ in range(40)]
    assert draw(ids, 10, "7:1:3") == draw(list(reversed(ids)), 10, "7:1:3")
    assert draw(ids, 10, "7:1:3") != draw(ids, 10, "7:1:4")


def test_sample_percent_wins_when_it_is_larger(app, client, header, staff, student):
    app.config.update(SAMPLE_SIZE=3, SAMPLE_PERCENT=50)  # read when the sample is drawn
    log(client, header, 9)
    assert submit(client, header, statement="Short.").status_code == 201
    assert len(sample_of(client, staff, student)) == 5  # 50% of 9, rounded up


def test_a_query_reaches_the_students_pull_and_a_fix_resolves_it(client, header, staff, student):
    ids = log(client, header, 12)
    outside = log(client, header, 1, IN_YEAR_TWO)[0]
    submit(client, header, statement="Short year.")
    sampled = [e["id"] for e in sample_of(client, staff, student)]
    queried, *rest = sampled
    unsampled = next(i for i in ids if i not in sampled)

    assert check(client, staff, unsampled).status_code == 409
    assert check(client, staff, outside).status_code == 409
    assert check(client, staff, queried, "query").status_code == 422  # a query says why
    response = check(client, staff, queried, "query", "Which tendon? The region says knee.")
    assert response.status_code == 201
    assert response.get_json()["result"] == "query"
    assert check(client, staff, rest[0]).status_code == 201
    assert check(client, staff, rest[0]).status_code == 200  # a second look changes it

    _, comments, _ = pull_all(client, header)
    assert [(c["entry_id"], c["body"]) for c in comments] == [
        (queried, "Query: Which tendon? The region says knee.")
    ]
    assert year(client, header)["submission"]["sample"] == {
        "size": 10,
        "checked": 1,
        "queried": 1,
        "resolved": 0,
    }
    push_ok(client, header, [upsert(queried, base=1, scanned_on=IN_YEAR_ONE, region="knee")])
    assert year(client, header)["submission"]["sample"]["resolved"] == 1
    checks = {e["id"]: e["check"] for e in sample_of(client, staff, student)}
    assert checks[queried]["comment"] == "Which tendon? The region says knee."
    assert checks[rest[1]] is None


def test_sign_off_needs_every_sampled_entry_looked_at(client, header, staff, student, app):
    log(client, header, 4)
    submit(client, header, statement="Short year.")
    sampled = [e["id"] for e in sample_of(client, staff, student)]
    url = f"/api/v1/students/{student.id}/periods/1/sign-off"
    for entry_id in sampled[:-1]:
        check(client, staff, entry_id)
    response = client.post(url, json={"comment": "Good."}, headers=staff)
    assert response.status_code == 409
    assert "1 still to look at" in response.get_json()["message"]
    check(client, staff, sampled[-1], "query", "Is the side right?")
    response = client.post(url, json={"comment": "Good."}, headers=staff)
    assert response.status_code == 200, response.get_json()
    submission = year(client, header)["submission"]
    assert (submission["status"], submission["comment"]) == ("signed_off", "Good.")
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "signed_off")
        )
    assert "4 sampled, 3 checked, 1 queried, 1 open" in detail


def test_with_signoff_requires_sample_off_a_tutor_signs_off_before_the_sample_is_done(
    client, header, staff, student, app
):
    """SIGNOFF_REQUIRES_SAMPLE=false: the sample is still drawn and recorded, but does not wait."""
    app.config.update(SIGNOFF_REQUIRES_SAMPLE=False)  # read when the tutor signs off
    log(client, header, 4)
    submit(client, header, statement="Short year.")
    sampled = [e["id"] for e in sample_of(client, staff, student)]
    check(client, staff, sampled[0])
    url = f"/api/v1/students/{student.id}/periods/1/sign-off"
    response = client.post(url, json={"comment": "Good."}, headers=staff)
    assert response.status_code == 200, response.get_json()
    assert year(client, header)["submission"]["status"] == "signed_off"
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "signed_off")
        )
    assert "4 sampled, 1 checked, 3 not looked at yet" in detail


def test_the_summary_reads_as_the_tutor_says_it():
    from server.domain.sampling import SampleCounts, summary

    assert summary(SampleCounts(30, 29, 1, 1)) == "30 sampled, 29 checked, 1 queried, resolved"
    assert summary(SampleCounts(10, 4, 0, 0)) == "10 sampled, 4 checked, 6 not looked at yet"


def test_return_needs_a_comment_and_can_be_submitted_again(client, header, staff, student):
    log(client, header, 2)
    submit(client, header, statement="Short year.")
    url = f"/api/v1/students/{student.id}/periods/1/return"
    assert client.post(url, json={}, headers=staff).status_code == 422
    response = client.post(url, json={"comment": "Add March."}, headers=staff)
    assert response.status_code == 200
    submission = year(client, header)["submission"]
    assert (submission["status"], submission["comment"]) == ("returned", "Add March.")
    assert submit(client, header, statement="Added March.").status_code == 201


def sign_off_year_one(client, header, staff, student) -> list[str]:
    """Log two entries in year 1, submit, check the sample and sign it off; the entry ids."""
    ids = log(client, header, 2)
    submit(client, header, statement="Short year.")
    for entry_id in ids:
        check(client, staff, entry_id)
    url = f"/api/v1/students/{student.id}/periods/1/sign-off"
    assert client.post(url, json={}, headers=staff).status_code == 200
    return ids


def test_a_signed_off_year_is_locked_against_pushes(client, header, staff, student):
    first, second = sign_off_year_one(client, header, staff, student)
    results = push_ok(
        client,
        header,
        [
            upsert(first, base=1, scanned_on=IN_YEAR_ONE, notes="changed"),
            delete(second, base=1),
            upsert(new_id(), scanned_on=IN_YEAR_ONE),
            upsert(first, base=1, scanned_on=IN_YEAR_TWO),  # moving it out changes it too
            upsert(new_id(), scanned_on=IN_YEAR_TWO),
        ],
    )
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["applied"]
    assert {r["errors"]["scanned_on"][0] for r in results[:4]} == {LOCKED}
    entries, _, _ = pull_all(client, header)
    kept = {e["id"]: e for e in entries}
    assert (kept[first]["version"], kept[first]["notes"]) == (1, "")
    assert kept[second]["deleted"] is False


def test_reopen_unlocks_with_a_reason_in_the_audit_trail(client, header, staff, student, app):
    first, _ = sign_off_year_one(client, header, staff, student)
    url = f"/api/v1/students/{student.id}/periods/1/reopen"
    assert client.post(url, json={"reason": ""}, headers=staff).status_code == 422
    response = client.post(url, json={"reason": "A scan dated in the wrong year."}, headers=staff)
    assert response.status_code == 200
    assert client.post(url, json={"reason": "Again."}, headers=staff).status_code == 409
    assert year(client, header)["submission"] is None  # open again
    results = push_ok(client, header, [upsert(first, base=1, scanned_on=IN_YEAR_ONE, notes="x")])
    assert results[0]["status"] == "applied"

    assert submit(client, header, statement="Fixed the date.").status_code == 201
    for e in sample_of(client, staff, student):
        check(client, staff, e["id"])
    sign = f"/api/v1/students/{student.id}/periods/1/sign-off"
    assert client.post(sign, json={}, headers=staff).status_code == 200
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        ).all()
    actions = [a for a, _ in events]
    assert actions == ["submitted", "signed_off", "reopened", "submitted", "signed_off"]
    assert events[2].detail == "A scan dated in the wrong year."
    assert "Since the sign-off of" in events[4].detail and "1 changed" in events[4].detail


def test_only_the_tutor_signs_off_and_other_tutors_see_nothing(
    client, header, staff, student, make_user, auth_header
):
    log(client, header, 1)
    submit(client, header, statement="Short year.")
    other = auth_header(make_user("tutor"))
    admin = auth_header(make_user("admin"))
    base = f"/api/v1/students/{student.id}/periods/1"
    assert client.get(f"{base}/sample", headers=other).status_code == 404
    assert client.get(f"{base}/sample", headers=admin).status_code == 200
    assert client.post(f"{base}/sign-off", json={}, headers=other).status_code == 404
    assert client.post(f"{base}/sign-off", json={}, headers=admin).status_code == 403
