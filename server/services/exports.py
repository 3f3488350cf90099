"""What a logbook export holds: the student, each year's figures, entries and sign-off.

Gathered once as dataclasses; the renderers (exports/pdf.py, exports/tabular.py) only lay
them out. The figures come from the same progress report as the pages, so a PDF never says
something the student page does not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..domain.pace import recent_window
from ..domain.periods import Period
from ..domain.progress import Key, PeriodReport, progress_report
from ..extensions import db
from ..models import DailyCount, Entry, Submission, User
from . import accounts, admin, progress, sampling, submissions
from .record_search import live_entries

FORMATS = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class SignOff:
    """A year's latest submission and its decision, as the cover prints it."""

    state: str
    state_label: str
    submitted_at: dt.datetime
    submitted_by: str
    decided_at: dt.datetime | None
    decided_by: str
    comment: str
    statement: str  # the student's statement when submitting (required below target)
    sample: str | None  # "30 sampled, 29 checked, 1 queried, resolved"; None without one


@dataclass(frozen=True)
class YearRecord:
    """One logbook year: its report, every live entry (oldest first) and the sign-off."""

    report: PeriodReport
    entries: list[Entry]
    by_side: dict[str, int]
    sign_off: SignOff | None


@dataclass(frozen=True)
class LogbookExport:
    """A student's logbook as a document: one year, or every year."""

    name: str
    email: str
    pgcert_completed_on: dt.date | None
    registration_ends_on: dt.date | None
    tutors: list[str]
    years: list[YearRecord]
    made_on: dt.date
    whole: bool  # every year (else the one asked for)


@dataclass(frozen=True)
class CohortYearRow:
    """One student's year for the exam board: figures, pace and sign-off."""

    name: str
    email: str
    report: PeriodReport
    sign_off: SignOff | None


def _people(ids: set[int | None]) -> dict[int, str]:
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _sign_offs(rows: list[Submission]) -> dict[tuple[int, int], SignOff]:
    """The latest submission per (student, period), with the names of who acted."""
    latest: dict[tuple[int, int], Submission] = {}
    for row in sorted(rows, key=lambda r: r.id):
        latest[(row.student_id, row.period)] = row
    names = _people(
        {r.submitted_by_id for r in latest.values()} | {r.decided_by_id for r in latest.values()}
    )
    return {
        key: SignOff(
            state=r.state,
            state_label=submissions.STATE_LABELS.get(r.state, r.state),
            submitted_at=r.submitted_at,
            submitted_by=names.get(r.submitted_by_id, ""),
            decided_at=r.decided_at,
            decided_by=names.get(r.decided_by_id, ""),
            comment=r.decision_comment or "",
            statement=r.statement or "",
            sample=sampling.sample_summary(r),
        )
        for key, r in latest.items()
    }


def logbook_export(student: User, period: int | None, today: dt.date) -> LogbookExport | None:
    """The student's logbook year `period` (or every year when None); None if no such year."""
    report = progress.student_progress(student, today)
    years = [p for p in report.periods if period is None or p.number == period]
    if period is not None and not years:
        return None
    rows = db.session.scalars(select(Submission).where(Submission.student_id == student.id))
    signed = _sign_offs(list(rows))
    records = []
    for year in years:
        entries = list(
            db.session.scalars(
                select(Entry)
                .where(*live_entries(student.id, year.starts_on, year.ends_on))
                .order_by(Entry.scanned_on, Entry.created_at, Entry.id)
            )
        )
        by_side = dict(Counter(e.side for e in entries))
        records.append(YearRecord(year, entries, by_side, signed.get((student.id, year.number))))
    settings = student.logbook
    return LogbookExport(
        name=student.name,
        email=student.email,
        pgcert_completed_on=settings.pgcert_completed_on if settings else None,
        registration_ends_on=settings.registration_ends_on if settings else None,
        tutors=[t.name for t in admin.tutors_of(student)],
        years=records,
        made_on=today,
        whole=period is None,
    )


def cohort_export(viewer: User, today: dt.date) -> list[CohortYearRow]:
    """One row per student per logbook year, for the students the viewer may see."""
    students = db.session.scalars(
        accounts.visible_students_query(viewer, User)
        .options(selectinload(User.logbook))
        .order_by(User.name, User.id)
    ).all()
    ids = [s.id for s in students]
    rows = (
        db.session.scalars(select(Submission).where(Submission.student_id.in_(ids))) if ids else []
    )
    signed = _sign_offs(list(rows))
    out = []
    for student in students:
        logbook = progress.logbook_of(student.logbook)
        tally = WindowTally(student.id, _windows(logbook.periods(), today))
        report = progress_report(logbook, tally, today, progress.skill_fade_days())
        for year in report.periods:
            sign_off = signed.get((student.id, year.number))
            out.append(CohortYearRow(student.name, student.email, year, sign_off))
    return out


def _windows(periods: list[Period], today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The date ranges a progress report asks about: each year, and the current recent window."""
    out = [(p.starts_on, p.ends_on) for p in periods]
    out += [recent_window(p, today) for p in periods if p.contains(today)]
    return out


class WindowTally(progress.DailyCountTally):
    """The DailyCount tally of one student, answered from one grouped query over known windows
    (a cohort of 300 is 300 queries, not 2,000); other windows are asked as usual."""

    def __init__(self, owner_id: int, windows: list[tuple[dt.date, dt.date]]):
        super().__init__(owner_id)
        sums = [
            func.sum(case((DailyCount.day.between(a, b), DailyCount.count), else_=0))
            for a, b in windows
        ]
        rows = db.session.execute(
            select(DailyCount.region, DailyCount.activity, *sums)
            .where(DailyCount.owner_id == owner_id)
            .group_by(DailyCount.region, DailyCount.activity)
        ).all()
        self._known = {
            window: {(r[0], r[1]): int(r[2 + i] or 0) for r in rows if r[2 + i]}
            for i, window in enumerate(windows)
        }

    def between(self, start: dt.date, end: dt.date) -> Mapping[Key, int]:
        """Scans per (region, activity) from start to end, both inclusive."""
        known = self._known.get((start, end))
        return known if known is not None else super().between(start, end)


def file_name(name: str, period: int | None, extension: str) -> str:
    """scanlog-<name>-year-1.pdf (ASCII letters, digits and dashes only)."""
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name.lower())
    slug = "-".join(part for part in slug.split("-") if part) or "student"
    return f"scanlog-{slug}-{'year-' + str(period) if period else 'logbook'}.{extension}"
