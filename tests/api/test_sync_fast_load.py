"""The push's fast path loads exactly what the schemas load, or declines and lets them load.

sync.push checks well-formed ops and entries with fast_load_envelope / fast_load_entry and
hands anything else to OpEnvelopeSchema / EntryInSchema, whose errors are the contract's. So
whatever the fast path accepts must load the same through the schema (same dict, same key
order), and what the schema refuses the fast path must decline.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from server.schemas.entries import EntryInSchema, OpEnvelopeSchema
from server.schemas.fast_load import fast_load_entry, fast_load_envelope
from tests.sync.helpers import entry, new_id, upsert

TODAY = dt.date(2026, 3, 14)


def _schema_load(schema, data):
    try:
        return schema.load(data)
    except ValidationError:
        return None


def _same_as_schema(fast, schema, data) -> None:
    """The fast answer is the schema's (keys in the same order), or a decline."""
    expected = _schema_load(schema, data)
    if fast is not None:
        assert expected is not None, data
        assert fast == expected and list(fast) == list(expected), data
        assert [type(v) for v in fast.values()] == [type(v) for v in expected.values()]


def test_a_typical_entry_and_op_take_the_fast_path():
    """Else the fast path is dead code and the push is as slow as before."""
    op = upsert(new_id(), id=None)
    del op["entry"]["id"]
    assert fast_load_envelope(op) == OpEnvelopeSchema().load(op)
    loaded = fast_load_entry(op["entry"], TODAY)
    assert loaded is not None and loaded == EntryInSchema(today=TODAY).load(op["entry"])
    delete_op = {"op_id": new_id(), "entry_id": new_id(), "kind": "delete", "base_version": 3}
    assert fast_load_envelope(delete_op) == OpEnvelopeSchema().load(delete_op)


_TEXT = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "  Normal study  ", "Effusion\n", "x" * 500, "x" * 501, "x" * 2000, "x" * 2001,
         "DOB 12/03/1961", "NHS no 943 476 5919", "SW1A 1AA", "MRN 1234567", "5 mm, 2/52"]
    ),
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
)  # fmt: skip
_VALUES = {
    "id": st.one_of(st.just(new_id()), st.sampled_from(["", "ABC", new_id().upper()]), st.none(),
                    st.just(new_id() + "\n"), st.integers()),
    "scanned_on": st.one_of(
        st.dates(dt.date(1999, 12, 25), TODAY + dt.timedelta(days=4)).map(dt.date.isoformat),
        st.sampled_from(["", "2026-1-2", "20260102", "2026-02-30", "14/03/2026", " 2026-01-02",
                         "2026-01-02T00:00:00"]),
        st.none(), st.integers(),
    ),
    "region": st.sampled_from(["shoulder", " knee ", "Knee", "nose", "", None, 3]),
    "side": st.sampled_from(["left", "right ", "up", None]),
    "activity": st.sampled_from(["diagnostic", "injection", "surgery", ["injection"]]),
    "supervision": st.sampled_from(["observed", "teaching", "", None]),
    "clinical_question": _TEXT,
    "technical_issues": _TEXT,
    "findings": _TEXT,
    "pathway_role": _TEXT,
    "notes": _TEXT,
    "critical_incident": st.sampled_from([True, False, 0, 1, "yes", None]),
    "version": st.sampled_from([0, 1, None]),
    "seq": st.just(1),
    "deleted": st.just(False),
    "created_at": st.just("2026-01-01T00:00:00Z"),
    "updated_at": st.just("2026-01-01T00:00:00Z"),
    "colour": st.just("blue"),
}  # fmt: skip


@st.composite
def _entries(draw):
    data = entry()
    for name in draw(st.lists(st.sampled_from(sorted(_VALUES)), max_size=4, unique=True)):
        data[name] = draw(_VALUES[name])
    for name in draw(st.lists(st.sampled_from(sorted(data)), max_size=3, unique=True)):
        del data[name]  # missing fields: defaults, or required ones named
    return data


@settings(max_examples=400, deadline=None)
@given(data=_entries())
def test_fast_entry_load_is_the_schemas(data):
    """Whatever the entry, the fast path gives the schema's answer or declines."""
    _same_as_schema(fast_load_entry(data, TODAY), EntryInSchema(today=TODAY), data)


@settings(max_examples=300, deadline=None)
@given(
    changes=st.dictionaries(
        st.sampled_from(["op_id", "entry_id", "kind", "base_version", "entry", "extra"]),
        st.one_of(
            st.just(new_id()),
            st.sampled_from(["upsert", "delete", " delete", "Upsert", "", new_id().upper()]),
            st.integers(-2, 3), st.booleans(), st.none(), st.floats(0, 2), st.just({}),
            st.just("1"),
        ),
        max_size=3,
    ),
    missing=st.lists(
        st.sampled_from(["op_id", "entry_id", "kind", "base_version", "entry"]), max_size=2
    ),
)  # fmt: skip
def test_fast_envelope_load_is_the_schemas(changes, missing):
    """Whatever the op, the fast path gives the schema's answer or declines."""
    op = {**upsert(new_id()), **changes}
    for name in missing:
        op.pop(name, None)
    _same_as_schema(fast_load_envelope(op), OpEnvelopeSchema(), op)


@pytest.mark.parametrize("data", [None, [], "op", 3, [upsert(new_id())]])
def test_what_is_not_an_object_is_declined(data):
    """The schema names these "_schema"; the fast path leaves them to it."""
    assert fast_load_envelope(data) is None
    assert fast_load_entry(data, TODAY) is None


def test_the_clock_is_read_when_no_day_is_given():
    """As ScanDate does: a scan of today loads without a `today`."""
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert fast_load_entry(entry(scanned_on=today)) == EntryInSchema().load(entry(scanned_on=today))
