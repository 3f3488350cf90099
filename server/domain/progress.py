"""A logbook's progress report, as dataclasses with dates (schemas dump them for the API).

The report asks a `Tally` for counts, so the server can answer from its daily counts in the
database and tests can answer from a list of entries; the rules are the same either way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .pace import SkillFade, days_since, period_pace, recent_window, skill_fade
from .periods import Period, current_period, logbook_periods
from .vocabulary import REGIONS

DEFAULT_REGIONS = tuple(code for code, _label in REGIONS)
NO_DATES_MESSAGE = (
    "The logbook dates (PgCert completion and registration end) are not set yet. "
    "The programme administrator can add them."
)
Key = tuple[str, str]  # (region, activity)


class Tally(Protocol):
    """Counts of a logbook's non-deleted scans."""

    def between(self, start: dt.date, end: dt.date) -> Mapping[Key, int]:
        """Scans per (region, activity) dated from start to end, both inclusive."""

    def total(self) -> int:
        """All scans."""

    def last_scanned_on(self) -> dt.date | None:
        """The latest scan date, or None."""


@dataclass(frozen=True)
class Logbook:
    """A student's logbook settings."""

    pgcert_completed_on: dt.date | None
    registration_ends_on: dt.date | None
    annual_target: int = 300
    region_minimum: int | None = None

    def periods(self) -> list[Period]:
        """The logbook's periods ([] without both dates)."""
        return logbook_periods(
            self.pgcert_completed_on, self.registration_ends_on, self.annual_target
        )


class EntryTally:
    """A Tally over (scanned_on, region, activity, deleted) records held in memory."""

    def __init__(self, entries: Iterable[tuple[dt.date, str, str, bool]]):
        self._days = Counter((d, r, a) for d, r, a, deleted in entries if not deleted)

    def between(self, start: dt.date, end: dt.date) -> Mapping[Key, int]:
        """Scans per (region, activity) from start to end, both inclusive."""
        out: Counter = Counter()
        for (day, region, activity), n in self._days.items():
            if start <= day <= end:
                out[(region, activity)] += n
        return out

    def total(self) -> int:
        """All scans."""
        return sum(self._days.values())

    def last_scanned_on(self) -> dt.date | None:
        """The latest scan date, or None."""
        return max((d for d, _, _ in self._days), default=None)


def _by(counts: Mapping[Key, int], index: int) -> dict[str, int]:
    out: Counter = Counter()
    for key, n in counts.items():
        if n:
            out[key[index]] += n
    return dict(out)


def region_shortfalls(
    by_region: Mapping[str, int], minimum: int | None, regions: Iterable[str] = DEFAULT_REGIONS
) -> dict[str, int] | None:
    """Scans still missing per region for the breadth rule (None when the rule is off)."""
    if minimum is None:
        return None
    return {r: minimum - by_region.get(r, 0) for r in regions if by_region.get(r, 0) < minimum}


@dataclass(frozen=True)
class PeriodReport:
    """One period's figures on a day: counts, pace and breadth."""

    number: int
    starts_on: dt.date
    ends_on: dt.date
    target: int
    count: int
    status: str
    projected_count: int | None
    needed_per_week: int | None
    by_region: dict[str, int]
    by_activity: dict[str, int]
    region_shortfalls: dict[str, int] | None


@dataclass(frozen=True)
class ProgressReport:
    """A logbook's progress on a day (no periods, and a message, without its dates)."""

    annual_target: int
    total: int
    last_scanned_on: dt.date | None
    days_since_last_scan: int | None
    current_period: int | None
    skill_fade: SkillFade
    region_minimum: int | None
    message: str | None
    periods: tuple[PeriodReport, ...]


def period_report(period: Period, tally: Tally, today: dt.date, logbook: Logbook) -> PeriodReport:
    """One period's entry of the report: counts, pace and breadth."""
    counts = tally.between(period.starts_on, period.ends_on)
    count = sum(counts.values())
    window_count = 0
    if period.contains(today):
        window_count = sum(tally.between(*recent_window(period, today)).values())
    pace = period_pace(period, count, window_count, today)
    by_region = _by(counts, 0)
    return PeriodReport(
        number=period.number,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        target=period.target,
        count=count,
        status=pace.status,
        projected_count=pace.projected_count,
        needed_per_week=pace.needed_per_week,
        by_region=by_region,
        by_activity=_by(counts, 1),
        region_shortfalls=region_shortfalls(by_region, logbook.region_minimum),
    )


def progress_report(
    logbook: Logbook, tally: Tally, today: dt.date, skill_fade_days: int
) -> ProgressReport:
    """The progress report of a logbook on `today` (without dates: no periods and a message)."""
    last = tally.last_scanned_on()
    since = days_since(last, today)
    periods = logbook.periods()
    current = current_period(periods, today)
    return ProgressReport(
        annual_target=logbook.annual_target,
        total=tally.total(),
        last_scanned_on=last,
        days_since_last_scan=since,
        current_period=current.number if current else None,
        skill_fade=skill_fade(since, skill_fade_days),
        region_minimum=logbook.region_minimum,
        message=None if periods else NO_DATES_MESSAGE,
        periods=tuple(period_report(p, tally, today, logbook) for p in periods),
    )
