"""Fixtures shared by the API tests."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.services import accounts


@pytest.fixture
def student(make_user):
    """A student with a logbook."""
    return make_user("student")


@pytest.fixture
def header(student, auth_header):
    """The student's phone: an Authorization header with a device token."""
    return auth_header(student)


@pytest.fixture
def tutor(app, student, make_user):
    """A tutor assigned to the student."""
    tutor = make_user("tutor", name="Dr Priya Shah")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    return tutor
