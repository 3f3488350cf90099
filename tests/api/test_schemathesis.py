"""schemathesis against the OpenAPI document of a live server, as a student and as a tutor.

Every operation of /api/v1/openapi.json gets a bounded number of generated requests (valid and
invalid), sent over HTTP to the app served on a free port: no answer may be a 5xx, and every
answer must match the document (its status codes, content type, headers and body schema).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import WSGIRequestHandler, make_server

from server import clock
from server.auth import tokens
from server.extensions import db
from server.models import TutorAssignment
from server.services import accounts
from tests.conftest import PASSWORD, make_app, wipe
from tests.sync.helpers import new_id, push_ops, upsert

# 13 operations x (valid, invalid) x 2 roles x this many examples: about a minute in all.
EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _user(role: str):
    student = role == "student"
    return accounts.create_user(
        email=f"fuzz-{role}@example.org",
        name=f"Fuzz {role.title()}",
        role=role,
        password=PASSWORD,
        pgcert_completed_on=dt.date(2025, 9, 1) if student else None,
        registration_ends_on=dt.date(2028, 8, 31) if student else None,
        annual_target=300,
    )


@pytest.fixture(scope="module")
def live(database_url, _schema):
    """The app on a free port (a real HTTP server in a thread): a student with a few entries,
    their tutor, and a device token of each."""
    app = make_app(database_url)
    with app.app_context():
        student, tutor = _user("student"), _user("tutor")
        db.session.flush()
        db.session.add(TutorAssignment(tutor_id=tutor.id, student_id=student.id))
        ops = [upsert(new_id()) for _ in range(3)]
        push_ops(student.id, "fuzz-phone", ops, clock.today())
        headers = {
            role: {"Authorization": f"Bearer {tokens.issue_token(user, 'Fuzz phone')[0]}"}
            for role, user in (("student", student), ("tutor", tutor))
        }
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", headers
    server.shutdown()
    wipe(app)


def _operations(base_url: str):
    # DELETE /auth/token is left out: it would revoke the very token the other requests use.
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    return [r.ok() for r in schema.exclude(operation_id="revoke_token").get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_no_5xx_and_every_answer_as_documented(live, mode):
    """Each operation's generated requests (valid ones, then invalid ones), each sent as the
    student and as the tutor: no server error, and every answer matches the document."""
    base_url, headers = live
    operations = _operations(base_url)
    assert len(operations) >= 12  # the whole API, not an empty document

    for operation in operations:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            for role in ("student", "tutor"):
                case.call_and_validate(base_url=base_url, headers=headers[role], checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            # An operation with nothing to make invalid (no parameters, no body).
            assert mode is GenerationMode.NEGATIVE, operation.label
