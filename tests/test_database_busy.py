"""A busy database: 503 with Retry-After, never a 500 and never a half-applied push.

On SQLite, writers take the write lock at BEGIN IMMEDIATE and queue on the busy timeout
(server/extensions.py), so concurrent pushes never meet "database is locked"; a writer that
waits longer than SQLITE_BUSY_TIMEOUT_SECONDS, or a PostgreSQL statement that runs out of
lock_timeout, is answered 503 (server/errors.py) and the phone sends the same batch later.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from server.errors import is_busy
from server.extensions import db
from server.models import ChangeCounter, User
from server.services import sessions
from tests.conftest import make_app
from tests.sync.app_servers import GunicornServer
from tests.sync.helpers import PUSH, check_integrity, counts, new_id, pull_all, push, upsert
from tests.web.test_signin import sign_in_on_web

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write lock (this run: PostgreSQL)")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only (TEST_DATABASE_URL)")

BUSY = {
    "code": 503,
    "status": "Service Unavailable",
    "message": "The server is busy. Nothing was changed; try again in a moment.",
}


@contextlib.contextmanager
def sqlite_write_lock(app):
    """Another connection holds the SQLite file's write lock, as a long writer elsewhere would."""
    other = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    other.isolation_level = None
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _impatient(app, **overrides):
    """A client of an app on the same database that gives up waiting for a lock at once."""
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], **overrides).test_client()


@sqlite_only
def test_a_push_while_sqlite_is_locked_is_a_503_and_the_same_push_applies_once_later(
    app, make_user, auth_header, caplog
):
    student = make_user()
    header = auth_header(student)
    client = _impatient(app, SQLITE_BUSY_TIMEOUT_SECONDS=0.05)
    ops = [upsert(new_id(), clinical_question="Painful arc, ?RC tear")]
    with sqlite_write_lock(app), caplog.at_level(logging.WARNING):
        response = push(client, header, ops)
        pulled, _, _ = pull_all(client, header)  # a reader does not wait for the writer
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.get_json() == BUSY
    assert pulled == []
    assert counts(app, student.id)["Entry"] == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "server.errors"]
    assert logged == ["Database busy (OperationalError) on POST /api/v1/sync/push: answered 503"]
    assert "Painful arc" not in caplog.text

    again = push(client, header, ops)
    assert again.status_code == 200
    assert [r["status"] for r in again.get_json()["results"]] == ["applied"]
    entries, _, _ = pull_all(client, header)
    assert [e["id"] for e in entries] == [ops[0]["entry_id"]]
    check_integrity(app, student.id)


@sqlite_only
def test_a_web_form_while_sqlite_is_locked_gets_the_busy_page_then_works(app, make_user):
    make_user("tutor", email="tess@example.org")
    client = _impatient(app, SQLITE_BUSY_TIMEOUT_SECONDS=0.05)
    with sqlite_write_lock(app):
        response = sign_in_on_web(client, "tess@example.org")  # its GET of the form still works
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.mimetype == "text/html"
    assert BUSY["message"] in page
    assert "Traceback" not in page and "locked" not in page and "sqlite" not in page.lower()
    assert sign_in_on_web(client, "tess@example.org").status_code == 302


@sqlite_only
def test_signing_in_again_with_a_stale_cookie_does_not_wait_for_its_own_lock(app, make_user):
    """The cookie's lookup (a read of the POST's transaction) must not hold the write lock the
    sign-in throttle's own transactions need: that would be the request waiting on itself."""
    tutor = make_user("tutor", email="tess@example.org")
    client = _impatient(app, SQLITE_BUSY_TIMEOUT_SECONDS=0.05)
    assert sign_in_on_web(client, "tess@example.org").status_code == 302
    with app.app_context():
        sessions.end_all(db.session.get(User, tutor.id))  # signed out everywhere meanwhile
        db.session.commit()
    assert sign_in_on_web(client, "tess@example.org").status_code == 302


WRITERS, BATCHES, OPS = 16, 12, 3


@sqlite_only
def test_concurrent_writers_on_sqlite_never_meet_database_is_locked(
    app, make_user, token_for, tmp_path
):
    """16 phones push at once against gunicorn (4 workers x 8 threads) on one SQLite file, and
    an admin comments on each batch as it lands: a comment reads the entry before it takes
    the owner's counter, the read-then-write that a deferred BEGIN cannot upgrade."""
    students = [make_user() for _ in range(WRITERS)]
    raw = [token_for(s) for s in students]
    admin = token_for(make_user("admin"))
    log = tmp_path / "gunicorn.log"
    server = GunicornServer(
        app.config["SQLALCHEMY_DATABASE_URI"], "one-key", workers=4, threads=8, log=log
    )

    def phone(i: int) -> list[tuple[int, list[str]]]:
        answers = []
        for _ in range(BATCHES):
            ops = [upsert(new_id()) for _ in range(OPS)]
            status, answer = server.request("POST", PUSH, raw[i], {"device_id": "p", "ops": ops})
            results = answer.get("results", []) if status == 200 else []
            answers.append((status, [r["status"] for r in results]))
            if status == 200:
                path = f"/api/v1/entries/{ops[0]['entry_id']}/comments"
                status, _ = server.request("POST", path, admin, {"body": "Good views."})
                answers.append((status, ["applied"] * OPS if status == 201 else []))
        return answers

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            answers = [a for per_phone in pool.map(phone, range(WRITERS)) for a in per_phone]
    finally:
        server.stop()
    statuses = sorted({status for status, _ in answers})
    failed = sum(s not in (200, 201) for s, _ in answers)
    assert statuses == [200, 201], f"{failed} of {len(answers)} requests failed: {statuses}"
    assert all(results == ["applied"] * OPS for _, results in answers)
    for student in students:
        assert counts(app, student.id)["Entry"] == BATCHES * OPS
        assert counts(app, student.id)["Comment"] == BATCHES
        check_integrity(app, student.id)
    server_log = log.read_text()
    assert "locked" not in server_log and "busy" not in server_log.lower(), server_log[-2000:]


@postgres_only
def test_a_push_waiting_on_a_postgresql_row_lock_is_a_503_and_applies_once_later(
    app, make_user, auth_header
):
    student = make_user()
    header = auth_header(student)
    options = {"hide_parameters": True, "connect_args": {"options": "-c lock_timeout=100"}}
    client = _impatient(app, SQLALCHEMY_ENGINE_OPTIONS=options)
    ops = [upsert(new_id())]
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with other.connect() as conn:
        # Another worker's push holding the owner's change counter (services/changes.py).
        counter = ChangeCounter.__table__.c
        conn.execute(
            update(ChangeCounter.__table__)
            .where(counter.owner_id == student.id)
            .values(last_seq=counter.last_seq)
        )
        response = push(client, header, ops)
        conn.rollback()
    other.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.get_json() == BUSY
    assert counts(app, student.id)["Entry"] == 0

    again = push(client, header, ops)
    assert [r["status"] for r in again.get_json()["results"]] == ["applied"]
    entries, _, _ = pull_all(client, header)
    assert [e["id"] for e in entries] == [ops[0]["entry_id"]]
    check_integrity(app, student.id)


@postgres_only
def test_postgresql_timeouts_are_busy_and_other_errors_are_not(app):
    """A statement cut off by statement_timeout is "busy"; a plain error stays a 500."""

    def error_of(*statements):
        with app.app_context():
            try:
                for statement in statements:
                    db.session.execute(text(statement))
            except DBAPIError as e:
                db.session.rollback()
                return e
        raise AssertionError("the statements ran")

    assert is_busy(error_of("SET LOCAL statement_timeout = 10", "SELECT pg_sleep(2)"))
    assert not is_busy(error_of("SELECT 1 / 0"))
