"""Primitives every change to a logbook goes through, inside the caller's transaction.

- The owner's change counter is locked first (an UPDATE: a row lock on PostgreSQL, the
  write lock on SQLite), so seqs are handed out and committed in order and a pull never
  skips a change that commits late.
- Daily counts (per region and activity) and day totals move with each entry change, so
  progress never has to load entries.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import ChangeCounter, DailyCount, DailyTotal, Entry


class CountKey(NamedTuple):
    """Where an entry counts: its day, region and activity."""

    day: dt.date
    region: str
    activity: str


def lock_counter(owner_id: int) -> ChangeCounter:
    """Lock the owner's change counter for the rest of the transaction and return it."""
    result = db.session.execute(
        update(ChangeCounter)
        .where(ChangeCounter.owner_id == owner_id)
        .values(last_seq=ChangeCounter.last_seq)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        db.session.add(ChangeCounter(owner_id=owner_id, last_seq=0))
        db.session.flush()
    return db.session.execute(
        select(ChangeCounter)
        .where(ChangeCounter.owner_id == owner_id)
        .execution_options(populate_existing=True)
    ).scalar_one()


def take_seq(counter: ChangeCounter) -> int:
    """The owner's next seq (the counter must be locked in this transaction)."""
    counter.last_seq += 1
    return counter.last_seq


def count_key(entry: Entry | None) -> CountKey | None:
    """Where this entry counts, or None if it does not count (absent or deleted)."""
    if entry is None or entry.deleted:
        return None
    return CountKey(entry.scanned_on, entry.region, entry.activity)


def move_daily_count(owner_id: int, before: CountKey | None, after: CountKey | None) -> None:
    """Move one scan from `before` to `after` in the owner's daily counts and day totals."""
    if before == after:
        return
    if before is not None:
        _bump(DailyCount, {"owner_id": owner_id, **before._asdict()}, -1)
    if after is not None:
        _bump(DailyCount, {"owner_id": owner_id, **after._asdict()}, +1)
    before_day = before.day if before else None
    after_day = after.day if after else None
    if before_day != after_day:
        if before_day is not None:
            _bump(DailyTotal, {"owner_id": owner_id, "day": before_day}, -1)
        if after_day is not None:
            _bump(DailyTotal, {"owner_id": owner_id, "day": after_day}, +1)


def _bump(model, key: dict, delta: int) -> None:
    where = [getattr(model, column) == value for column, value in key.items()]
    result = db.session.execute(
        update(model)
        .where(*where)
        .values(count=model.count + delta)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0 and delta > 0:
        db.session.add(model(count=delta, **key))
        db.session.flush()
    elif delta < 0:
        db.session.execute(
            delete(model)
            .where(*where, model.count <= 0)
            .execution_options(synchronize_session=False)
        )
