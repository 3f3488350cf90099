"""Sync pull: a logbook's changes (entries and comments) after a cursor, in seq order."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import ChangeCounter, Comment, Entry


@dataclass
class PullPage:
    """One page of changes: entries and comments with seq in (since, next]."""

    entries: list[Entry]
    comments: list[Comment]
    next: int
    has_more: bool
    reset: bool = False  # the cursor was ahead of the logbook: pull again from 0


@dataclass
class SyncStatus:
    """What a device compares with its own copy: entries not deleted, and the last seq."""

    count: int
    last_seq: int


def _last_seq(owner_id: int) -> int:
    return (
        db.session.scalar(select(ChangeCounter.last_seq).where(ChangeCounter.owner_id == owner_id))
        or 0
    )


def status(owner_id: int) -> SyncStatus:
    """The owner's logbook as a device sees it from afar: its count and its last seq."""
    count = db.session.scalar(
        select(func.count())
        .select_from(Entry)
        .where(Entry.owner_id == owner_id, Entry.deleted.is_(False))
    )
    return SyncStatus(count=count or 0, last_seq=_last_seq(owner_id))


def pull(owner_id: int, since: int, limit: int) -> PullPage:
    """The owner's changes (entries and comments) with seq > since, in seq order."""
    # Read the high-water mark first: every seq up to it has committed (seqs commit in order),
    # so two separate queries cannot see a later change without an earlier one.
    high = _last_seq(owner_id)
    if since > high:  # a cursor from before a server restore: say so, never wait forever
        return PullPage(entries=[], comments=[], next=high, has_more=False, reset=True)
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.owner_id == owner_id, Entry.seq > since, Entry.seq <= high)
        .order_by(Entry.seq)
        .limit(limit + 1)
    ).all()
    comments = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.owner_id == owner_id, Comment.seq > since, Comment.seq <= high)
        .order_by(Comment.seq)
        .limit(limit + 1)
    ).all()
    changed = list(heapq.merge(entries, comments, key=lambda row: row.seq))
    page = changed[:limit]
    return PullPage(
        entries=[row for row in page if isinstance(row, Entry)],
        comments=[row for row in page if isinstance(row, Comment)],
        next=page[-1].seq if page else since,
        has_more=len(changed) > limit,
    )
