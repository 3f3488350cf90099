"""A student's logbook: its settings, periods, progress report and pages of entries.

The report never loads entries: it sums DailyCount rows per period (by region and activity).
`periods_of` is the one way from a student's settings to their periods. The cohort overview
is in services/cohort.py. Used by the API and the tutor pages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from ..domain.periods import Period
from ..domain.progress import Key, Logbook, ProgressReport, progress_report
from ..extensions import db
from ..models import DailyCount, DailyTotal, Entry, LogbookSettings, User
from .record_search import live_entries

ENTRIES_PER_PAGE = 50


class DailyCountTally:
    """The domain's Tally over one owner's DailyCount rows."""

    def __init__(self, owner_id: int):
        self.owner_id = owner_id

    def between(self, start: dt.date, end: dt.date) -> Mapping[Key, int]:
        """Scans per (region, activity) from start to end, both inclusive."""
        rows = db.session.execute(
            select(DailyCount.region, DailyCount.activity, func.sum(DailyCount.count))
            .where(DailyCount.owner_id == self.owner_id, DailyCount.day.between(start, end))
            .group_by(DailyCount.region, DailyCount.activity)
        )
        return {(region, activity): int(n) for region, activity, n in rows}

    def total(self) -> int:
        """All the owner's scans."""
        where = DailyTotal.owner_id == self.owner_id
        return int(db.session.scalar(select(func.sum(DailyTotal.count)).where(where)) or 0)

    def last_scanned_on(self) -> dt.date | None:
        """The owner's latest scan date, or None."""
        where = DailyTotal.owner_id == self.owner_id
        return db.session.scalar(select(func.max(DailyTotal.day)).where(where))


def skill_fade_days() -> int:
    """The gap in days that turns the skill-fade warning on (config SKILL_FADE_DAYS)."""
    return current_app.config["SKILL_FADE_DAYS"]


def logbook_of(settings: LogbookSettings | None) -> Logbook:
    """The domain's view of a student's logbook settings (no dates when there are none).

    `settings` may also be a query row with the same four columns (the cohort's).
    """
    if settings is None:
        return Logbook(None, None)
    return Logbook(
        settings.pgcert_completed_on,
        settings.registration_ends_on,
        settings.annual_target,
        settings.region_minimum,
    )


def periods_of(student: User) -> list[Period]:
    """The student's logbook years ([] without both dates): the one source of periods."""
    return logbook_of(student.logbook).periods()


def period_of(student: User, number: int) -> Period | None:
    """The student's logbook year `number`, or None if there is no such year."""
    return next((p for p in periods_of(student) if p.number == number), None)


def student_progress(student: User, today: dt.date) -> ProgressReport:
    """The progress report of one student on `today` (see domain.progress)."""
    return progress_report(
        logbook_of(student.logbook), DailyCountTally(student.id), today, skill_fade_days()
    )


@dataclass(frozen=True)
class EntryPage:
    """One page of a student's entries, newest first."""

    entries: list[Entry]
    page: int
    pages: int
    total: int


def student_entries(student: User, period: int | None, page: int) -> EntryPage | None:
    """A page (50, newest first) of the student's live entries, in one period if given.

    None when the period does not exist in the student's logbook.
    """
    starts_on = ends_on = None
    if period is not None:
        chosen = period_of(student, period)
        if chosen is None:
            return None
        starts_on, ends_on = chosen.starts_on, chosen.ends_on
    where = live_entries(student.id, starts_on, ends_on)
    total = db.session.scalar(select(func.count()).select_from(Entry).where(*where)) or 0
    entries = db.session.scalars(
        select(Entry)
        .where(*where)
        .order_by(Entry.scanned_on.desc(), Entry.created_at.desc(), Entry.id.desc())
        .limit(ENTRIES_PER_PAGE)
        .offset((page - 1) * ENTRIES_PER_PAGE)
    ).all()
    return EntryPage(entries, page, max(1, math.ceil(total / ENTRIES_PER_PAGE)), total)
