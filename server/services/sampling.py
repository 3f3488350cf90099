"""The sample of a submitted year: drawn once and stored; the tutor checks or queries each.

A query is also a tutor comment on the entry ("Query: ..."), so it reaches the student's
phone through pull like any feedback; the student answers by fixing the entry, and a query
counts as resolved once the entry has a newer version than the one queried.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..domain import sampling
from ..extensions import db
from ..models import Entry, SampleEntry, Submission, User, utcnow
from . import accounts
from .sync.comments import add_comment
from .wrapped import Wraps

QUERY_PREFIX = "Query: "


class NotSampled(ValueError):
    """The entry is not in a sample waiting for checks; the message says why."""


@dataclass(frozen=True)
class Check:
    """The tutor's verdict on one sampled entry."""

    result: str
    comment: str
    checked_at: dt.datetime


@dataclass
class SampledEntry(Wraps):
    """An entry of the sample with its check (None until the tutor looks at it)."""

    entry: Entry
    check: Check | None

    WRAPPED = "entry"


def draw_for(submission: Submission, entry_ids: list[str]) -> int:
    """Draw and store the submission's sample (config SAMPLE_SIZE / SAMPLE_PERCENT). Flushes."""
    config = current_app.config
    size = sampling.sample_size(len(entry_ids), config["SAMPLE_SIZE"], config["SAMPLE_PERCENT"])
    seed = f"{submission.student_id}:{submission.period}:{submission.id}"
    db.session.add_all(
        SampleEntry(submission_id=submission.id, entry_id=entry_id, position=n)
        for n, entry_id in enumerate(sampling.draw(entry_ids, size, seed))
    )
    db.session.flush()
    return size


def _rows(submission_id: int):
    return db.session.execute(
        select(SampleEntry, Entry)
        .join(Entry, Entry.id == SampleEntry.entry_id)
        .where(SampleEntry.submission_id == submission_id)
        .order_by(SampleEntry.position)
    ).all()


def sample_of(submission: Submission) -> list[SampledEntry]:
    """The stored sample of a submission, in the order it was drawn."""
    return [
        SampledEntry(entry, Check(row.result, row.comment, row.checked_at) if row.result else None)
        for row, entry in _rows(submission.id)
    ]


def counts(submission: Submission) -> sampling.SampleCounts:
    """Sampled, checked, queried and resolved queries of a submission's sample."""
    rows = _rows(submission.id)
    queried = [(row, entry) for row, entry in rows if row.result == "query"]
    resolved = sum(
        1 for row, entry in queried if entry.deleted or entry.version > (row.queried_version or 0)
    )
    checked = sum(1 for row, _ in rows if row.result == "checked")
    return sampling.SampleCounts(len(rows), checked, len(queried), resolved)


def sample_summary(submission: Submission) -> str | None:
    """The sample summary ("30 sampled, 29 checked, ..."), or None for a year without one."""
    found = counts(submission)
    return sampling.summary(found) if found.size else None


def check(viewer: User, entry_id: str, result: str, comment: str) -> tuple[SampleEntry, bool]:
    """Mark a sampled entry checked or queried; True when it had no check before. Flushes.

    None of it for someone who may not see the entry (LookupError: the view answers 404);
    NotSampled when the entry is in no sample waiting for sign-off (409).
    """
    entry = db.session.get(Entry, entry_id)
    if entry is None or not accounts.may_comment(viewer, entry.owner_id):
        raise LookupError(entry_id)
    row = db.session.scalar(
        select(SampleEntry)
        .join(Submission, Submission.id == SampleEntry.submission_id)
        .where(SampleEntry.entry_id == entry_id, Submission.state == "submitted")
        .order_by(Submission.id.desc())
        .limit(1)
    )
    if row is None:
        raise NotSampled("This entry is not in a sample waiting for sign-off.")
    first = row.result is None
    row.result, row.comment = result, comment
    row.checked_at, row.checked_by_id = utcnow(), viewer.id
    if result == "query":
        row.queried_version = entry.version
        feedback = add_comment(viewer, entry_id, QUERY_PREFIX + comment)  # None if deleted
        row.comment_id = feedback.id if feedback is not None else None
    db.session.flush()
    return row, first
