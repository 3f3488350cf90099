"""Progress of students' logbooks, counted in the database from the daily counts.

Never loads entries: a student's report sums DailyCount rows per period (by region and
activity); the cohort overview sums every student's current-period window of DailyTotal rows
(one per owner and day, however many scans) in one grouped statement per 400 students.
Used by the API and the tutor pages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Date, Integer, bindparam, case, func, select, text

from ..domain.pace import recent_window
from ..domain.periods import Period, focus_period
from ..domain.progress import (
    CohortRow,
    Key,
    Logbook,
    ProgressReport,
    cohort_row,
    progress_report,
)
from ..extensions import db
from ..models import DailyCount, DailyTotal, Entry, LogbookSettings, TutorAssignment, User
from .record_search import live_entries

ENTRIES_PER_PAGE = 50
WINDOW_CHUNK = 400  # SQLite allows at most 500 terms in a compound SELECT
WINDOW_TYPES = (Integer(), Date(), Date(), Date())


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


def new_logbook(
    pgcert_completed_on: dt.date | None,
    registration_ends_on: dt.date | None,
    annual_target: int,
) -> LogbookSettings:
    """A new student's logbook settings, with the breadth minimum from config REGION_MINIMUM."""
    return LogbookSettings(
        pgcert_completed_on=pgcert_completed_on,
        registration_ends_on=registration_ends_on,
        annual_target=annual_target,
        region_minimum=current_app.config.get("REGION_MINIMUM"),
    )


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


def _visible_students(viewer: User):
    """Rows of id, name, email, the logbook settings and last_scanned_on of the students the
    viewer may see: all for an admin, the assigned ones for a tutor."""
    last_scan = (
        select(func.max(DailyTotal.day)).where(DailyTotal.owner_id == User.id).scalar_subquery()
    )
    query = (
        select(
            User.id,
            User.name,
            User.email,
            LogbookSettings.pgcert_completed_on,
            LogbookSettings.registration_ends_on,
            LogbookSettings.annual_target,
            LogbookSettings.region_minimum,
            last_scan.label("last_scanned_on"),
        )
        .outerjoin(LogbookSettings, LogbookSettings.student_id == User.id)
        .where(User.role == "student")
        .order_by(User.name, User.id)
    )
    if viewer.role != "admin":
        query = query.join(TutorAssignment, TutorAssignment.student_id == User.id).where(
            TutorAssignment.tutor_id == viewer.id
        )
    return db.session.execute(query).all()


def _windows_subquery(windows: list[tuple[int, dt.date, dt.date, dt.date]]):
    """The windows as a derived table of literal rows (text: cheap to build for 400 rows)."""
    parts, binds = [], []
    for n, row in enumerate(windows):
        names = [f"{prefix}{n}" for prefix in "oser"]
        # Only generated placeholder names go into the SQL; every value is a bound parameter.
        parts.append(
            "SELECT :{} AS owner_id, :{} AS starts_on, :{} AS ends_on, :{} AS recent_on".format(
                *names
            )
        )
        binds += [
            bindparam(k, v, type_=t) for k, v, t in zip(names, row, WINDOW_TYPES, strict=True)
        ]
    return (
        text(" UNION ALL ".join(parts))
        .bindparams(*binds)
        .columns(owner_id=Integer, starts_on=Date, ends_on=Date, recent_on=Date)
        .subquery("w")
    )


def _window_counts(windows: list[tuple[int, dt.date, dt.date, dt.date]], today: dt.date) -> dict:
    """{owner: (count in period, count in recent window)} for (owner, start, end, recent) rows.

    One grouped statement per chunk of students: the windows are joined in as literal rows,
    so each student's days are read through the (owner_id, day) primary key, once.
    """
    out: dict[int, tuple[int, int]] = {}
    for i in range(0, len(windows), WINDOW_CHUNK):
        w = _windows_subquery(windows[i : i + WINDOW_CHUNK])
        in_recent = DailyTotal.day.between(w.c.recent_on, today)  # not scans dated ahead
        recent = case((in_recent, DailyTotal.count), else_=0)
        query = (
            select(w.c.owner_id, func.sum(DailyTotal.count), func.sum(recent))
            .join_from(
                w,
                DailyTotal,
                (DailyTotal.owner_id == w.c.owner_id)
                & DailyTotal.day.between(w.c.starts_on, w.c.ends_on),
            )
            .group_by(w.c.owner_id)
        )
        out.update({owner: (int(n), int(r or 0)) for owner, n, r in db.session.execute(query)})
    return out


def cohort_rows(viewer: User, today: dt.date) -> list[CohortRow]:
    """The overview rows of the students the viewer may see, ordered by name."""
    students = _visible_students(viewer)
    focus, windows = {}, []
    for s in students:
        period = focus_period(logbook_of(s).periods(), today)
        if period is not None:
            focus[s.id] = period
            recent_start = recent_window(period, today)[0] if period.contains(today) else today
            windows.append((s.id, period.starts_on, period.ends_on, recent_start))
    counts = _window_counts(windows, today)
    fade = skill_fade_days()
    return [cohort_row(s, focus.get(s.id), counts.get(s.id, (0, 0)), today, fade) for s in students]


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
