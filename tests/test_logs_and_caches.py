"""Nothing sensitive in logs or caches; and what only a real gunicorn shows (its banner, its
access log; its own error answers are in tests/test_gunicorn_errors.py)."""

from __future__ import annotations

import time

import pytest

from server.extensions import csrf, db
from server.models import User
from tests.api.test_progress import assign
from tests.gunicorn_conf_server import get, gunicorn_conf_server
from tests.sync.helpers import PUSH, new_id, upsert
from tests.web.conftest import WebSession

SECRET_EMAIL = "clinical-secret@example.org"
SECRET_NAME = "Mr Patient Secretname"


def _add_failing_route(app) -> None:
    """A view whose statement fails on any database: a duplicate e-mail (unique index)."""

    def duplicate():
        db.session.add(User(email=SECRET_EMAIL, name=SECRET_NAME, role="student"))
        db.session.flush()

    csrf.exempt(duplicate)
    app.add_url_rule("/api/v1/test-duplicate", "test_duplicate", duplicate, methods=["POST"])


@pytest.fixture
def header(make_user, auth_header):
    """A student's phone."""
    return auth_header(make_user("student"))


def test_a_failed_statement_logs_neither_its_parameters_nor_the_rows_values(
    app, client, make_user, caplog
):
    """The 500's log line names the statement, never the values (nor PostgreSQL's DETAIL)."""
    make_user("student", email=SECRET_EMAIL)
    _add_failing_route(app)
    response = client.post("/api/v1/test-duplicate")
    assert response.status_code == 500 and response.get_json()["code"] == 500
    assert "IntegrityError" in caplog.text or "UniqueViolation" in caplog.text
    assert "INSERT INTO users" in caplog.text  # the statement, to debug by
    assert SECRET_NAME not in caplog.text and SECRET_EMAIL not in caplog.text


def test_the_engine_hides_parameters_in_its_errors(app, make_user):
    """hide_parameters: the exception itself (whoever logs it) carries no values."""
    make_user("student", email=SECRET_EMAIL)
    with app.app_context():
        db.session.add(User(email=SECRET_EMAIL, name=SECRET_NAME, role="student"))
        with pytest.raises(Exception) as caught:
            db.session.flush()
        db.session.rollback()
    assert SECRET_NAME not in str(caught.value)
    assert "parameters hidden" in str(caught.value)


@pytest.fixture
def tutor_client(app, client, make_user):
    """A signed-in tutor's browser and their student."""
    tutor, student = make_user("tutor"), make_user("student")
    assign(app, tutor, student)
    return WebSession(client, tutor), student


def test_signed_in_pages_and_api_answers_are_not_stored(client, header, tutor_client):
    """Cache-Control: no-store on a signed-in page, its errors, and every API answer."""
    web, student = tutor_client
    for response in (
        web.get(f"/students/{student.id}"),
        web.get("/students/999999"),  # a 404 page
        client.get("/api/v1/sync/pull", headers=header),
        client.get("/api/v1/auth/me"),  # a 401 too
        client.post(PUSH, json={"device_id": "p", "ops": [upsert(new_id())]}, headers=header),
    ):
        assert response.headers.get("Cache-Control") == "no-store", response.request.path


def test_the_app_shell_stays_cacheable_for_the_service_worker(app, make_user):
    """The shell and its assets revalidate (no-cache), signed in or not: the worker keeps them."""
    signed_in = WebSession(app.test_client(), make_user("student"))
    for c in (app.test_client(), signed_in):
        for path in ("/", "/manifest.webmanifest", "/js/app.js", "/css/app.css"):
            response = c.get(path)
            assert response.status_code == 200, path
            assert response.headers["Cache-Control"] == "no-cache", path


# --- a real gunicorn, with the deployment's gunicorn.conf.py ---


@pytest.fixture
def gunicorn(database_url, tmp_path, _schema):
    """gunicorn -c gunicorn.conf.py wsgi:app on a free port; yields (port, access log path)."""
    access_log = tmp_path / "access.log"
    with gunicorn_conf_server(database_url, "--access-logfile", str(access_log)) as port:
        yield port, access_log


def test_gunicorn_sends_no_server_banner(gunicorn):
    """No `Server: gunicorn`."""
    port, _ = gunicorn
    response, _ = get(port, "/healthz")
    assert response.status == 200
    assert response.getheader("Server") is None


def test_the_access_log_keeps_no_query_string(gunicorn, header):
    """The tutors' record search (?q=) and every other query stay out of the access log."""
    port, access_log = gunicorn
    response, _ = get(port, "/students/1?q=Secretname+left+knee", header)
    assert response.status in {302, 401, 404}
    deadline = time.monotonic() + 30
    while "/students/1" not in access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # gunicorn writes its access line just after the answer
    text = access_log.read_text()
    assert '"GET /students/1 HTTP/1.1"' in text
    assert "Secretname" not in text and "q=" not in text
