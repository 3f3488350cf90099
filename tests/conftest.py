"""Shared fixtures: a real database (SQLite by default, PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest

from server import create_app
from server.auth import tokens
from server.extensions import db
from server.services import accounts

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database: TEST_DATABASE_URL (PostgreSQL in CI) or a temporary SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'scanlog-test.sqlite'}"


def make_app(database_url: str, **overrides):
    """A testing app on the given database."""
    config = {
        "ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _schema(database_url):
    app = make_app(database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def wipe(app) -> None:
    """Delete every row, children first."""
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def app(database_url, _schema):
    """A fresh app on an empty database."""
    app = make_app(database_url)
    yield app
    wipe(app)


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app):
    """Create a user: make_user("student", email=..., pgcert=date, ...)."""

    def _make(
        role="student",
        email=None,
        name=None,
        password=PASSWORD,
        pgcert=dt.date(2025, 9, 1),
        registration_ends=dt.date(2028, 8, 31),
        target=300,
    ):
        n = next(_counter)
        with app.app_context():
            user = accounts.create_user(
                email=email or f"{role}{n}@example.org",
                name=name or f"{role.title()} {n}",
                role=role,
                password=password,
                pgcert_completed_on=pgcert if role == "student" else None,
                registration_ends_on=registration_ends if role == "student" else None,
                annual_target=target,
            )
            db.session.commit()
            db.session.refresh(user)
            _ = user.logbook  # load it, so the detached copy can be read in tests
            db.session.expunge_all()
            return user

    return _make


@pytest.fixture
def token_for(app):
    """Issue a device token for a user; returns the raw bearer token."""

    def _token(user, device_name="Test phone"):
        with app.app_context():
            fresh = db.session.get(type(user), user.id)
            raw, _ = tokens.issue_token(fresh, device_name)
            return raw

    return _token


@pytest.fixture
def auth_header(token_for):
    """An Authorization header for a user."""

    def _header(user):
        return {"Authorization": f"Bearer {token_for(user)}"}

    return _header
