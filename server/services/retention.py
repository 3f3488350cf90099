"""Retention: remove the logbooks of students whose registration ended before a date.

Everything of theirs goes, user row included (once registration has ended and the programme's
retention time has passed, nothing is kept for a purpose): entries, comments on them,
submissions and their snapshots, daily counts, sync ops, conflict copies, device tokens,
invitations, tutor assignments, audit events about them. Rows are found from the schema's
own cascading foreign keys, so a table added later is removed with the rest; links from
other people's rows (a tutor's `author_id`, an admin's `actor_id`) are set to NULL, as the
schema says. One audit event (no names, no emails) records what was removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Table, false, func, or_, select

from ..extensions import db
from ..models import LogbookSettings, User
from . import audit


class RetentionError(ValueError):
    """The request would remove logbooks it must not (for example a date in the future)."""


@dataclass
class Removal:
    """Whose logbooks go (or went) and how many rows of each table."""

    left_before: dt.date
    student_ids: list[int]
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows in all tables together."""
        return sum(self.rows.values())


def _doomed(table: Table, ids: list[int], seen: tuple = ()):
    """A condition true for the rows of `table` that go with the users `ids`."""
    if table.name == User.__tablename__:
        return table.c.id.in_(ids)
    conditions = []
    for fk in table.foreign_keys:
        parent = fk.column.table
        if fk.ondelete == "CASCADE" and parent is not table and parent.name not in seen:
            parents = select(fk.column).where(_doomed(parent, ids, (*seen, table.name)))
            conditions.append(fk.parent.in_(parents))
    return or_(*conditions) if conditions else false()


def _tables() -> list[Table]:
    return list(reversed(db.metadata.sorted_tables))  # children before their parents


def plan(left_before: dt.date, today: dt.date) -> Removal:
    """Who would go and how many rows of each table (nothing changes)."""
    if left_before > today:
        raise RetentionError(
            f"{left_before.isoformat()} is after today: only students who have already "
            "left can be removed."
        )
    ids = list(
        db.session.scalars(
            select(User.id)
            .join(LogbookSettings, LogbookSettings.student_id == User.id)
            .where(User.role == "student", LogbookSettings.registration_ends_on < left_before)
            .order_by(User.id)
        )
    )
    removal = Removal(left_before, ids)
    if ids:
        for table in _tables():
            counted = select(func.count()).select_from(table).where(_doomed(table, ids))
            if n := db.session.scalar(counted):
                removal.rows[table.name] = n
    return removal


def remove(left_before: dt.date, today: dt.date) -> Removal:
    """Remove them in the caller's transaction (it commits) and audit it; the rows removed."""
    removal = plan(left_before, today)
    if not removal.student_ids:
        return removal
    ids, removal.rows = removal.student_ids, {}
    for table in _tables():
        for fk in table.foreign_keys:  # other people's links to them: SET NULL, explicitly
            if fk.ondelete == "SET NULL" and fk.column.table.name == User.__tablename__:
                db.session.execute(
                    table.update().where(fk.parent.in_(ids)).values({fk.parent.name: None})
                )
    for table in _tables():
        done = db.session.execute(table.delete().where(_doomed(table, ids)))
        if done.rowcount:
            removal.rows[table.name] = done.rowcount
    summary = ", ".join(f"{name} {n}" for name, n in sorted(removal.rows.items()))
    audit.record(
        None,
        "retention_removed",
        detail=(
            f"Logbooks of {len(ids)} students whose registration ended before "
            f"{left_before.isoformat()} (user ids {', '.join(map(str, ids))}): {summary}."
        ),
    )
    db.session.flush()
    return removal
