"""Logbook periods at their edges, and a property: period counts add up to the window."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from server.domain.periods import add_years, current_period, focus_period, logbook_periods
from server.domain.progress import EntryTally, Logbook, progress_report

D = dt.date


def test_29_february_plus_a_year_is_28_february_and_leap_years_keep_29():
    """Adding years to 29 February gives 28 February, except in leap years."""
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2025, 9, 1), 2) == D(2027, 9, 1)


def test_periods_are_consecutive_and_the_last_is_cut_at_the_registration_end():
    """Each period starts the day after the previous one ends; the last ends at registration end."""
    periods = logbook_periods(D(2024, 2, 29), D(2028, 3, 15), 300)
    assert [p.number for p in periods] == [1, 2, 3, 4, 5]
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.starts_on == before.ends_on + dt.timedelta(days=1)
    assert periods[-1].starts_on == D(2028, 2, 29)
    assert periods[-1].ends_on == D(2028, 3, 15)
    assert periods[-1].target == 14  # 16 of 365 days of 300 is 13.2, rounded up
    assert all(p.target == 300 for p in periods[:-1])


def test_registration_ending_the_day_before_an_anniversary_gives_whole_years():
    """A registration ending on a period's natural end adds no extra stub period."""
    periods = logbook_periods(D(2025, 9, 1), D(2028, 8, 31), 300)
    assert [(p.starts_on, p.ends_on, p.target) for p in periods][-1] == (
        D(2027, 9, 1),
        D(2028, 8, 31),
        300,
    )
    assert len(periods) == 3


def test_no_dates_means_no_periods():
    """Without both dates there are no periods and no current period."""
    assert logbook_periods(None, D(2028, 8, 31), 300) == []
    assert logbook_periods(D(2025, 9, 1), None, 300) == []
    assert current_period([], D(2026, 1, 1)) is None
    assert focus_period([], D(2026, 1, 1)) is None


def test_focus_period_is_current_else_next_else_last():
    """Summaries talk about the current year, or the next to start, or the last one."""
    periods = logbook_periods(D(2025, 9, 1), D(2027, 8, 31), 300)
    assert focus_period(periods, D(2025, 1, 1)).number == 1
    assert focus_period(periods, D(2026, 9, 1)).number == 2
    assert focus_period(periods, D(2030, 1, 1)).number == 2


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2032, 12, 31))
entry = st.tuples(
    days,
    st.sampled_from(["knee", "shoulder", "other"]),
    st.sampled_from(["diagnostic", "injection"]),
    st.booleans(),
)


@given(
    pgcert=st.dates(min_value=D(2020, 1, 1), max_value=D(2028, 12, 31)),
    length=st.integers(min_value=1, max_value=6 * 366),
    entries=st.lists(entry, max_size=60),
    today=days,
)
def test_period_counts_add_up_to_the_entries_inside_the_registration_window(
    pgcert, length, entries, today
):
    """Every live entry between PgCert completion and registration end counts exactly once."""
    registration_end = pgcert + dt.timedelta(days=length)
    report = progress_report(Logbook(pgcert, registration_end), EntryTally(entries), today, 14)
    inside = [e for e in entries if not e[3] and pgcert <= e[0] <= registration_end]
    assert sum(p.count for p in report.periods) == len(inside)
    assert sum(sum(p.by_region.values()) for p in report.periods) == len(inside)
    assert report.total == sum(1 for e in entries if not e[3])
    assert [p.status == "upcoming" for p in report.periods] == [
        p.starts_on > today for p in report.periods
    ]
