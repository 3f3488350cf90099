"""GET /progress and GET /students/<id>/progress: counted in the database, for the right people."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from server.clock import DEFAULT_TIMEZONE
from server.domain.periods import add_years
from server.domain.progress import EntryTally, Logbook, progress_report
from server.extensions import db
from server.models import DailyCount, DailyTotal, Entry, LogbookSettings, TutorAssignment
from server.schemas.progress import ProgressSchema
from server.services import accounts
from server.services.changes import EntryWriter
from tests.conftest import make_app

TODAY = dt.datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()  # the server's today
DAY = dt.timedelta(days=1)


def add_entries(app, owner, rows):
    """Store entries through the one entry writer; rows: (scanned_on, region, activity)."""
    with app.app_context():
        writer = EntryWriter(owner.id, "test")
        ids = [
            writer.create(
                str(uuid.uuid4()),
                {
                    "scanned_on": day,
                    "region": region,
                    "side": "left",
                    "activity": activity,
                    "supervision": "independent",
                },
            ).id
            for day, region, activity in rows
        ]
        writer.flush()
        db.session.commit()
    return ids


def delete_entry(app, entry_id):
    """Make an entry a tombstone through the one entry writer."""
    with app.app_context():
        owner_id = db.session.scalar(select(Entry.owner_id).where(Entry.id == entry_id))
        writer = EntryWriter(owner_id, "test")
        writer.delete(writer.get(entry_id))
        writer.flush()
        db.session.commit()


def assign(app, tutor, student):
    """Make `tutor` the tutor of `student`."""
    with app.app_context():
        db.session.add(TutorAssignment(tutor_id=tutor.id, student_id=student.id))
        db.session.commit()


def test_student_sees_counts_from_the_first_to_the_last_day_without_deleted_entries(
    app, client, make_user, auth_header
):
    """The student's own report counts exactly the live scans of each year, like the domain."""
    pgcert = TODAY - 100 * DAY
    student = make_user("student", pgcert=pgcert, registration_ends=add_years(pgcert, 3) - DAY)
    rows = [
        (pgcert, "knee", "diagnostic"),
        (pgcert - DAY, "knee", "diagnostic"),
        (TODAY, "shoulder", "injection"),
        (TODAY - 3 * DAY, "shoulder", "diagnostic"),
        (add_years(pgcert, 1) - DAY, "elbow", "diagnostic"),
    ]
    ids = add_entries(app, student, rows)
    delete_entry(app, ids[3])

    response = client.get("/api/v1/progress", headers=auth_header(student))

    assert response.status_code == 200
    body = response.json
    year1 = body["periods"][0]
    assert (body["current_period"], body["total"], year1["count"]) == (1, 4, 3)
    assert year1["by_region"] == {"knee": 1, "shoulder": 1, "elbow": 1}
    assert year1["by_activity"] == {"diagnostic": 2, "injection": 1}
    assert body["last_scanned_on"] == (add_years(pgcert, 1) - DAY).isoformat()
    assert [p["status"] for p in body["periods"]] == ["at_risk", "upcoming", "upcoming"]
    live = [(*row, i == 3) for i, row in enumerate(rows)]
    logbook = Logbook(pgcert, add_years(pgcert, 3) - DAY)
    for period in body["periods"]:  # the sign-off additions are tested in test_signoff_api
        assert period.pop("submission") is None
        period.pop("submission_opens_on")
    assert body == ProgressSchema().dump(progress_report(logbook, EntryTally(live), TODAY, 14))


def test_student_without_dates_gets_a_message(app, client, make_user, auth_header):
    """A logbook without dates answers 200 with no periods and a message saying who can fix it."""
    student = make_user("student", pgcert=None, registration_ends=None)
    add_entries(app, student, [(TODAY, "knee", "diagnostic")])

    body = client.get("/api/v1/progress", headers=auth_header(student)).json

    assert body["periods"] == [] and body["current_period"] is None
    assert body["total"] == 1
    assert "administrator" in body["message"]


def test_breadth_minimum_from_the_logbook_settings(app, client, make_user, auth_header):
    """With a region minimum set, each year lists the scans still missing per region."""
    student = make_user("student", pgcert=TODAY - 10 * DAY)
    with app.app_context():
        db.session.get(LogbookSettings, student.id).region_minimum = 2
        db.session.commit()
    add_entries(
        app, student, [(TODAY, "knee", "diagnostic")] * 2 + [(TODAY, "elbow", "diagnostic")]
    )

    year1 = client.get("/api/v1/progress", headers=auth_header(student)).json["periods"][0]

    assert year1["region_shortfalls"] == {
        "shoulder": 2,
        "elbow": 1,
        "wrist_hand": 2,
        "hip_groin": 2,
        "ankle_foot": 2,
        "other": 2,
    }


def test_who_may_see_a_students_progress(app, client, make_user, auth_header):
    """Their tutor and admins see it; another tutor gets 404; a student gets 403."""
    student, other = make_user("student"), make_user("student")
    tutor, stranger, admin = make_user("tutor"), make_user("tutor"), make_user("admin")
    assign(app, tutor, student)
    add_entries(app, student, [(TODAY, "hip_groin", "diagnostic")])
    url = f"/api/v1/students/{student.id}/progress"

    seen = client.get(url, headers=auth_header(tutor))
    assert seen.status_code == 200 and seen.json["total"] == 1
    assert client.get(url, headers=auth_header(admin)).json["total"] == 1
    assert client.get(url, headers=auth_header(stranger)).status_code == 404
    assert client.get(url, headers=auth_header(other)).status_code == 403
    assert client.get(url).status_code == 401
    for missing in (999999, tutor.id):
        gone = client.get(f"/api/v1/students/{missing}/progress", headers=auth_header(admin))
        assert gone.status_code == 404 and gone.json["code"] == 404
    assert client.get("/api/v1/progress", headers=auth_header(tutor)).status_code == 403


def test_day_totals_follow_every_kind_of_change(app, client, make_user, auth_header):
    """Adding, re-dating, re-coding and deleting entries keeps day totals equal to the counts."""
    pgcert = TODAY - 400 * DAY
    student = make_user("student", pgcert=pgcert, registration_ends=add_years(pgcert, 3) - DAY)
    admin = make_user("admin")
    ids = add_entries(app, student, [(TODAY, "knee", "diagnostic")] * 3)
    with app.app_context():
        writer = EntryWriter(student.id, "test")
        writer.update(writer.get(ids[0]), {"scanned_on": pgcert})  # back into year 1
        writer.update(writer.get(ids[1]), {"region": "shoulder"})  # same day, another region
        writer.flush()
        db.session.commit()
    delete_entry(app, ids[2])

    with app.app_context():
        totals = dict(db.session.execute(select(DailyTotal.day, DailyTotal.count)).all())
        counts = db.session.execute(
            select(DailyCount.day, func.sum(DailyCount.count)).group_by(DailyCount.day)
        ).all()
    assert totals == dict(counts) == {pgcert: 1, TODAY: 1}
    row = client.get("/api/v1/students", headers=auth_header(admin)).json[0]
    assert (row["period"], row["count"], row["last_scanned_on"]) == (2, 1, TODAY.isoformat())
    body = client.get("/api/v1/progress", headers=auth_header(student)).json
    assert [p["count"] for p in body["periods"]] == [1, 1, 0]
    assert body["periods"][1]["by_region"] == {"shoulder": 1}


def _local_today(zone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(zone)).date()


@contextlib.contextmanager
def other_app(database_url, **config):
    """A second app on the test database with other settings; its connections closed after."""
    other = make_app(database_url, **config)
    try:
        yield other
    finally:
        with other.app_context():
            db.engine.dispose()


def test_the_configured_time_zone_decides_what_today_is(app, database_url, make_user, auth_header):
    """Kiritimati (UTC+14) and Etc/GMT+12 (UTC-12) never share a date: the gaps differ."""
    pgcert = TODAY - 100 * DAY
    student = make_user("student", pgcert=pgcert, registration_ends=add_years(pgcert, 3) - DAY)
    tutor = make_user("tutor")
    assign(app, tutor, student)
    last = TODAY - 20 * DAY
    add_entries(app, student, [(last, "knee", "diagnostic")])
    seen = {}
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        with other_app(database_url, TIMEZONE=zone) as zoned:
            client = zoned.test_client()
            before = _local_today(zone)
            body = client.get("/api/v1/progress", headers=auth_header(student)).json
            row = client.get("/api/v1/students", headers=auth_header(tutor)).json[0]
            if _local_today(zone) != before:  # midnight passed during the requests: ask again
                body = client.get("/api/v1/progress", headers=auth_header(student)).json
                row = client.get("/api/v1/students", headers=auth_header(tutor)).json[0]
        expected = (_local_today(zone) - last).days
        assert body["days_since_last_scan"] == row["days_since_last_scan"] == expected, zone
        seen[zone] = expected
    assert seen["Pacific/Kiritimati"] > seen["Etc/GMT+12"]


def test_skill_fade_days_from_the_config_drive_the_warning_of_progress_and_cohort(
    app, database_url, make_user, auth_header
):
    """SKILL_FADE_DAYS sets the threshold of GET /progress and of the GET /students rows."""
    student = make_user("student", pgcert=TODAY - 100 * DAY)
    admin = make_user("admin")
    add_entries(app, student, [(TODAY - 6 * DAY, "knee", "diagnostic")])
    for days, warning in ((14, False), (5, True)):
        with other_app(database_url, SKILL_FADE_DAYS=days) as configured:
            client = configured.test_client()
            body = client.get("/api/v1/progress", headers=auth_header(student)).json
            (row,) = client.get("/api/v1/students", headers=auth_header(admin)).json
            me = client.get("/api/v1/me", headers=auth_header(student)).json
        assert me["logbook"]["skill_fade_days"] == days  # the phone's offline warning follows it
        assert body["skill_fade"] == {"threshold_days": days, "warning": warning}
        assert row["skill_fade_warning"] is warning


def test_new_logbooks_take_the_breadth_minimum_from_the_config(database_url):
    """REGION_MINIMUM is the region minimum of a new student's logbook (unset: no minimum)."""
    for configured in (3, None):
        with (
            other_app(database_url, REGION_MINIMUM=configured) as configured_app,
            configured_app.app_context(),
        ):
            student = accounts.create_user(
                f"new{configured}@example.org",
                "New",
                "student",
                "a-long-password",
                pgcert_completed_on=TODAY,
                registration_ends_on=add_years(TODAY, 3),
            )
            assert student.logbook.region_minimum == configured
            db.session.rollback()
