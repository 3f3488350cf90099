"""Primitives every change to a logbook goes through, inside the caller's transaction.

- The owner's change counter is locked first (an UPDATE: a row lock on PostgreSQL, the
  write lock on SQLite), so seqs are handed out and committed in order and a pull never
  skips a change that commits late.
- Daily counts (per region and activity) and day totals move with each entry change, so
  progress never has to load entries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

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
    move_daily_counts(owner_id, [(before, after)])


def move_daily_counts(
    owner_id: int, moves: Iterable[tuple[CountKey | None, CountKey | None]]
) -> None:
    """Move many scans at once (a push batch): the moves are netted, then each table gets one
    multi-row upsert (and a DELETE of emptied rows if anything went down), however many moves."""
    by_key: Counter[tuple] = Counter()
    by_day: Counter[tuple] = Counter()
    for before, after in moves:
        if before == after:
            continue
        for key, delta in ((before, -1), (after, +1)):
            if key is not None:
                by_key[tuple(key)] += delta
                by_day[(key.day,)] += delta
    _apply_deltas(DailyCount, owner_id, ("day", "region", "activity"), by_key)
    _apply_deltas(DailyTotal, owner_id, ("day",), by_day)


def _apply_deltas(model, owner_id: int, columns: tuple[str, ...], deltas: Counter) -> None:
    rows = [
        {"owner_id": owner_id, "count": delta, **dict(zip(columns, key, strict=True))}
        for key, delta in deltas.items()
        if delta
    ]
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    upsert, delete_emptied = _statements(model.__table__, columns, dialect)
    conn = db.session.connection()  # Core statements: no ORM layer per call
    conn.execute(upsert, rows)
    if any(row["count"] < 0 for row in rows):
        conn.execute(delete_emptied, {"owner_id": owner_id})


_STATEMENTS: dict[tuple[str, str], tuple] = {}


def _statements(table, columns: tuple[str, ...], dialect: str) -> tuple:
    """The table's count upsert and its DELETE of emptied rows, built once per dialect (building
    an ON CONFLICT construct costs more than running it on a batch's hundred rows)."""
    key = (table.name, dialect)
    if key not in _STATEMENTS:
        # INSERT ... ON CONFLICT DO UPDATE: SQLite and PostgreSQL both have it, so every key is
        # one row of one multi-row statement, whether it exists yet or not.
        insert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
        _STATEMENTS[key] = (
            insert.on_conflict_do_update(
                index_elements=[table.c.owner_id, *(table.c[c] for c in columns)],
                set_={"count": table.c.count + insert.excluded.count},
            ),
            delete(table).where(table.c.owner_id == bindparam("owner_id"), table.c.count <= 0),
        )
    return _STATEMENTS[key]
