"""The tutor's queue on the overview, the page opening on a waiting year, the window."""

from __future__ import annotations

import datetime as dt

from server.domain.periods import add_years
from server.extensions import db
from server.services import accounts
from tests.web.conftest import entry_data

E1 = "00000000-0000-4000-8000-0000000000e1"


def test_overview_leads_with_the_queue_and_the_page_opens_on_the_waiting_year(
    app, make_user, log_scans, web_as
):
    student = make_user("student", name="Quinn Queue", target=1)
    tutor = make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    log_scans(student, [entry_data(E1, "2026-03-14")])
    them = web_as(tutor)
    assert "Waiting for your sign-off (0)" in them.get("/staff").get_data(as_text=True)
    page = f"/students/{student.id}"
    web_as(student).post(f"{page}/periods/1/submit", page=f"{page}?period=1")

    html = them.get("/staff").get_data(as_text=True)
    assert "Waiting for your sign-off (1)" in html
    assert f'href="/students/{student.id}?period=1#submission">Quinn Queue: year 1' in html
    html = them.get(page).get_data(as_text=True)  # no ?period: the waiting year, not year 2
    assert "Year 1 submission" in html and "Sampled entries: 1 sampled, 0 checked" in html


def test_before_the_window_the_student_reads_when_it_opens(app, make_user, web_as):
    pgcert = add_years(dt.date.today(), -1) + dt.timedelta(days=60)
    student = make_user("student", pgcert=pgcert, registration_ends=add_years(pgcert, 3))
    html = web_as(student).get(f"/students/{student.id}?period=1").get_data(as_text=True)
    opens = add_years(pgcert, 1) - dt.timedelta(days=29)
    assert f"Year 1 can be submitted from {opens.day} {opens:%b %Y}." in html
    assert "Submit year 1" not in html
