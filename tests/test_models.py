"""Model constraints enforced by the database itself."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import ChangeCounter, LogbookSettings, User
from server.services import accounts


def test_duplicate_email_in_other_case_is_refused_by_the_database(app):
    with app.app_context():
        db.session.add(User(email="Kim@Example.org", name="Kim", role="tutor"))
        db.session.commit()
        db.session.add(User(email="kim@example.ORG", name="Other Kim", role="tutor"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.query(User).count() == 1


def test_duplicate_email_is_a_clear_error_in_the_service(app):
    with app.app_context():
        accounts.create_user("lee@example.org", "Lee", "tutor", "long-enough-pw")
        with pytest.raises(accounts.AccountError, match="already exists"):
            accounts.create_user("LEE@example.org", "Lee 2", "tutor", "long-enough-pw")


def test_role_is_constrained(app):
    with app.app_context():
        db.session.add(User(email="x@example.org", name="X", role="superuser"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_logbook_dates_must_be_ordered(app):
    with app.app_context():
        user = User(email="y@example.org", name="Y", role="student")
        user.logbook = LogbookSettings(
            pgcert_completed_on=dt.date(2026, 1, 1), registration_ends_on=dt.date(2025, 1, 1)
        )
        db.session.add(user)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_student_gets_logbook_and_change_counter(app):
    with app.app_context():
        user = accounts.create_user(
            "zo@example.org",
            "Zo",
            "student",
            "long-enough-pw",
            pgcert_completed_on=dt.date(2025, 9, 1),
        )
        assert user.logbook.annual_target == 300
        assert db.session.get(ChangeCounter, user.id).last_seq == 0


def test_passwords_are_hashed_and_short_ones_refused(app):
    with app.app_context():
        user = accounts.create_user("pw@example.org", "Pw", "tutor", "long-enough-pw")
        assert "long-enough-pw" not in user.password_hash
        with pytest.raises(accounts.AccountError, match="at least 10"):
            accounts.create_user("short@example.org", "S", "tutor", "short")
