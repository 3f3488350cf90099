"""How sign-off shows: each year's submission beside its progress, and the tutor's queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from ..domain import windows
from ..domain.cohort import CohortRow
from ..domain.progress import PeriodReport, ProgressReport
from ..domain.sampling import SampleCounts
from ..models import Submission, User
from . import sampling, submissions
from .progress import student_progress
from .wrapped import Wraps


@dataclass(frozen=True)
class PeriodSubmission:
    """A year's latest hand-in as the student and tutor see it."""

    status: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    comment: str
    statement: str
    sample: SampleCounts
    row: Submission


@dataclass(frozen=True)
class PeriodWithSubmission(Wraps):
    """A progress period with its submission (None while open) and window."""

    period: PeriodReport
    submission: PeriodSubmission | None
    submission_opens_on: dt.date

    WRAPPED = "period"


def period_submission(row: Submission | None) -> PeriodSubmission | None:
    """The state of a year from its latest submission (None while it is open)."""
    status = submissions.state_of(row)
    if row is None or status == "open":
        return None
    return PeriodSubmission(
        status=status,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
        comment=row.decision_comment or "",
        statement=row.statement or "",
        sample=sampling.counts(row),
        row=row,
    )


def progress_with_submissions(student: User, today: dt.date) -> ProgressReport:
    """The student's progress report, each period with its submission and window."""
    report = student_progress(student, today)
    latest = submissions.latest_by_period(student.id)
    days = submissions.opens_days()
    periods = tuple(
        PeriodWithSubmission(p, period_submission(latest.get(p.number)), windows.opens_on(p, days))
        for p in report.periods
    )
    return dataclasses.replace(report, periods=periods)


@dataclass(frozen=True)
class QueuedRow(Wraps):
    """A cohort row with the periods waiting for the viewer's sign-off."""

    row: CohortRow
    awaiting_signoff: list[int]

    WRAPPED = "row"


def with_queue(rows: list[CohortRow]) -> list[QueuedRow]:
    """Cohort rows with `awaiting_signoff`: periods submitted and not yet decided."""
    waiting = submissions.awaiting([r.id for r in rows])
    return [QueuedRow(r, waiting.get(r.id, [])) for r in rows]
