"""POST /sync/push: applied, duplicate, conflict and rejected, under retries and replays."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select, update

from server.extensions import db
from server.models import DeviceToken, Entry, utcnow
from server.schemas.strict import UNKNOWN_FIELDS as UNKNOWN
from server.services.sync import push_batch
from tests.sync.helpers import (
    PUSH,
    check_integrity,
    counts,
    delete,
    last_seq,
    new_id,
    pull_all,
    push,
    push_ok,
    statuses,
    upsert,
)


def test_create_update_delete_each_take_the_next_version_and_seq(app, client, student, header):
    """Versions count the changes of an entry; seqs count the changes of the logbook."""
    eid = new_id()
    [created] = push_ok(client, header, [upsert(eid, 0, notes="first")])
    [updated] = push_ok(client, header, [upsert(eid, 1, notes="second", region="knee")])
    [deleted] = push_ok(client, header, [delete(eid, 2)])

    assert statuses([created, updated, deleted]) == ["applied"] * 3
    assert [r["entry"]["version"] for r in (created, updated, deleted)] == [1, 2, 3]
    assert [r["entry"]["seq"] for r in (created, updated, deleted)] == [1, 2, 3]
    assert updated["entry"]["notes"] == "second" and updated["entry"]["region"] == "knee"
    assert deleted["entry"]["deleted"] is True and deleted["errors"] is None
    check_integrity(app, student.id)


def test_entry_json_has_the_contract_fields_only(client, header):
    """No owner_id or device_id; timestamps are UTC with a Z."""
    [result] = push_ok(client, header, [upsert(new_id())])

    assert set(result) == {"op_id", "status", "entry", "errors"}
    shown = result["entry"]
    assert set(shown) == {
        "id", "scanned_on", "region", "side", "activity", "supervision", "clinical_question",
        "technical_issues", "findings", "pathway_role", "notes", "critical_incident",
        "version", "seq", "deleted", "created_at", "updated_at",
    }  # fmt: skip
    assert shown["created_at"].endswith("Z") and shown["updated_at"].endswith("Z")
    dt.datetime.fromisoformat(shown["created_at"].removesuffix("Z"))


def test_duplicate_batch_changes_nothing(app, client, student, header):
    """The same batch twice: the second answer is all duplicates, with the entries."""
    ops = [upsert(new_id()) for _ in range(5)]
    first = push_ok(client, header, ops)
    before = counts(app, student.id), last_seq(app, student.id)

    second = push_ok(client, header, ops)

    assert statuses(first) == ["applied"] * 5
    assert statuses(second) == ["duplicate"] * 5
    assert [r["entry"] for r in second] == [r["entry"] for r in first]
    assert (counts(app, student.id), last_seq(app, student.id)) == before
    check_integrity(app, student.id)


def test_lost_reply_then_retry_is_answered_duplicate(app, client, student, header):
    """The device never saw the answer; its retry is not applied again."""
    eid = new_id()
    op = upsert(eid, 0, notes="typed once")
    push(client, header, [op])  # the reply is lost on the way back

    [retry] = push_ok(client, header, [op])

    assert retry["status"] == "duplicate"
    assert retry["entry"]["version"] == 1 and retry["entry"]["notes"] == "typed once"
    assert counts(app, student.id)["Entry"] == 1
    check_integrity(app, student.id)


def test_partial_replay_applies_only_the_new_ops(app, client, student, header):
    """Ops 1-10 applied, then 6-15 arrive: 6-10 are duplicates, 11-15 applied."""
    ops = [upsert(new_id()) for _ in range(15)]
    push_ok(client, header, ops[:10])

    results = push_ok(client, header, ops[5:])

    assert statuses(results) == ["duplicate"] * 5 + ["applied"] * 5
    assert [r["entry"]["seq"] for r in results[5:]] == [11, 12, 13, 14, 15]
    assert counts(app, student.id)["Entry"] == 15
    check_integrity(app, student.id)


def test_stale_base_version_from_a_second_device_is_a_conflict_that_keeps_both(
    app, client, student, header, auth_header
):
    """Phone and tablet both edit version 1: the second loses, and its copy is kept."""
    tablet = auth_header(student)
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0, notes="original")])
    push_ok(client, header, [upsert(eid, 1, notes="phone edit")], device_id="phone")

    [result] = push_ok(client, tablet, [upsert(eid, 1, notes="tablet edit")], device_id="tablet")

    assert result["status"] == "conflict"
    assert result["entry"]["notes"] == "phone edit" and result["entry"]["version"] == 2
    kept = client.get(f"/api/v1/sync/conflicts?entry_id={eid}", headers=header).get_json()
    [copy] = kept["conflicts"]
    assert copy["op_id"] == result["op_id"] and copy["kind"] == "upsert"
    assert (copy["base_version"], copy["server_version"]) == (1, 2)
    assert copy["entry"]["notes"] == "tablet edit"
    entries, _, _ = pull_all(client, header)
    assert [(e["notes"], e["version"]) for e in entries] == [("phone edit", 2)]
    check_integrity(app, student.id)


def test_a_conflict_is_answered_conflict_again_on_retry(app, client, student, header):
    """A retry never hides a conflict, and keeps no second copy."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0)])
    push_ok(client, header, [upsert(eid, 1, notes="won")])
    losing = upsert(eid, 1, notes="lost")
    push_ok(client, header, [losing])

    [again] = push_ok(client, header, [losing])

    assert again["status"] == "conflict" and again["entry"]["notes"] == "won"
    assert counts(app, student.id)["ConflictCopy"] == 1
    check_integrity(app, student.id)


def test_delete_then_pull_from_an_old_cursor_shows_the_tombstone(app, client, student, header):
    """A device that last pulled before the delete learns of it."""
    eid, other = new_id(), new_id()
    push_ok(client, header, [upsert(eid, 0), upsert(other, 0)])
    _, _, cursor = pull_all(client, header)
    push_ok(client, header, [delete(eid, 1)], device_id="tablet")

    entries, _, _ = pull_all(client, header, since=cursor)

    assert [(e["id"], e["deleted"], e["version"]) for e in entries] == [(eid, True, 2)]
    check_integrity(app, student.id)


def test_delete_twice_is_applied_again(app, client, student, header):
    """Two devices delete the same entry: both are told applied; it stays deleted."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0)])
    [first] = push_ok(client, header, [delete(eid, 1)], device_id="phone")

    [second] = push_ok(client, header, [delete(eid, 1)], device_id="tablet")

    assert statuses([first, second]) == ["applied", "applied"]
    assert second["entry"]["deleted"] is True and second["entry"]["version"] == 3
    check_integrity(app, student.id)


@pytest.mark.parametrize("base", [1, 2])
def test_upsert_on_a_tombstone_is_a_conflict_not_a_resurrection(app, client, student, header, base):
    """An edit made before the delete (or after it, at its version) never revives it."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0)])
    push_ok(client, header, [delete(eid, 1)])

    [result] = push_ok(client, header, [upsert(eid, base, notes="revived?")])

    assert result["status"] == "conflict"
    assert result["entry"]["deleted"] is True and result["entry"]["version"] == 2
    entries, _, _ = pull_all(client, header)
    assert [e["deleted"] for e in entries] == [True]
    check_integrity(app, student.id)


def test_stale_delete_is_a_conflict_and_keeps_the_entry(app, client, student, header):
    """A delete made from an old version does not remove a newer edit."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0)])
    push_ok(client, header, [upsert(eid, 1, notes="newer")])

    [result] = push_ok(client, header, [delete(eid, 1)])

    assert result["status"] == "conflict"
    assert result["entry"]["deleted"] is False and result["entry"]["notes"] == "newer"
    check_integrity(app, student.id)


def test_rejected_op_does_not_block_the_ops_after_it(app, client, student, header):
    """An invalid op in the middle: the others are applied, in order."""
    ops = [upsert(new_id()), upsert(new_id(), region="spleen"), upsert(new_id())]

    results = push_ok(client, header, ops)

    assert statuses(results) == ["applied", "rejected", "applied"]
    assert results[1]["entry"] is None
    assert results[1]["errors"] == {"region": [results[1]["errors"]["region"][0]]}
    assert "shoulder" in results[1]["errors"]["region"][0]
    assert [r["entry"]["seq"] for r in (results[0], results[2])] == [1, 2]
    check_integrity(app, student.id)


def test_a_rejected_op_is_answered_the_same_way_again(app, client, student, header):
    """Op ids are remembered with their answer, rejected ones too."""
    op = upsert(new_id(), scanned_on="1999-12-31")
    [first] = push_ok(client, header, [op])

    [again] = push_ok(client, header, [op])

    assert first["status"] == again["status"] == "rejected"
    assert again["errors"] == first["errors"] == {"scanned_on": ["Cannot be before 2000-01-01."]}
    assert counts(app, student.id)["Entry"] == 0


def test_another_users_entry_id_is_rejected_and_left_alone(
    app, client, make_user, header, auth_header
):
    """An op on someone else's entry is rejected, reveals nothing and changes nothing."""
    other = make_user("student")
    eid = new_id()
    push_ok(client, auth_header(other), [upsert(eid, 0, notes="theirs")])

    results = push_ok(client, header, [upsert(eid, 1, notes="mine?"), delete(eid, 1)])

    assert statuses(results) == ["rejected", "rejected"]
    assert all(r["entry"] is None for r in results)
    assert results[0]["errors"] == {"entry_id": ["Not an entry of your logbook."]}
    theirs, _, _ = pull_all(client, auth_header(other))
    assert [(e["notes"], e["version"]) for e in theirs] == [("theirs", 1)]
    check_integrity(app, other.id)


def test_a_new_entry_id_already_used_by_someone_else_is_rejected(
    client, make_user, header, auth_header
):
    """Creating with an id another logbook holds: rejected, not a 500."""
    other = make_user("student")
    eid = new_id()
    push_ok(client, auth_header(other), [upsert(eid, 0)])

    [result] = push_ok(client, header, [upsert(eid, 0)])

    assert result["status"] == "rejected" and result["entry"] is None


def test_another_users_op_id_is_rejected(client, make_user, header, auth_header):
    """An op id is one user's: reusing it answers nothing about the first use."""
    other = make_user("student")
    op_id = new_id()
    push_ok(client, auth_header(other), [upsert(new_id(), op_id=op_id)])

    [result] = push_ok(client, header, [upsert(new_id(), op_id=op_id)])

    assert result["status"] == "rejected" and result["entry"] is None
    assert result["errors"] == {"op_id": ["Already used."]}


def test_same_op_twice_in_one_batch_is_applied_once(app, client, student, header):
    """A device that queued an op twice gets applied then duplicate."""
    op = upsert(new_id())

    results = push_ok(client, header, [op, op])

    assert statuses(results) == ["applied", "duplicate"]
    assert counts(app, student.id)["Entry"] == 1


def test_two_ops_on_one_entry_in_one_batch_each_show_their_own_version(client, header):
    """Each result shows the entry right after its own op."""
    eid = new_id()

    results = push_ok(client, header, [upsert(eid, 0, notes="a"), upsert(eid, 1, notes="b")])

    assert [(r["entry"]["version"], r["entry"]["notes"]) for r in results] == [(1, "a"), (2, "b")]


def test_delete_of_an_unknown_entry_is_rejected(client, header):
    """Nothing to delete: rejected, with the reason."""
    [result] = push_ok(client, header, [delete(new_id(), 0)])

    assert result["status"] == "rejected"
    assert result["errors"] == {"entry_id": ["There is no entry with this id to delete."]}


def test_upsert_of_an_unknown_entry_from_a_version_is_a_conflict(app, client, student, header):
    """base_version 3 for an id the server never saw: conflict, the copy kept."""
    [result] = push_ok(client, header, [upsert(new_id(), 3)])

    assert result["status"] == "conflict" and result["entry"] is None
    assert counts(app, student.id)["ConflictCopy"] == 1
    check_integrity(app, student.id)


def test_more_than_100_ops_is_413_and_nothing_applied(app, client, student, header):
    """The batch is refused whole."""
    ops = [upsert(new_id()) for _ in range(101)]

    response = push(client, header, ops)

    assert response.status_code == 413
    body = response.get_json()
    assert body["code"] == 413 and "100" in body["message"]
    assert counts(app, student.id)["Entry"] == counts(app, student.id)["SyncOp"] == 0
    assert statuses(push_ok(client, header, ops[:100])) == ["applied"] * 100


def test_exactly_100_ops_are_accepted(client, header):
    """The limit is inclusive."""
    assert len(push_ok(client, header, [upsert(new_id()) for _ in range(100)])) == 100


@pytest.mark.parametrize("k", [1, 4, 7])
def test_an_exception_on_op_k_applies_nothing_and_the_retry_applies_all_once(
    app, client, student, header, monkeypatch, k
):
    """A server error mid-batch rolls everything back; the identical batch then goes in."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0)])
    before = counts(app, student.id), last_seq(app, student.id)
    ops = [upsert(new_id()) for _ in range(6)] + [upsert(eid, 1, notes="edit")]
    original, calls = push_batch._Batch.apply, itertools.count(1)

    def failing(self, op):
        result = original(self, op)
        if next(calls) == k:
            self.write()  # the first k ops really are written inside the transaction
            raise RuntimeError("the disk is on fire")
        return result

    monkeypatch.setattr(push_batch._Batch, "apply", failing)
    response = push(client, header, ops)
    monkeypatch.undo()

    assert response.status_code == 500
    assert set(response.get_json()) == {"code", "status", "message"}
    assert (counts(app, student.id), last_seq(app, student.id)) == before
    assert statuses(push_ok(client, header, ops)) == ["applied"] * 7
    assert statuses(push_ok(client, header, ops)) == ["duplicate"] * 7
    check_integrity(app, student.id)


def test_a_unique_key_race_is_retried_not_a_500(app, client, student, header, monkeypatch):
    """An IntegrityError at commit (a race with another logbook) runs the batch again."""
    from sqlalchemy.exc import IntegrityError

    original, calls = push_batch._apply, itertools.count(1)

    def racing(*args):
        results = original(*args)
        if next(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return results

    monkeypatch.setattr(push_batch, "_apply", racing)
    results = push_ok(client, header, [upsert(new_id()) for _ in range(3)])

    assert statuses(results) == ["applied"] * 3
    assert [r["entry"]["seq"] for r in results] == [1, 2, 3]
    check_integrity(app, student.id)


def test_revoked_token_is_401_and_nothing_applied(app, client, student, header):
    """A signed-out device cannot push."""
    assert client.delete("/api/v1/auth/token", headers=header).status_code == 204

    response = push(client, header, [upsert(new_id())])

    assert response.status_code == 401 and response.get_json()["code"] == 401
    assert counts(app, student.id)["Entry"] == counts(app, student.id)["SyncOp"] == 0


def test_expired_token_is_401_and_nothing_applied(app, client, student, header):
    """A token idle for longer than TOKEN_IDLE_DAYS stops working."""
    with app.app_context():
        long_ago = utcnow() - dt.timedelta(days=app.config["TOKEN_IDLE_DAYS"] + 1)
        db.session.execute(update(DeviceToken).values(last_used_at=long_ago))
        db.session.commit()

    response = push(client, header, [upsert(new_id())])

    assert response.status_code == 401
    assert counts(app, student.id)["Entry"] == 0


def test_missing_token_is_401(client):
    """No token, no push."""
    response = client.post(PUSH, json={"device_id": "x", "ops": []})

    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


@pytest.mark.parametrize("role", ["tutor", "admin"])
def test_only_students_push(client, make_user, auth_header, role):
    """Tutors and admins have no logbook: 403."""
    response = push(client, auth_header(make_user(role)), [upsert(new_id())])

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"ops": []}, {"device_id": ["Missing data for required field."]}),
        ({"device_id": "", "ops": []}, {"device_id": ["Length must be between 1 and 100."]}),
        ({"device_id": "x"}, {"ops": ["Missing data for required field."]}),
        ({"device_id": "x", "ops": {}}, {"ops": ["Not a valid list."]}),
        ({"device_id": "x", "ops": [], "extra": 1}, {"_schema": [UNKNOWN]}),
    ],
)
def test_an_invalid_body_is_422_naming_the_field(client, header, body, errors):
    """The envelope is checked before anything is applied."""
    response = client.post(PUSH, json=body, headers=header)

    assert response.status_code == 422
    assert response.get_json()["errors"] == errors


def test_a_body_that_is_not_json_is_refused(client, header):
    """Not JSON at all: a 4xx with the JSON error body."""
    response = client.post(PUSH, data="ops=1", headers=header)

    assert response.status_code in (400, 415)
    assert response.get_json()["code"] == response.status_code


def test_an_empty_batch_is_fine(client, header):
    """Nothing to push: no results."""
    assert push_ok(client, header, []) == []


def test_device_id_is_recorded_but_not_shown(app, client, student, header):
    """The server knows which device made a change; the Entry JSON does not say."""
    eid = new_id()
    push_ok(client, header, [upsert(eid, 0)], device_id="Ann's iPhone")

    with app.app_context():
        assert db.session.scalar(select(Entry.device_id).where(Entry.id == eid)) == "Ann's iPhone"
