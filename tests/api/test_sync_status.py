"""GET /sync/status and a pull cursor ahead of the server (`reset`)."""

from __future__ import annotations

from tests.sync.helpers import PULL, delete, new_id, push_ok, upsert

STATUS = "/api/v1/sync/status"


def test_status_counts_entries_not_deleted_and_the_last_seq(client, header):
    """Two entries, one deleted: count 1, last seq 3."""
    assert client.get(STATUS, headers=header).get_json() == {"count": 0, "last_seq": 0}
    a, b = new_id(), new_id()
    push_ok(client, header, [upsert(a), upsert(b)])
    push_ok(client, header, [delete(a, 1)])

    assert client.get(STATUS, headers=header).get_json() == {"count": 1, "last_seq": 3}


def test_status_is_the_callers_own_logbook(client, header, make_user, auth_header):
    """Another student's entries never count."""
    push_ok(client, auth_header(make_user("student")), [upsert(new_id())])

    assert client.get(STATUS, headers=header).get_json() == {"count": 0, "last_seq": 0}


def test_a_cursor_ahead_of_the_server_is_told_to_reset(client, header):
    """After a server restore a phone's cursor is ahead: reset, never an empty wait."""
    push_ok(client, header, [upsert(new_id()), upsert(new_id())])

    page = client.get(f"{PULL}?since=57", headers=header).get_json()

    assert page == {"entries": [], "comments": [], "next": 2, "has_more": False, "reset": True}
    again = client.get(f"{PULL}?since=0", headers=header).get_json()
    assert len(again["entries"]) == 2 and "reset" not in again


def test_a_cursor_at_the_last_seq_is_not_a_reset(client, header):
    """Up to date is not ahead: no reset."""
    push_ok(client, header, [upsert(new_id())])

    page = client.get(f"{PULL}?since=1", headers=header).get_json()

    assert page == {"entries": [], "comments": [], "next": 1, "has_more": False}
