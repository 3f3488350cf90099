"""Logbook periods: year n runs from the PgCert completion date plus n-1 years for 12 months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """One logbook year (the last one may be cut short by the registration end)."""

    number: int
    starts_on: dt.date
    ends_on: dt.date
    target: int

    def contains(self, day: dt.date) -> bool:
        """True if the day falls in the period (both ends inclusive)."""
        return self.starts_on <= day <= self.ends_on


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def logbook_periods(
    pgcert_completed_on: dt.date | None,
    registration_ends_on: dt.date | None,
    annual_target: int,
) -> list[Period]:
    """The periods from the PgCert completion to the registration end ([] without both dates).

    A period cut short by the registration end asks for a pro-rata share of the target,
    rounded up.
    """
    if pgcert_completed_on is None or registration_ends_on is None:
        return []
    periods = []
    number = 1
    start = pgcert_completed_on
    while start <= registration_ends_on:
        full_end = add_years(pgcert_completed_on, number) - ONE_DAY
        end = min(full_end, registration_ends_on)
        full_days = (full_end - start).days + 1
        days = (end - start).days + 1
        target = annual_target if days == full_days else -(-annual_target * days // full_days)
        periods.append(Period(number, start, end, target))
        number += 1
        start = add_years(pgcert_completed_on, number - 1)
    return periods


def current_period(periods: list[Period], today: dt.date) -> Period | None:
    """The period containing today, or None."""
    return next((p for p in periods if p.contains(today)), None)


def focus_period(periods: list[Period], today: dt.date) -> Period | None:
    """The period a summary is about: the current one, else the next to start, else the last."""
    if not periods:
        return None
    return (
        current_period(periods, today)
        or next((p for p in periods if p.starts_on > today), None)
        or periods[-1]
    )
