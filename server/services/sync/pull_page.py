"""Sync pull: a logbook's changes (entries and comments) after a cursor, in seq order."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from sqlalchemy import select
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


def pull(owner_id: int, since: int, limit: int) -> PullPage:
    """The owner's changes (entries and comments) with seq > since, in seq order."""
    # Read the high-water mark first: every seq up to it has committed (seqs commit in order),
    # so two separate queries cannot see a later change without an earlier one.
    high = (
        db.session.scalar(select(ChangeCounter.last_seq).where(ChangeCounter.owner_id == owner_id))
        or 0
    )
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
