"""When a logbook year may be handed in, and which years a sign-off locks (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .periods import Period


def opens_on(period: Period, opens_days: int) -> dt.date:
    """The first day the year can be submitted: `opens_days` before it ends."""
    return max(period.starts_on, period.ends_on - dt.timedelta(days=opens_days))


def window_open(period: Period, today: dt.date, opens_days: int) -> bool:
    """True from `opens_days` before the year ends, and at any time after."""
    return today >= opens_on(period, opens_days)


def not_open_message(period: Period, opens_days: int) -> str:
    """What the student reads instead of a submit button before the window opens."""
    day = opens_on(period, opens_days)
    return f"Year {period.number} can be submitted from {day.day} {day:%b %Y}."


def locked_year(locked: Iterable[Period], days: Iterable[dt.date | None]) -> int | None:
    """The signed-off year one of these days falls in (an entry's old or new date), if any."""
    for period in locked:
        if any(day is not None and period.contains(day) for day in days):
            return period.number
    return None


def locked_message(number: int) -> str:
    """Why a change to an entry of a signed-off year is refused, and who can undo that."""
    return f"Year {number} is signed off: ask your tutor or an admin to reopen it."
