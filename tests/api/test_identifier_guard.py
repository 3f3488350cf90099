"""The server refuses patient identifiers wherever a person types them, and never repeats one.

Every refusal names the field and the kind; neither the answer, the stored op, the logs nor the
access log of a real server ever holds the identifier itself.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from server.extensions import db
from server.models import Comment, DeviceToken, Entry, SyncOp
from server.schemas.strict import UNKNOWN_FIELDS
from tests.conftest import PASSWORD
from tests.sync.helpers import PUSH, new_id, push, push_ok, upsert

NHS = "943 476 5919"  # a valid check digit
NHS_DIGITS = NHS.replace(" ", "")
# Each typed as people type them, with the kind the message must name.
IDENTIFIERS = [
    (f"Patient NHS {NHS} should be recalled", "an NHS number"),
    ("Mrs Patel R shoulder", "a name"),
    ("call back on 07700 900123", "a phone number"),
    ("send report to j.smith@nhs.net", "an email address"),
    ("DOB 12-Mar-1961, painful arc", "a date of birth"),
    ("lives SW1A-1AA", "a postcode"),
    ("MRN 12345678 seen today", "a hospital number"),
]
TEXT_FIELDS = ["clinical_question", "technical_issues", "findings", "pathway_role", "notes"]


def _stored_ops(app) -> list[SyncOp]:
    with app.app_context():
        rows = list(db.session.scalars(select(SyncOp)))
        db.session.expunge_all()
        return rows


def _entries(app) -> list[Entry]:
    with app.app_context():
        return list(db.session.scalars(select(Entry)))


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(("text", "kind"), IDENTIFIERS)
def test_an_entry_text_with_an_identifier_is_rejected_naming_field_and_kind(
    app, client, header, field, text, kind
):
    """The op is rejected: the message names the field and the kind; nothing is stored."""
    [result] = push_ok(client, header, [upsert(new_id(), **{field: text})])

    assert result["status"] == "rejected"
    assert result["errors"] == {field: [f"Looks like {kind}: remove patient identifiers."]}
    assert _entries(app) == []
    [op] = _stored_ops(app)
    assert text not in (op.errors or "") and NHS_DIGITS not in (op.errors or "")


def test_a_refused_op_gets_the_same_answer_on_retry_and_later_ops_apply(client, header):
    """A rejected op blocks nothing: the next op applies, the retry is answered the same."""
    bad = upsert(new_id(), notes=f"NHS {NHS}")
    first = push_ok(client, header, [bad, upsert(new_id())])
    again = push_ok(client, header, [bad])

    assert [r["status"] for r in first] == ["rejected", "applied"]
    assert again[0]["status"] == "rejected" and again[0]["errors"] == first[0]["errors"]


def test_a_lower_confidence_finding_is_stored(app, client, header):
    """ "Pt Patel" may be a surname: stored (and flagged to the tutor on the web)."""
    [result] = push_ok(client, header, [upsert(new_id(), notes="Pt Patel, RC tear")])

    assert result["status"] == "applied"
    assert [e.notes for e in _entries(app)] == ["Pt Patel, RC tear"]


@pytest.mark.parametrize(
    "where", ["entry", "op", "envelope"], ids=["in-the-entry", "in-the-op", "in-the-push"]
)
def test_an_unknown_field_name_is_never_echoed_or_stored(app, client, header, where):
    """An NHS number sent as a field NAME: refused with a neutral message, kept nowhere."""
    name = f"NHS {NHS}"
    op = upsert(new_id())
    body = {"device_id": "phone-1", "ops": [op]}
    {"entry": op["entry"], "op": op, "envelope": body}[where][name] = "x"

    response = client.post(PUSH, json=body, headers=header)

    assert NHS_DIGITS not in response.get_data(as_text=True).replace(" ", "")
    if where == "envelope":
        assert response.status_code == 422
        assert response.get_json()["errors"] == {"_schema": [UNKNOWN_FIELDS]}
    else:
        [result] = response.get_json()["results"]
        assert result["status"] == "rejected"
        key = "entry" if where == "entry" else "_schema"
        assert result["errors"] == {key: [UNKNOWN_FIELDS]}
    stored = json.dumps([(o.errors, o.device_id, o.op_id, o.entry_id) for o in _stored_ops(app)])
    assert NHS_DIGITS not in stored.replace(" ", "")


def test_an_op_id_holding_an_identifier_is_not_echoed(app, client, header):
    """A malformed op_id is echoed so the device can match the answer, unless it is identifying."""
    odd, identifying = upsert(new_id(), op_id="op-1"), upsert(new_id(), op_id=f"NHS {NHS}")

    response = push(client, header, [odd, identifying])

    assert [r["op_id"] for r in response.get_json()["results"]] == ["op-1", None]
    assert NHS not in response.get_data(as_text=True)
    assert NHS not in json.dumps([(o.op_id, o.errors) for o in _stored_ops(app)])


def test_two_unknown_fields_are_counted_not_named(client, header):
    """The count says how many; no name is repeated."""
    op = upsert(new_id())
    op["entry"].update({"colour": 1, "mood": 2})

    [result] = push_ok(client, header, [op])

    assert result["errors"] == {
        "entry": ["2 unknown fields: remove fields this version does not know."]
    }


def test_a_device_id_with_an_identifier_refuses_the_push(app, client, header):
    """The device id is typed text too: 422 naming it, nothing applied or remembered."""
    response = push(client, header, [upsert(new_id())], device_id=f"Mrs Patel's phone {NHS}")

    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "device_id": [
            "Looks like a name: remove patient identifiers.",
            "Looks like an NHS number: remove patient identifiers.",
        ]
    }
    assert _entries(app) == [] and _stored_ops(app) == []


def test_a_device_name_with_an_identifier_gets_no_token(app, client, make_user):
    """Signing in with "Phone of Mrs Patel" as the device name: 422 naming it, no token."""
    user = make_user("student", email="dn@example.org")
    response = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": PASSWORD, "device_name": "Mrs Patel"},
    )

    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "device_name": ["Looks like a name: remove patient identifiers."]
    }
    assert "Patel" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(DeviceToken)).all() == []


def test_an_api_comment_with_an_identifier_is_refused(app, client, header, tutor, auth_header):
    """422 naming the body and the kind; no comment reaches the student."""
    [applied] = push_ok(client, header, [upsert(entry_id := new_id())])
    assert applied["status"] == "applied"

    response = client.post(
        f"/api/v1/entries/{entry_id}/comments",
        json={"body": f"Patient NHS {NHS} should be recalled"},
        headers=auth_header(tutor),
    )

    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "body": ["Looks like an NHS number: remove patient identifiers."]
    }
    assert NHS not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Comment)).all() == []


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _post(base: str, path: str, body: dict, header: dict) -> tuple[int, str]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={**header, "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_no_identifier_reaches_a_log_of_a_real_server(
    app, student, header, tutor, auth_header, caplog
):
    """A refused push, device id and comment on a real server: in no log, DEBUG included.

    caplog sees the app's loggers, SQLAlchemy's statements with their parameters and
    werkzeug's access log (one line a request).
    """
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    entry_id = new_id()
    texts = [f"Patient NHS {NHS}", "Mrs Patel R shoulder", "j.smith@nhs.net"]
    server, thread = _serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        ok, _ = _post(base, PUSH, {"device_id": "p", "ops": [upsert(entry_id)]}, header)
        ops = [upsert(new_id(), notes=texts[0], findings=texts[1], clinical_question=texts[2])]
        pushed, pushed_body = _post(base, PUSH, {"device_id": "p", "ops": ops}, header)
        device, _ = _post(base, PUSH, {"device_id": texts[1], "ops": []}, header)
        comment, comment_body = _post(
            base, f"/api/v1/entries/{entry_id}/comments", {"body": texts[0]}, auth_header(tutor)
        )
    finally:
        server.shutdown()
        thread.join()

    assert (ok, pushed, device, comment) == (200, 200, 422, 422)
    assert json.loads(pushed_body)["results"][0]["status"] == "rejected"
    logged = caplog.text
    assert "POST /api/v1/sync/push" in logged  # the access log was captured
    assert "INSERT INTO" in logged  # and SQLAlchemy's statements
    for text in texts:
        assert text not in logged and text not in pushed_body and text not in comment_body
    assert NHS_DIGITS not in logged.replace(" ", "")
