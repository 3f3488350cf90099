"""The one writer of entries, and the primitives every change to a logbook goes through.

Every path that changes an entry (sync, the demo, the tests, an import) uses EntryWriter:
each change gets version+1 and the owner's next seq under the counter lock, and the daily
counts and day totals move in the same transaction. Nothing here commits: the caller does.

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

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import ChangeCounter, DailyCount, DailyTotal, Entry, utcnow


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


class Row(dict):
    """An entry row as a dict whose columns also read as attributes (as count_key reads)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


_ENTRIES = Entry.__table__
# What a change may alter in an existing row (everything but id, owner, created_at).
_ENTRY_CHANGES = tuple(
    c.name for c in _ENTRIES.columns if c.name not in {"id", "owner_id", "created_at"}
)
# The fields a device owns, with the defaults an entry created without them gets.
ENTRY_DEFAULTS = {
    "clinical_question": "",
    "technical_issues": "",
    "findings": "",
    "pathway_role": "",
    "notes": "",
    "critical_incident": False,
}
# Built once: building a Core construct per batch costs more than SQLAlchemy's cached compile.
_INSERT_ENTRIES = insert(_ENTRIES)
_UPDATE_ENTRY = (
    update(_ENTRIES)
    .where(_ENTRIES.c.id == bindparam("k_id"))
    .values({name: bindparam(f"v_{name}") for name in _ENTRY_CHANGES})
)
_SELECT_ENTRIES = select(_ENTRIES).where(_ENTRIES.c.id.in_(bindparam("keys", expanding=True)))


class EntryWriter:
    """Changes to one owner's entries in the caller's transaction, written at `flush()`.

    Creating it locks the owner's counter (make it the transaction's first statement). Rows
    are plain Core rows, read once and written once: a batch of 100 costs one multi-row
    INSERT, one multi-row UPDATE and one upsert per count table, not an ORM flush of 100
    objects. `rows` holds every entry read or written, whoever owns it (the caller decides
    whether another owner's entry may be touched).
    """

    def __init__(self, owner_id: int, device_id: str | None, now: dt.datetime | None = None):
        self.owner_id, self.device_id = owner_id, device_id
        self.now = now or utcnow()
        self.counter = lock_counter(owner_id)
        self.rows: dict[str, Row] = {}
        self._new: dict[str, Row] = {}
        self._changed: set[str] = set()
        self._moves: list[tuple[CountKey | None, CountKey | None]] = []

    def read(self, entry_ids: Iterable[str]) -> None:
        """Read these entries (any owner) into `rows`, in one query."""
        wanted = sorted(set(entry_ids) - self.rows.keys())
        if wanted:
            found = db.session.connection().execute(_SELECT_ENTRIES, {"keys": wanted})
            self.rows.update((row["id"], Row(row)) for row in found.mappings())

    def get(self, entry_id: str) -> Row | None:
        """The entry with this id, read if it was not yet; None if there is none."""
        self.read([entry_id])
        return self.rows.get(entry_id)

    def create(self, entry_id: str, fields: dict) -> Row:
        """A new entry of the owner (version 1)."""
        row = Row(ENTRY_DEFAULTS, id=entry_id, owner_id=self.owner_id, version=0)
        row.update(fields, deleted=False, created_at=self.now)
        self.rows[entry_id] = self._new[entry_id] = row
        return self._stamp(row, before=None)

    def update(self, row: Row, fields: dict) -> Row:
        """Change some fields of an entry."""
        before = count_key(row)
        row.update(fields)
        return self._stamp(row, before)

    def delete(self, row: Row) -> Row:
        """Make an entry a tombstone (deleting a tombstone again is a change again)."""
        before = count_key(row)
        row["deleted"] = True
        return self._stamp(row, before)

    def restore(self, row: Row) -> Row:
        """Bring a tombstone back as the same entry (same id, so its comments stay with it)."""
        before = count_key(row)
        row["deleted"] = False
        return self._stamp(row, before)

    def _stamp(self, row: Row, before: CountKey | None) -> Row:
        """The rule of every change: next version, the owner's next seq, counts moved."""
        row.update(
            version=row.version + 1,
            seq=take_seq(self.counter),
            updated_at=self.now,
            device_id=self.device_id,
        )
        if row.id not in self._new:
            self._changed.add(row.id)
        self._moves.append((before, count_key(row)))
        return row

    def flush(self) -> None:
        """Write the pending changes: entries first, then the counts (no commit)."""
        conn = db.session.connection()  # Core statements: no ORM layer per call
        if self._new:
            conn.execute(_INSERT_ENTRIES, list(self._new.values()))
        if self._changed:
            conn.execute(
                _UPDATE_ENTRY,
                [
                    {"k_id": eid, **{f"v_{n}": self.rows[eid][n] for n in _ENTRY_CHANGES}}
                    for eid in sorted(self._changed)
                ],
            )
        move_daily_counts(self.owner_id, self._moves)
        self._new, self._changed, self._moves = {}, set(), []
