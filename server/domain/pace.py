"""Pace of a logbook period: status, projected count and scans a week still needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .periods import Period

RECENT_WINDOW_DAYS = 56  # the recent weekly rate is taken over the last 8 weeks
STATUSES = ("upcoming", "on_track", "at_risk", "met", "missed")


@dataclass(frozen=True)
class Pace:
    """Where a period stands on a day; projection and need are set for the current period."""

    status: str
    projected_count: int | None
    needed_per_week: int | None


def recent_window(period: Period, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose scans set the recent rate: the last 8 weeks, or since the period began."""
    start = max(period.starts_on, today - dt.timedelta(days=RECENT_WINDOW_DAYS - 1))
    return start, today


def period_pace(period: Period, count: int, window_count: int, today: dt.date) -> Pace:
    """The pace of a period with `count` scans, `window_count` of them in its recent window."""
    if today < period.starts_on:
        return Pace("upcoming", None, None)
    if today > period.ends_on:
        return Pace("met" if count >= period.target else "missed", None, None)
    window_start, _ = recent_window(period, today)
    window_days = (today - window_start).days + 1
    days_after = (period.ends_on - today).days
    # Integer round-half-up, so the phone (JavaScript) gives exactly the same figure.
    projected = count + (2 * window_count * days_after + window_days) // (2 * window_days)
    remaining = max(0, period.target - count)
    needed = -(-remaining * 7 // (days_after + 1))  # today still counts as a day to scan
    if count >= period.target:
        status = "met"
    elif projected >= period.target:
        status = "on_track"
    else:
        status = "at_risk"
    return Pace(status, projected, needed)


def days_since(last_scanned_on: dt.date | None, today: dt.date) -> int | None:
    """Whole days since the last scan (0 for today or a later date), None without scans."""
    if last_scanned_on is None:
        return None
    return max(0, (today - last_scanned_on).days)


@dataclass(frozen=True)
class SkillFade:
    """The skill-fade warning and the gap (in days) that turns it on."""

    threshold_days: int
    warning: bool


def skill_fade(days: int | None, threshold_days: int) -> SkillFade:
    """The skill-fade warning: on once the gap since the last scan reaches the threshold."""
    return SkillFade(threshold_days, days is not None and days >= threshold_days)
