"""The `restore` op: a tombstone comes back as the same entry, with its comments."""

from __future__ import annotations

from server.extensions import db
from server.services import accounts
from tests.sync.helpers import (
    check_integrity,
    delete,
    new_id,
    pull_all,
    push,
    push_ok,
    restore,
    statuses,
    upsert,
)


def _comment(app, client, student, make_user, auth_header, entry_id: str) -> dict:
    tutor = make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    response = client.post(
        f"/api/v1/entries/{entry_id}/comments",
        json={"body": "Good views of the footprint."},
        headers=auth_header(tutor),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _progress_total(client, header) -> int:
    return client.get("/api/v1/progress", headers=header).get_json()["total"]


def test_restore_brings_back_the_same_entry_with_its_comments(
    app, client, student, header, make_user, auth_header
):
    """Undo of a synced delete: same id, version+1, next seq, counted again, comment kept."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, notes="kept text")])
    made = _comment(app, client, student, make_user, auth_header, eid)
    push_ok(client, header, [delete(eid, 1)])
    assert _progress_total(client, header) == 0

    [result] = push_ok(client, header, [restore(eid, 2)])

    assert result["status"] == "applied"
    back = result["entry"]
    assert (back["id"], back["deleted"], back["version"], back["seq"]) == (eid, False, 3, 4)
    assert back["notes"] == "kept text"
    entries, comments, _ = pull_all(client, header)
    assert [(e["id"], e["deleted"]) for e in entries] == [(eid, False)]
    assert comments == [made]
    assert _progress_total(client, header) == 1
    check_integrity(app, student.id)


def test_a_stale_restore_is_a_conflict_and_changes_nothing(app, client, student, header):
    """A restore from an older tombstone version (deleted again since) is a conflict."""
    eid = new_id()
    push_ok(client, header, [upsert(eid)])
    push_ok(client, header, [delete(eid, 1)])
    push_ok(client, header, [delete(eid, 2)], device_id="tablet")

    [result] = push_ok(client, header, [restore(eid, 2)])

    assert result["status"] == "conflict"
    assert result["entry"]["deleted"] is True and result["entry"]["version"] == 3
    check_integrity(app, student.id)


def test_restore_of_an_entry_that_is_not_deleted_is_rejected(app, client, student, header):
    """Nothing to bring back: rejected with a message, the entry untouched."""
    eid = new_id()
    push_ok(client, header, [upsert(eid)])

    [live, unknown] = push_ok(client, header, [restore(eid, 1), restore(new_id(), 1)])

    assert statuses([live, unknown]) == ["rejected", "rejected"]
    assert "restore" in live["errors"]["entry_id"][0]
    entries, _, _ = pull_all(client, header)
    assert [(e["version"], e["deleted"]) for e in entries] == [(1, False)]
    check_integrity(app, student.id)


def test_restore_of_another_students_tombstone_is_rejected(
    app, client, student, header, make_user, auth_header
):
    """Someone else's tombstone stays a tombstone."""
    other = make_user("student")
    other_header = auth_header(other)
    eid = new_id()
    push_ok(client, other_header, [upsert(eid)])
    push_ok(client, other_header, [delete(eid, 1)])

    [result] = push_ok(client, header, [restore(eid, 2)])

    assert result["status"] == "rejected" and result["entry"] is None
    entries, _, _ = pull_all(client, other_header)
    assert [e["deleted"] for e in entries] == [True]
    check_integrity(app, other.id)


def test_a_restore_sent_again_is_a_duplicate(app, client, student, header):
    """A lost reply: the same restore again changes nothing."""
    eid = new_id()
    push_ok(client, header, [upsert(eid)])
    push_ok(client, header, [delete(eid, 1)])
    op = restore(eid, 2)
    push_ok(client, header, [op])

    [again] = push_ok(client, header, [op])

    assert again["status"] == "duplicate" and again["entry"]["version"] == 3
    check_integrity(app, student.id)


def test_a_restore_needs_its_base_version(client, header):
    """Without base_version the op is rejected naming the field (never a 500)."""
    op = restore(new_id(), 1)
    del op["base_version"]

    response = push(client, header, [op])

    assert response.status_code == 200
    [result] = response.get_json()["results"]
    assert result["status"] == "rejected" and "base_version" in result["errors"]
