"""The Flask CLI: users create, tutors assign, demo."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from server.extensions import db
from server.models import DailyCount, Entry, TutorAssignment, User
from server.services import demo


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_users_create_student_with_logbook(app):
    result = _run(
        app,
        "users",
        "create",
        "--email",
        "Stu@Example.org",
        "--name",
        "Stu Dent",
        "--role",
        "student",
        "--password",
        "a-good-password",
        "--pgcert-completed",
        "2025-09-01",
        "--registration-ends",
        "2028-08-31",
        "--annual-target",
        "320",
    )
    assert result.exit_code == 0, result.output
    assert "Created student stu@example.org" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "stu@example.org"))
        assert user.logbook.pgcert_completed_on == dt.date(2025, 9, 1)
        assert user.logbook.annual_target == 320


def _create(app, email, role="tutor", password="a-good-password"):
    args = "users create --email {} --name Someone --role {} --password {}"
    return _run(app, *args.format(email, role, password).split())


def test_users_create_refuses_duplicates_and_bad_input(app):
    assert _create(app, "t@example.org").exit_code == 0
    again = _create(app, "t@example.org")
    assert again.exit_code != 0 and "already exists" in again.output
    bad_role = _create(app, "u@example.org", role="wizard")
    assert bad_role.exit_code != 0 and "wizard" in bad_role.output
    short = _create(app, "v@example.org", password="short")
    assert short.exit_code != 0 and "at least 10" in short.output
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_users_create_sets_a_region_minimum_for_students_only(app):
    args = "users create --email r@example.org --name R --role student --password a-good-password"
    made = _run(app, *args.split(), "--region-minimum", "25")
    assert made.exit_code == 0, made.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "r@example.org"))
        assert user.logbook.region_minimum == 25
    out_of_range = _run(app, *args.replace("r@", "s@").split(), "--region-minimum", "301")
    assert out_of_range.exit_code != 0 and "301" in out_of_range.output
    tutor = _run(app, *args.replace("student", "tutor").split(), "--region-minimum", "5")
    assert tutor.exit_code != 0 and "students only" in tutor.output


def test_tutors_assign(app, make_user):
    tutor = make_user("tutor", email="tut@example.org")
    student = make_user("student", email="stu2@example.org")
    result = _run(
        app, "tutors", "assign", "--tutor", "TUT@example.org", "--student", "stu2@example.org"
    )
    assert result.exit_code == 0, result.output
    assert (
        _run(
            app, "tutors", "assign", "--tutor", "tut@example.org", "--student", "stu2@example.org"
        ).exit_code
        == 0
    )  # idempotent
    with app.app_context():
        assert db.session.get(TutorAssignment, (tutor.id, student.id)) is not None
    wrong = _run(
        app, "tutors", "assign", "--tutor", "stu2@example.org", "--student", "tut@example.org"
    )
    assert wrong.exit_code != 0 and "No tutor" in wrong.output


def test_demo_loads_a_realistic_cohort_once(app):
    result = _run(app, "demo")
    assert result.exit_code == 0, result.output
    assert demo.TUTOR_EMAIL in result.output and demo.PASSWORD in result.output
    again = _run(app, "demo")
    assert again.exit_code == 0 and "already loaded" in again.output
    today = dt.date.today()
    with app.app_context():
        students = db.session.scalars(select(User).where(User.role == "student")).all()
        assert len(students) >= 5
        tutor = db.session.scalar(select(User).where(User.email == demo.TUTOR_EMAIL))
        assigned = db.session.scalar(
            select(func.count())
            .select_from(TutorAssignment)
            .where(TutorAssignment.tutor_id == tutor.id)
        )
        assert assigned == len(students)
        last_scans = dict(
            db.session.execute(
                select(Entry.owner_id, func.max(Entry.scanned_on)).group_by(Entry.owner_id)
            ).all()
        )
        gaps = [(today - day).days for day in last_scans.values()]
        assert any(gap >= 21 for gap in gaps), "one student has a 3-week gap"
        assert sum(gap <= 7 for gap in gaps) >= 4
        regions = db.session.scalars(select(Entry.region).distinct()).all()
        assert len(regions) >= 6
        supervision = db.session.scalars(select(Entry.supervision).distinct()).all()
        assert len(supervision) >= 3
        notes = db.session.scalars(select(Entry.clinical_question).distinct()).all()
        assert len(notes) >= 20
        # Daily counts agree with the entries they summarise.
        entries = db.session.scalar(select(func.count()).select_from(Entry))
        counted = db.session.scalar(select(func.sum(DailyCount.count)))
        assert entries == counted
