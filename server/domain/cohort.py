"""The cohort overview's rows: each student's focus period, pace and gap (pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .pace import days_since, period_pace, skill_fade
from .periods import Period
from .progress import NO_DATES_MESSAGE


@dataclass(frozen=True)
class CohortRow:
    """One student of the cohort overview, with the figures of their focus period.

    `period` is the year the figures are about (the current one, else the next to start,
    else the last); the period fields stay None, with a message, without logbook dates.
    """

    id: int
    name: str
    email: str
    target: int | None
    last_scanned_on: dt.date | None
    days_since_last_scan: int | None
    skill_fade_warning: bool
    current_period: int | None = None
    period: int | None = None
    count: int | None = None
    status: str | None = None
    projected_count: int | None = None
    needed_per_week: int | None = None
    message: str | None = NO_DATES_MESSAGE


def cohort_row(
    student, period: Period | None, counts: tuple[int, int], today: dt.date, skill_fade_days: int
) -> CohortRow:
    """A student's overview row from their focus period and its (period, recent) counts.

    `student` carries id, name, email, annual_target and last_scanned_on.
    """
    since = days_since(student.last_scanned_on, today)
    row = CohortRow(
        id=student.id,
        name=student.name,
        email=student.email,
        target=student.annual_target,
        last_scanned_on=student.last_scanned_on,
        days_since_last_scan=since,
        skill_fade_warning=skill_fade(since, skill_fade_days).warning,
    )
    if period is None:
        return row
    pace = period_pace(period, counts[0], counts[1], today)
    return replace(
        row,
        current_period=period.number if period.contains(today) else None,
        period=period.number,
        count=counts[0],
        target=period.target,
        status=pace.status,
        projected_count=pace.projected_count,
        needed_per_week=pace.needed_per_week,
        message=None,
    )
