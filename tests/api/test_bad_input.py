"""Hostile input gets a clear 4xx JSON body, or a per-op `rejected` in a push: never a 500.

A 500 on a push makes the phone retry its whole batch forever, so one such op would block
its outbox for good: in a push the bad op is rejected and the good op beside it applied.
"""

from __future__ import annotations

import pytest

from tests.api.test_progress import assign
from tests.conftest import PASSWORD
from tests.sync.helpers import PUSH, new_id, pull_all, push, upsert
from tests.web.conftest import WebSession

NUL, SURROGATE = "\x00", "\ud800"
HUGE = [2**31, 2**63, 10**20]


def _is_error(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["code"] == code and body["message"]
    return body


def _push_beside_good_op(client, header, bad_op) -> tuple[dict, dict]:
    """Push the bad op then a good one: (the bad op's result, the good op's result)."""
    good = upsert(new_id())
    response = push(client, header, [bad_op, good])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    bad_result, good_result = response.get_json()["results"]
    assert good_result["status"] == "applied"
    entries, _, _ = pull_all(client, header)
    assert [e["id"] for e in entries] == [good["entry_id"]]
    return bad_result, good_result


@pytest.mark.parametrize("number", HUGE)
def test_a_base_version_past_the_column_is_rejected_per_op(client, header, number):
    """base_version 2^31 (PostgreSQL's int4), 2^63, 10^20: that op rejected, the other applied."""
    bad, _ = _push_beside_good_op(client, header, upsert(new_id(), base=number))
    assert bad["status"] == "rejected"
    assert bad["errors"] == {"base_version": ["Must be less than or equal to 2147483647."]}


@pytest.mark.parametrize("number", HUGE)
def test_a_pull_cursor_past_the_column_is_a_422(client, header, number):
    """since >= 2^31 names the field."""
    body = _is_error(client.get(f"/api/v1/sync/pull?since={number}", headers=header), 422)
    assert list(body["errors"]) == ["since"]


@pytest.fixture
def tutor_header(app, make_user, auth_header, student):
    """A tutor of the student."""
    tutor = make_user("tutor")
    assign(app, tutor, student)
    return auth_header(tutor)


@pytest.mark.parametrize("number", HUGE)
def test_a_page_or_period_past_the_column_is_a_422(client, student, tutor_header, number):
    """page and period >= 2^31 name the field."""
    for name in ("page", "period"):
        url = f"/api/v1/students/{student.id}/entries?{name}={number}"
        assert list(_is_error(client.get(url, headers=tutor_header), 422)["errors"]) == [name]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("tail", ["entries", "progress"])
def test_a_student_id_past_the_column_is_a_404(client, tutor_header, number, tail):
    """/students/<2^70>/...: no such student, in the JSON body."""
    _is_error(client.get(f"/api/v1/students/{number}/{tail}", headers=tutor_header), 404)


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize("field", ["notes", "findings", "clinical_question"])
def test_unstorable_text_in_an_entry_is_rejected_per_op(client, header, bad, field):
    """A NUL byte or a lone surrogate in a text: that op rejected, naming the field."""
    result, _ = _push_beside_good_op(client, header, upsert(new_id(), **{field: f"a{bad}b"}))
    assert result["status"] == "rejected"
    assert result["errors"] == {field: ["Must not contain NUL bytes or lone surrogates."]}


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_a_device_id_is_a_422(client, header, bad):
    """The batch's device_id is the envelope: the whole push is refused, nothing stored."""
    response = push(client, header, [upsert(new_id())], device_id=f"phone{bad}")
    assert list(_is_error(response, 422)["errors"]) == ["device_id"]
    assert pull_all(client, header)[0] == []


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_a_comment_is_a_422(client, header, tutor_header, bad):
    """A tutor's comment body with a NUL or lone surrogate."""
    entry_id = new_id()
    _push_beside_good_op(client, header, upsert(entry_id, notes=f"x{bad}"))
    good_id = pull_all(client, header)[0][0]["id"]
    url = f"/api/v1/entries/{good_id}/comments"
    body = _is_error(client.post(url, json={"body": f"Good{bad}"}, headers=tutor_header), 422)
    assert list(body["errors"]) == ["body"]


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize("field", ["email", "password", "device_name"])
def test_unstorable_text_in_a_sign_in_is_a_422(client, student, bad, field):
    """The token request's e-mail, password or device name."""
    body = {"email": student.email, "password": PASSWORD, "device_name": "Phone"}
    body[field] += bad
    response = client.post("/api/v1/auth/token", json=body)
    assert list(_is_error(response, 422)["errors"]) == [field]


@pytest.mark.parametrize("path", [PUSH, "/api/v1/auth/token"])
def test_json_nested_10000_deep_is_a_400(client, header, path):
    """Past the JSON parser's recursion limit: bad JSON, like any other."""
    deep = "[" * 10_000 + "]" * 10_000
    _is_error(client.post(path, data=deep, content_type="application/json", headers=header), 400)


@pytest.mark.parametrize("field", ["op_id", "entry_id"])
def test_a_uuid_with_a_trailing_newline_is_rejected_per_op(client, header, field):
    """A `$` in the UUID pattern accepted "...\\n": the op is rejected, naming the field."""
    op = upsert(new_id())
    op[field] += "\n"
    result, _ = _push_beside_good_op(client, header, op)
    assert result["status"] == "rejected" and list(result["errors"]) == [field]


def test_a_uuid_with_a_trailing_newline_is_a_422_in_a_query(client, header):
    """GET /sync/conflicts?entry_id=<uuid>%0A."""
    response = client.get(f"/api/v1/sync/conflicts?entry_id={new_id()}%0A", headers=header)
    assert list(_is_error(response, 422)["errors"]) == ["entry_id"]


@pytest.mark.parametrize("bad_op", [None, 5, "op", []], ids=["null", "5", "str", "list"])
def test_an_op_that_is_not_an_object_is_rejected_per_op(client, header, bad_op):
    """`ops: [null]` is rejected per op exactly like `ops: [5]`."""
    good = upsert(new_id())
    response = push(client, header, [bad_op, good])
    assert response.status_code == 200, response.get_json()
    bad, applied = response.get_json()["results"]
    assert bad == {
        "op_id": None,
        "status": "rejected",
        "entry": None,
        "errors": {"_schema": ["Invalid input type."]},
    }
    assert applied["status"] == "applied"


def test_a_nul_byte_in_a_path_is_a_404(client, tutor_header):
    """/entries/%00/comments never reaches the database."""
    url = "/api/v1/entries/%00/comments"
    _is_error(client.post(url, json={"body": "Hi"}, headers=tutor_header), 404)


def test_a_nul_byte_in_a_query_is_a_400(client, header):
    """A query value with a NUL byte."""
    _is_error(client.get("/api/v1/sync/pull?since=%00", headers=header), 400)


def test_a_nul_byte_in_a_web_search_is_a_400(client, app, make_user, student):
    """The tutors' record search: `?q=` with a NUL byte (PostgreSQL would refuse the LIKE)."""
    tutor = make_user("tutor")
    assign(app, tutor, student)
    response = WebSession(client, tutor).get(f"/students/{student.id}?q=ab%00c")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_an_address_past_the_request_line_limit_is_a_414(client, header):
    """A request line over gunicorn's default 4094: the JSON body, 414."""
    response = client.get("/api/v1/sync/pull?pad=" + "x" * 4100, headers=header)
    _is_error(response, 414)


def test_a_good_op_still_applies_after_every_bad_kind(client, header):
    """All the bad ops in one batch: each rejected, the good one applied, the answer JSON."""
    bad_ops = [None, 5, upsert(new_id(), base=10**20), upsert(new_id(), notes=NUL)]
    good = upsert(new_id())
    response = push(client, header, [*bad_ops, good])
    statuses = [r["status"] for r in response.get_json()["results"]]
    assert statuses == ["rejected"] * 4 + ["applied"]
