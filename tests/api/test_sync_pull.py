"""GET /sync/pull: every change once, in seq order, comments included, even while writes land."""

from __future__ import annotations

import random
import threading

import pytest

from server.extensions import db
from server.services import accounts
from tests.sync.helpers import PULL, check_integrity, new_id, pull_all, push_ok, upsert


@pytest.fixture
def tutor_header(app, student, make_user, auth_header):
    """The header of a tutor assigned to the student."""
    tutor = make_user("tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    return auth_header(tutor)


def comment(client, tutor_header, entry_id, body="Good views of the footprint."):
    """A tutor's comment; returns it."""
    response = client.post(
        f"/api/v1/entries/{entry_id}/comments", json={"body": body}, headers=tutor_header
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_pull_returns_changes_in_seq_order_with_a_cursor(client, header):
    """Pages of `limit`, `next` is the last seq returned, `has_more` until the end."""
    ids = [new_id() for _ in range(5)]
    push_ok(client, header, [upsert(eid) for eid in ids])

    first = client.get(f"{PULL}?since=0&limit=2", headers=header).get_json()
    rest = client.get(f"{PULL}?since={first['next']}", headers=header).get_json()
    empty = client.get(f"{PULL}?since={rest['next']}", headers=header).get_json()

    assert [e["id"] for e in first["entries"]] == ids[:2]
    assert (first["next"], first["has_more"]) == (2, True)
    assert [e["seq"] for e in rest["entries"]] == [3, 4, 5]
    assert (rest["next"], rest["has_more"]) == (5, False)
    assert empty == {"entries": [], "comments": [], "next": 5, "has_more": False}


def test_an_updated_entry_moves_to_its_new_seq(client, header):
    """A change shows the entry's latest state at its latest seq, once."""
    a, b = new_id(), new_id()
    push_ok(client, header, [upsert(a), upsert(b)])
    push_ok(client, header, [upsert(a, 1, notes="edited")])

    entries, _, cursor = pull_all(client, header)

    assert [(e["id"], e["seq"], e["notes"]) for e in entries] == [(b, 2, ""), (a, 3, "edited")]
    assert cursor == 3


def test_comments_ride_the_same_stream(client, header, tutor_header):
    """A tutor's comment takes the owner's next seq and comes with the entries."""
    eid = new_id()
    push_ok(client, header, [upsert(eid)])
    made = comment(client, tutor_header, eid)
    push_ok(client, header, [upsert(new_id())])

    page = client.get(f"{PULL}?since=0&limit=2", headers=header).get_json()
    last = client.get(f"{PULL}?since={page['next']}", headers=header).get_json()

    assert [e["seq"] for e in page["entries"]] == [1] and page["comments"] == [made]
    assert made["seq"] == 2 and made["entry_id"] == eid and made["deleted"] is False
    assert [e["seq"] for e in last["entries"]] == [3] and last["comments"] == []


def test_pull_sees_only_the_callers_logbook(client, header, make_user, auth_header):
    """Another student's changes never show."""
    push_ok(client, auth_header(make_user("student")), [upsert(new_id())])

    assert pull_all(client, header)[:2] == ([], [])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=-1", "since"),
        ("since=abc", "since"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
    ],
)
def test_invalid_cursor_or_limit_is_422_naming_it(client, header, query, field):
    """Bad query values are refused with the field named."""
    response = client.get(f"{PULL}?{query}", headers=header)

    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_other_query_parameters_are_ignored(client, header):
    """A cache buster does not make the pull fail."""
    assert client.get(f"{PULL}?since=0&_=1700000000", headers=header).status_code == 200


def test_limit_defaults_to_200_and_may_be_1000(client, header):
    """The default page is 200 changes."""
    for _ in range(3):
        push_ok(client, header, [upsert(new_id()) for _ in range(100)])

    default = client.get(PULL, headers=header).get_json()
    large = client.get(f"{PULL}?limit=1000", headers=header).get_json()

    assert (len(default["entries"]), default["has_more"]) == (200, True)
    assert (len(large["entries"]), large["has_more"]) == (300, False)


@pytest.mark.parametrize("role", ["tutor", "admin"])
def test_only_students_pull(client, make_user, auth_header, role):
    """Tutors and admins have no logbook to pull."""
    assert client.get(PULL, headers=auth_header(make_user(role))).status_code == 403


def _check_complete(app, owner_id, client, header, seen: list[dict]) -> None:
    """Every final row was received at its final seq; no change came twice; seqs ascend."""
    seqs = [row["seq"] for row in seen]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "a change came twice"
    final_entries, final_comments, _ = pull_all(client, header)
    received = {(row.get("entry_id", "entry"), row["id"], row["seq"]) for row in seen}
    for row in final_entries:
        assert ("entry", row["id"], row["seq"]) in received, f"missed {row['id']}@{row['seq']}"
    for row in final_comments:
        assert (row["entry_id"], row["id"], row["seq"]) in received
    check_integrity(app, owner_id)


def test_cursor_completeness_with_limit_1_while_writes_interleave(
    app, client, student, header, tutor_header
):
    """Pull one change at a time while creates, edits, deletes and comments keep landing."""
    rng = random.Random(3)
    versions: dict[str, int] = {}
    seen: list[dict] = []
    since = 0
    for step in range(120):
        page = client.get(f"{PULL}?since={since}&limit=1", headers=header).get_json()
        seen += page["entries"] + page["comments"]
        assert len(page["entries"]) + len(page["comments"]) <= 1
        since = page["next"]
        if step % 3 == 0 or not versions:
            eid = new_id()
            push_ok(client, header, [upsert(eid)])
            versions[eid] = 1
        elif step % 7 == 0:
            comment(client, tutor_header, rng.choice(list(versions)))
        else:
            eid = rng.choice(list(versions))
            push_ok(client, header, [upsert(eid, versions[eid], notes=f"edit {step}")])
            versions[eid] += 1
    while True:  # drain
        page = client.get(f"{PULL}?since={since}&limit=1", headers=header).get_json()
        seen += page["entries"] + page["comments"]
        since = page["next"]
        if not page["has_more"]:
            break

    _check_complete(app, student.id, client, header, seen)


def test_cursor_completeness_while_another_thread_writes(app, student, header, tutor_header):
    """A reader paging with limit=1 against a concurrent writer misses nothing (real threads)."""
    writer_done = threading.Event()
    failures: list[object] = []

    def write():
        client = app.test_client()
        try:
            ids = []
            for n in range(40):
                eid = new_id()
                ops = [upsert(eid)]
                if ids:
                    ops.append(upsert(ids[-1], 1, notes=f"edit {n}"))
                results = push_ok(client, header, ops)
                assert {r["status"] for r in results} == {"applied"}
                ids.append(eid)
                if n % 5 == 0:
                    comment(client, tutor_header, eid)
        except BaseException as e:  # noqa: BLE001  (reported by the main thread)
            failures.append(e)
        finally:
            writer_done.set()

    writer = threading.Thread(target=write)
    writer.start()
    reader = app.test_client()
    seen: list[dict] = []
    since = 0
    while True:
        finished = writer_done.is_set()  # read before pulling, so the last pull sees it all
        page = reader.get(f"{PULL}?since={since}&limit=1", headers=header).get_json()
        seen += page["entries"] + page["comments"]
        since = page["next"]
        if finished and not page["has_more"]:
            break
    writer.join()

    assert not failures, failures
    _check_complete(app, student.id, reader, header, seen)
