"""The record of learning as tutors read it: one period's entries, searched, filtered, paged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Comment, DailyCount, Entry

PAGE_SIZE = 25
TEXT_FIELDS = ("clinical_question", "technical_issues", "findings", "pathway_role", "notes")


@dataclass
class RecordFilters:
    """What the reader asked for: a text search and vocabulary filters."""

    q: str = ""
    region: str = ""
    activity: str = ""
    supervision: str = ""
    critical: bool = False


@dataclass
class RecordPage:
    """One page of entries, with the number of comments on each."""

    entries: list[Entry]
    comments: dict[str, int]
    page: int
    pages: int
    total: int


def live_entries(owner_id: int, starts_on: dt.date | None = None, ends_on: dt.date | None = None):
    """The conditions for an owner's live entries, scanned from starts_on to ends_on if given."""
    where = [Entry.owner_id == owner_id, Entry.deleted.is_(False)]
    if starts_on is not None:
        where.append(Entry.scanned_on.between(starts_on, ends_on))
    return where


def search(
    owner_id: int, starts_on: dt.date, ends_on: dt.date, filters: RecordFilters, page: int = 1
) -> RecordPage:
    """Live entries of the period matching the filters, newest scan first."""
    where = live_entries(owner_id, starts_on, ends_on)
    for name in ("region", "activity", "supervision"):
        if getattr(filters, name):
            where.append(getattr(Entry, name) == getattr(filters, name))
    if filters.critical:
        where.append(Entry.critical_incident.is_(True))
    if filters.q.strip():
        like = f"%{filters.q.strip().lower()}%"
        where.append(or_(*(func.lower(getattr(Entry, f)).like(like) for f in TEXT_FIELDS)))
    total = db.session.scalar(select(func.count()).select_from(Entry).where(*where))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    entries = list(
        db.session.scalars(
            select(Entry)
            .where(*where)
            .order_by(Entry.scanned_on.desc(), Entry.created_at.desc(), Entry.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return RecordPage(entries, comment_counts([e.id for e in entries]), page, pages, total)


def comment_counts(entry_ids: list[str]) -> dict[str, int]:
    """Live comments per entry."""
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(Comment.entry_id, func.count())
        .where(Comment.entry_id.in_(entry_ids), Comment.deleted.is_(False))
        .group_by(Comment.entry_id)
    )
    return dict(rows.tuples().all())


def comments_on(entry_id: str) -> list[Comment]:
    """The live comments on an entry, oldest first."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.entry_id == entry_id, Comment.deleted.is_(False))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def daily_totals(owner_id: int, starts_on: dt.date, ends_on: dt.date) -> list[tuple[dt.date, int]]:
    """Scans per day in the period (days with scans only), from the daily counts."""
    rows = db.session.execute(
        select(DailyCount.day, func.sum(DailyCount.count))
        .where(
            DailyCount.owner_id == owner_id,
            DailyCount.day >= starts_on,
            DailyCount.day <= ends_on,
        )
        .group_by(DailyCount.day)
        .order_by(DailyCount.day)
    )
    return [(day, int(n)) for day, n in rows.tuples()]
