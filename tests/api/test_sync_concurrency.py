"""Concurrent pushes: the owner's counter lock serialises them; no race surfaces as a 500."""

from __future__ import annotations

import threading

import pytest

from tests.sync.helpers import check_integrity, counts, new_id, push, upsert


def _at_once(app, calls) -> list:
    """Run each call(client) in its own thread, released together; returns the responses."""
    barrier = threading.Barrier(len(calls))
    responses: list = [None] * len(calls)

    def run(i, call):
        client = app.test_client()
        barrier.wait()
        responses[i] = call(client)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.mark.parametrize("size", [1, 50])
def test_two_threads_pushing_the_same_ops_at_once_apply_them_once(
    app, make_user, auth_header, size
):
    """One push applies the batch, the other is told duplicate: no 500, one row each."""
    student = make_user("student")
    phone, tablet = auth_header(student), auth_header(student)
    for _ in range(5):
        ops = [upsert(new_id()) for _ in range(size)]

        responses = _at_once(
            app, [lambda c, o=ops: push(c, phone, o), lambda c, o=ops: push(c, tablet, o)]
        )

        assert [r.status_code for r in responses] == [200, 200], [r.json for r in responses]
        answers = sorted(sorted({r["status"] for r in resp.json["results"]}) for resp in responses)
        assert answers == [["applied"], ["duplicate"]]
    assert counts(app, student.id)["Entry"] == 5 * size
    check_integrity(app, student.id)


def test_two_users_creating_the_same_entry_id_at_once_get_no_500(app, make_user, auth_header):
    """A unique-key race across logbooks: one applied, one rejected, never a server error."""
    for _ in range(5):
        eid = new_id()
        headers = [auth_header(make_user("student")) for _ in range(2)]

        responses = _at_once(app, [lambda c, h=h, e=eid: push(c, h, [upsert(e)]) for h in headers])

        assert [r.status_code for r in responses] == [200, 200], [r.json for r in responses]
        assert sorted(r.json["results"][0]["status"] for r in responses) == [
            "applied",
            "rejected",
        ]


def test_many_devices_of_one_student_pushing_at_once_keep_the_logbook_consistent(
    app, make_user, auth_header
):
    """Four devices, edits to shared entries and new ones: seqs stay unique, counts exact."""
    student = make_user("student")
    shared = new_id()
    first = push(app.test_client(), auth_header(student), [upsert(shared)])
    assert first.status_code == 200
    headers = [auth_header(student) for _ in range(4)]

    responses = _at_once(
        app,
        [
            lambda c, h=h, n=n: push(
                c,
                h,
                [upsert(shared, 1, notes=f"device {n}")] + [upsert(new_id()) for _ in range(20)],
                device_id=f"device-{n}",
            )
            for n, h in enumerate(headers)
        ],
    )

    assert all(r.status_code == 200 for r in responses)
    firsts = sorted(r.json["results"][0]["status"] for r in responses)
    assert firsts == ["applied", "conflict", "conflict", "conflict"]
    assert counts(app, student.id)["Entry"] == 1 + 4 * 20
    check_integrity(app, student.id)
