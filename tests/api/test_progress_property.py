"""Property: the database's counts (DailyCount, DailyTotal) give the same report as the entries."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from server.domain.progress import EntryTally, Logbook, progress_report
from server.extensions import db
from server.models import User
from server.services.cohort import cohort_rows
from server.services.progress import DailyCountTally
from tests.api.test_progress import add_entries, delete_entry

D = dt.date
entry = st.tuples(
    st.dates(min_value=D(2024, 12, 1), max_value=D(2028, 10, 1)),
    st.sampled_from(["knee", "shoulder", "elbow"]),
    st.sampled_from(["diagnostic", "injection"]),
    st.booleans(),  # deleted afterwards
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.lists(entry, max_size=40), today=st.dates(D(2025, 6, 1), D(2028, 12, 31)))
# Found by this test: a scan dated ahead of today once counted in the cohort's recent rate.
@example(entries=[(D(2026, 1, 1), "knee", "diagnostic", False)], today=D(2025, 6, 1))
def test_database_counts_match_the_entries(app, make_user, entries, today):
    """Whatever is added and deleted, the report and the cohort row agree with the entries."""
    pgcert, registration_end = D(2025, 2, 28), D(2028, 1, 15)
    student = make_user("student", password=None, pgcert=pgcert, registration_ends=registration_end)
    admin = make_user("admin", password=None)
    ids = add_entries(app, student, [e[:3] for e in entries])
    for entry_id, (*_, deleted) in zip(ids, entries, strict=True):
        if deleted:
            delete_entry(app, entry_id)
    logbook = Logbook(pgcert, registration_end)
    expected = progress_report(logbook, EntryTally(entries), today, 14)

    with app.app_context():
        assert progress_report(logbook, DailyCountTally(student.id), today, 14) == expected
        row = next(
            r for r in cohort_rows(db.session.get(User, admin.id), today) if r.id == student.id
        )
    focus = next((p for p in expected.periods if p.number == row.period), None)
    for key in ("count", "status", "projected_count", "needed_per_week"):
        assert getattr(row, key) == getattr(focus, key), key
    assert row.last_scanned_on == expected.last_scanned_on
