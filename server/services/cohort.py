"""The cohort overview, counted in the database: one grouped statement per 400 students.

Every student's focus-period window of DailyTotal rows (one per owner and day, however many
scans) is summed at once, the windows joined in as literal rows; entries are never loaded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, bindparam, case, func, select, text

from ..domain.cohort import CohortRow, cohort_row
from ..domain.pace import recent_window
from ..domain.periods import focus_period
from ..extensions import db
from ..models import DailyTotal, LogbookSettings, User
from . import accounts
from .progress import logbook_of, skill_fade_days

WINDOW_CHUNK = 400  # SQLite allows at most 500 terms in a compound SELECT
WINDOW_TYPES = (Integer(), Date(), Date(), Date())


def _visible_students(viewer: User):
    """Rows of id, name, email, the logbook settings and last_scanned_on of the students the
    viewer may see (accounts' one rule: all for an admin, the assigned ones for a tutor)."""
    last_scan = (
        select(func.max(DailyTotal.day)).where(DailyTotal.owner_id == User.id).scalar_subquery()
    )
    query = (
        accounts.visible_students_query(
            viewer,
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
        .order_by(User.name, User.id)
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
