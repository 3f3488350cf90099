"""Entry validation in a push: every refusal names the field and says why; nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import SyncOp, utcnow
from server.schemas.strict import UNKNOWN_FIELDS as UNKNOWN
from tests.sync.helpers import counts, delete, entry, new_id, push_ok, upsert


def _reject(client, header, op) -> dict:
    [result] = push_ok(client, header, [op])
    assert result["status"] == "rejected" and result["entry"] is None
    return result["errors"]


TODAY = utcnow().date()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"scanned_on": "14/03/2026"}, {"scanned_on": ["Not a valid date."]}),
        ({"scanned_on": None}, {"scanned_on": ["Field may not be null."]}),
        (
            {"scanned_on": (TODAY + dt.timedelta(days=2)).isoformat()},
            {"scanned_on": ["Cannot be in the future."]},
        ),
        ({"scanned_on": "1999-12-31"}, {"scanned_on": ["Cannot be before 2000-01-01."]}),
        ({"side": "up"}, {"side": ["Must be one of: left, right, bilateral, not_applicable."]}),
        (
            {"activity": "surgery"},
            {"activity": ["Must be one of: diagnostic, injection, diagnostic_injection."]},
        ),
        (
            {"supervision": ""},
            {"supervision": ["Must be one of: observed, direct, indirect, independent, teaching."]},
        ),
        ({"findings": "x" * 501}, {"findings": ["At most 500 characters."]}),
        ({"notes": "x" * 2001}, {"notes": ["At most 2000 characters."]}),
        ({"critical_incident": "yes"}, {"critical_incident": ["Not a valid boolean."]}),
        ({"critical_incident": 1}, {"critical_incident": ["Not a valid boolean."]}),
        ({"colour": "blue"}, {"entry": [UNKNOWN]}),
        ({"version": 7}, {"version": ["Read-only: the server sets this field."]}),
        ({"deleted": True}, {"deleted": ["Read-only: the server sets this field."]}),
    ],
)
def test_invalid_entry_fields_are_rejected_naming_the_field(client, header, fields, errors):
    """One message per bad field, keyed by the field's name."""
    assert _reject(client, header, upsert(new_id(), **fields)) == errors


def test_required_fields_are_named_when_missing(client, header):
    """A bare entry lists each missing field."""
    op = upsert(new_id())
    op["entry"] = {}

    errors = _reject(client, header, op)

    assert errors == {
        name: ["Missing data for required field."]
        for name in ("scanned_on", "region", "side", "activity", "supervision")
    }


def test_an_upsert_without_an_entry_is_rejected(client, header):
    """The entry is required for an upsert."""
    op = upsert(new_id())
    op["entry"] = None

    assert _reject(client, header, op) == {"entry": ["Missing data for required field."]}


def test_an_entry_that_is_not_an_object_is_named(client, header):
    """A string where the entry belongs: the message says "entry"."""
    op = upsert(new_id())
    op["entry"] = "shoulder, left"

    assert _reject(client, header, op) == {"entry": ["Invalid input type."]}


def test_an_entry_id_that_differs_from_the_ops_is_rejected(client, header):
    """The entry may carry its id, but it must be the op's entry_id."""
    assert _reject(client, header, upsert(new_id(), id=new_id())) == {
        "id": ["Must equal the op's entry_id."]
    }


def test_the_entry_may_carry_its_own_id(client, header):
    """What the PWA sends (id included) is accepted."""
    eid = new_id()
    [result] = push_ok(client, header, [upsert(eid, id=eid)])

    assert result["status"] == "applied" and result["entry"]["id"] == eid


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"op_id": "not-a-uuid"}, {"op_id": ["Must be a lower-case UUID"]}),
        ({"entry_id": "ABC"}, {"entry_id": ["Must be a lower-case UUID"]}),
        ({"kind": "patch"}, {"kind": ["Must be one of: upsert, delete, restore."]}),
        ({"base_version": -1}, {"base_version": ["Must be greater than or equal to 0."]}),
        ({"base_version": "1"}, {"base_version": ["Not a valid integer."]}),
        ({"when": "now"}, {"_schema": [UNKNOWN]}),
    ],
)
def test_invalid_op_fields_are_rejected_naming_the_field(client, header, change, errors):
    """The op's own fields are checked too (messages start as shown)."""
    op = {**upsert(new_id()), **change}

    got = _reject(client, header, op)

    assert set(got) == set(errors)
    for name, [start] in errors.items():
        assert got[name][0].startswith(start)


def test_upper_case_uuids_are_refused_so_ids_never_split(client, header):
    """ "ABC..." and "abc..." would be two entries on some devices: refuse, say why."""
    eid = new_id().upper()

    assert "lower-case" in _reject(client, header, upsert(eid))["entry_id"][0]


def test_an_op_without_a_usable_op_id_is_answered_but_not_remembered(app, client, student, header):
    """It is rejected in its place; nothing is stored under a made-up id."""
    op = upsert(new_id())
    del op["op_id"]

    response = client.post(
        "/api/v1/sync/push", json={"device_id": "x", "ops": [op]}, headers=header
    )

    [result] = response.get_json()["results"]
    assert result == {
        "op_id": None,
        "status": "rejected",
        "entry": None,
        "errors": {"op_id": ["Missing data for required field."]},
    }
    assert counts(app, student.id)["SyncOp"] == 0


def test_an_op_that_is_not_an_object_is_rejected_in_place(client, header):
    """Garbage in the list does not stop the ops around it."""
    response = client.post(
        "/api/v1/sync/push",
        json={"device_id": "x", "ops": ["junk", upsert(new_id())]},
        headers=header,
    )

    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]


def test_strings_are_trimmed_and_absent_prompts_are_empty(client, header):
    """Whitespace around codes and text is dropped; a missing prompt reads as ''."""
    fields = entry(region="  knee ", notes="  note  ", clinical_question=None)
    del fields["pathway_role"]
    op = {"op_id": new_id(), "entry_id": new_id(), "kind": "upsert", "base_version": 0}

    [result] = push_ok(client, header, [{**op, "entry": fields}])

    shown = result["entry"]
    assert (shown["region"], shown["notes"]) == ("knee", "note")
    assert (shown["clinical_question"], shown["pathway_role"]) == ("", "")


def test_tomorrow_is_allowed_for_time_zones(client, header):
    """A device ahead of the server's date is not refused."""
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    [result] = push_ok(client, header, [upsert(new_id(), scanned_on=tomorrow)])

    assert result["status"] == "applied"


def test_a_delete_ignores_its_entry_payload(client, header):
    """A delete needs no valid entry."""
    eid = new_id()
    push_ok(client, header, [upsert(eid)])
    op = delete(eid, 1)
    op["entry"] = {"junk": True}

    [result] = push_ok(client, header, [op])

    assert result["status"] == "applied"


@pytest.mark.parametrize(
    ("field", "text", "identifier", "kind"),
    [
        ("notes", "Pt NHS 943 476 5919, review", "943 476 5919", "an NHS number"),
        ("clinical_question", "DOB 12/03/1961 shoulder pain", "12/03/1961", "a date of birth"),
        ("pathway_role", "Refer to clinic near CO4 3SQ", "CO4 3SQ", "a postcode"),
        ("technical_issues", "MRN 12345678 images on PACS", "12345678", "a hospital number"),
        ("findings", "born 1961-03-12, effusion", "1961-03-12", "a date of birth"),
    ],
)
def test_patient_identifiers_are_refused_and_never_stored(
    app, client, student, header, field, text, identifier, kind
):
    """The message names what was found, never the identifier itself, and nothing is kept."""
    errors = _reject(client, header, upsert(new_id(), **{field: text}))

    assert errors == {field: [f"Looks like {kind}: remove patient identifiers."]}
    with app.app_context():
        stored = db.session.scalars(select(SyncOp.errors)).all()
    assert len(stored) == 1 and identifier not in stored[0]
    assert counts(app, student.id)["Entry"] == counts(app, student.id)["ConflictCopy"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "Effusion 5 mm, seen 2/52 ago",
        "12/10 pain on resisted abduction",
        "Scanned 12/03/2024, compare with previous",
        "L4 5th root irritation?",
        "Probe L12-5, 18 MHz",
    ],
)
def test_clinical_shorthand_is_not_mistaken_for_identifiers(client, header, text):
    """False positives would make people stop logging."""
    [result] = push_ok(client, header, [upsert(new_id(), notes=text)])

    assert result["status"] == "applied" and result["entry"]["notes"] == text
