"""POST /entries/<id>/comments: tutors of the owner and admins; everyone else learns nothing."""

from __future__ import annotations

import pytest

from server.schemas.strict import UNKNOWN_FIELDS as UNKNOWN
from tests.sync.helpers import check_integrity, delete, new_id, pull_all, push_ok, upsert


@pytest.fixture
def entry_id(client, header):
    """The id of the student's entry."""
    eid = new_id()
    push_ok(client, header, [upsert(eid)])
    return eid


def post(client, header, entry_id, body):
    """POST a comment."""
    return client.post(f"/api/v1/entries/{entry_id}/comments", json=body, headers=header)


def test_assigned_tutor_comments_and_the_student_pulls_it(
    app, client, student, header, entry_id, tutor, auth_header
):
    """201 with the Comment; it reaches the student's device through pull."""
    response = post(client, auth_header(tutor), entry_id, {"body": "  Nice dynamic views.  "})

    assert response.status_code == 201
    made = response.get_json()
    assert set(made) == {"id", "entry_id", "author_name", "body", "created_at", "seq", "deleted"}
    assert (made["entry_id"], made["author_name"], made["body"]) == (
        entry_id,
        "Dr Priya Shah",
        "Nice dynamic views.",
    )
    assert made["seq"] == 2 and made["deleted"] is False and made["created_at"].endswith("Z")
    _, comments, _ = pull_all(client, header)
    assert comments == [made]
    check_integrity(app, student.id)


def test_admin_may_comment(client, entry_id, make_user, auth_header):
    """Admins see every student."""
    assert (
        post(client, auth_header(make_user("admin")), entry_id, {"body": "OK"}).status_code == 201
    )


def test_unassigned_tutor_gets_404(client, entry_id, make_user, auth_header):
    """Not theirs to see: 404, as for an entry that does not exist."""
    response = post(client, auth_header(make_user("tutor")), entry_id, {"body": "Hi"})

    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_unknown_and_deleted_entries_are_404(client, header, entry_id, tutor, auth_header):
    """No comments on what does not exist (or no longer does)."""
    push_ok(client, header, [delete(entry_id, 1)])

    for eid in (new_id(), entry_id, "not-even-a-uuid"):
        assert post(client, auth_header(tutor), eid, {"body": "Hi"}).status_code == 404


def test_students_cannot_comment(client, header, entry_id):
    """Students read comments; writing one is refused by role (reveals nothing)."""
    assert post(client, header, entry_id, {"body": "Me"}).status_code == 403


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"body": "   "}, {"body": ["Cannot be empty."]}),
        ({"body": "x" * 2001}, {"body": ["At most 2000 characters."]}),
        ({}, {"body": ["Missing data for required field."]}),
        ({"body": "ok", "to": "all"}, {"_schema": [UNKNOWN]}),
        (
            {"body": "Check DOB 01/02/1970"},
            {"body": ["Looks like a date of birth: remove patient identifiers."]},
        ),
    ],
)
def test_invalid_comment_is_422_naming_the_field(
    app, client, student, entry_id, tutor, auth_header, body, errors
):
    """Nothing is stored, and the owner's counter does not move."""
    response = post(client, auth_header(tutor), entry_id, body)

    assert response.status_code == 422 and response.get_json()["errors"] == errors
    check_integrity(app, student.id)


def test_comment_needs_a_token(client, entry_id):
    """401 without one."""
    assert post(client, {}, entry_id, {"body": "Hi"}).status_code == 401
