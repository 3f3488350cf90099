"""Signed-off years are locked: the one query of which years of a logbook are."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..domain.periods import Period
from ..domain.windows import locked_message, locked_year
from ..extensions import db
from ..models import Submission


def locked_ranges(owner_id: int) -> list[Period]:
    """The owner's years whose latest submission is signed off and not reopened."""
    rows = db.session.execute(
        select(
            Submission.period,
            Submission.starts_on,
            Submission.ends_on,
            Submission.state,
            Submission.reopened_at,
        )
        .where(Submission.student_id == owner_id)
        .order_by(Submission.id)
    ).all()
    latest = {row.period: row for row in rows}
    return [
        Period(row.period, row.starts_on, row.ends_on, 0)
        for row in latest.values()
        if row.state == "signed_off" and row.reopened_at is None
    ]


def refusal(locked: list[Period], *days: dt.date | None) -> str | None:
    """The message refusing a change touching these days (old and new date), or None."""
    number = locked_year(locked, days)
    return locked_message(number) if number is not None else None
