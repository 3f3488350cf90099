"""The demo cohort, tried as a newcomer would: `flask demo`, then sign in as the tutor."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from server import clock
from server.extensions import db
from server.models import Comment, DailyTotal, Entry, User
from server.services import demo, submissions
from tests.conftest import make_app, wipe
from tests.web.conftest import csrf_from


@pytest.fixture(params=[14, 30], ids=["fade-14", "fade-30"])
def demo_app(request, database_url, _schema):
    """An app with the demo loaded by its command, under a given SKILL_FADE_DAYS."""
    app = make_app(database_url, SKILL_FADE_DAYS=request.param)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    wipe(app)


def _signed_in_tutor(app):
    client = app.test_client()
    token = csrf_from(client.get("/signin").get_data(as_text=True))
    form = {"email": demo.TUTOR_EMAIL, "password": demo.PASSWORD, "csrf_token": token}
    assert client.post("/signin", data=form).status_code == 302
    return client


def test_the_gap_filter_shows_the_faded_student_today(demo_app):
    """ "Gap of N+ days" lists exactly the student the demo left without scans, on today's date."""
    page = _signed_in_tutor(demo_app).get("/staff?show=gap").get_data(as_text=True)
    days = demo_app.config["SKILL_FADE_DAYS"]
    assert f"Gap of {days}+ days" in page
    faded = [s.name for s in demo.STUDENTS if s.faded]
    assert faded and [s.name for s in demo.STUDENTS if s.name in page] == faded


def test_the_demo_shows_comments_and_both_submission_states(demo_app):
    """A tutor comment on a recent entry; one year waiting for sign-off, one signed off."""
    with demo_app.app_context():
        today = clock.today()
        recent = db.session.scalars(
            select(Entry.scanned_on).join(Comment, Comment.entry_id == Entry.id)
        ).all()
        assert recent and all(today - day <= dt.timedelta(days=7) for day in recent)
        states = {
            s.email: submissions.latest(
                db.session.scalar(select(User.id).where(User.email == s.email)), 1
            ).state
            for s in demo.STUDENTS
            if s.year_one != "open"
        }
        assert sorted(states.values()) == ["signed_off", "submitted"]
        scans = db.session.scalar(select(func.count()).select_from(Entry))
        assert db.session.scalar(select(func.sum(DailyTotal.count))) == scans
    client = _signed_in_tutor(demo_app)
    for email, state in states.items():
        with demo_app.app_context():
            student_id = db.session.scalar(select(User.id).where(User.email == email))
        page = client.get(f"/students/{student_id}?period=1").get_data(as_text=True)
        assert submissions.STATE_LABELS[state] in page, email
