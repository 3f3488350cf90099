"""Fixtures shared by the API tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def student(make_user):
    """A student with a logbook."""
    return make_user("student")


@pytest.fixture
def header(student, auth_header):
    """The student's phone: an Authorization header with a device token."""
    return auth_header(student)
