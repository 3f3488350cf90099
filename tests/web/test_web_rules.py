"""Pure rules behind the web pages: cohort CSV checks, submission diffs, chart geometry."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain.cohort_csv import parse_cohort, parse_date
from server.domain.submission_diff import diff_period
from server.web.charts import progress_chart

HEADER = "name,email,role,pgcert_completed,registration_ends,tutor_email\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("A,a@example.org,student,,2028-08-31,", "A student needs a PgCert completion date."),
        ("A,a@example.org,student,2025-09-01,2024-08-31,", "Registration must end after"),
        ("A,not-an-email,tutor,,,", "is not a valid address"),
        ("A,a@example.org,boss,,,", "must be student, tutor or admin"),
        ("A,a@example.org,tutor,2025-09-01,,", "apply to students only"),
        (",a@example.org,tutor,,,", "Name is missing."),
        ("A,old@example.org,tutor,,,", "old@example.org already has an account."),
        ("A,a@example.org,student,2025-09-01,2028-08-31,t@example.org", "No tutor with the email"),
    ],
)
def test_each_bad_row_is_named_with_its_reason(line, message):
    checked = parse_cohort(HEADER + line + "\n", {"old@example.org": "student"})
    assert not checked.ok
    (row,) = checked.bad_rows
    assert row.line == 2 and any(message in e for e in row.errors), row.errors


def test_tutor_from_the_same_file_or_the_database_is_accepted():
    text = HEADER + (
        "T,t@example.org,tutor,,,\n"
        "A,A@Example.org,student,2025-09-01,2028-08-31,t@example.org\n"
        "B,b@example.org,student,01/09/2025,31/08/2028,known@example.org\n"
    )
    checked = parse_cohort(text, {"known@example.org": "tutor"})
    assert checked.ok, [r.errors for r in checked.rows]
    assert checked.rows[1].email == "a@example.org"
    assert checked.rows[2].pgcert_completed == dt.date(2025, 9, 1)


def test_duplicates_in_the_file_and_empty_files_are_refused():
    dup = parse_cohort(HEADER + "A,a@example.org,tutor,,,\nB,a@example.org,tutor,,,\n", {})
    assert "a@example.org is also on line 2." in dup.bad_rows[0].errors
    assert parse_cohort("", {}).errors == [
        "The file is empty. The first line must name the columns."
    ]
    assert parse_cohort(HEADER, {}).errors == ["The file has no rows under its header."]


def test_dates_in_two_spellings():
    assert parse_date("2026-03-14") == parse_date("14/03/2026") == dt.date(2026, 3, 14)
    assert parse_date(" ") is None
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("14 March")


def test_diff_names_changed_fields_deleted_and_added_entries():
    submitted = {
        "a": (1, {"region": "knee", "notes": ""}),
        "b": (2, {"region": "hip_groin"}),
        "c": (1, {"region": "elbow"}),
    }
    current = {
        "a": (2, {"region": "knee", "notes": "Effusion"}),
        "c": (1, {"region": "elbow"}),
        "d": (1, {"region": "knee"}),
    }
    changes = {c.entry_id: c for c in diff_period(submitted, current)}
    assert changes["a"].kind == "changed" and changes["a"].fields == [("notes", "", "Effusion")]
    assert changes["b"].kind == "deleted" and changes["d"].kind == "added"
    assert "c" not in changes
    # A new version with the same fields (saved again unchanged) is no change.
    assert diff_period({"x": (1, {"region": "knee"})}, {"x": (3, {"region": "knee"})}) == []


def test_chart_runs_from_zero_to_the_target_and_marks_today():
    start, end = dt.date(2026, 9, 1), dt.date(2027, 8, 31)
    chart = progress_chart(start, end, 300, [(dt.date(2026, 9, 2), 3)], dt.date(2026, 12, 1), 250)
    x0, y0, x1, y1 = chart.target
    assert (x0, y0) == (48, chart.baseline) and y1 < y0 and x1 > x0
    assert chart.today_x is not None and chart.projection is not None
    assert chart.actual.split()[-1].startswith(str(chart.today_x))
    past = progress_chart(start, end, 300, [], dt.date(2028, 1, 1), None)
    assert past.today_x is None and past.projection is None
