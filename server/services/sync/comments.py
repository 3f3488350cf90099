"""Tutor comments, which ride the student's change stream, and the kept conflict copies."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select

from ...extensions import db
from ...models import Comment, ConflictCopy, Entry, User, utcnow
from .. import accounts, changes


def add_comment(author: User, entry_id: str, body: str) -> Comment | None:
    """A tutor's (or admin's) comment on an entry they may see; None if they may not.

    Flushed, not committed: the view commits once.
    """
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.deleted or author.role not in ("tutor", "admin"):
        return None
    if accounts.visible_student(author, entry.owner_id) is None:
        return None
    # The comment rides the owner's change stream, so it takes a seq under the owner's lock.
    counter = changes.lock_counter(entry.owner_id)
    comment = Comment(
        entry_id=entry.id,
        owner_id=entry.owner_id,
        author_id=author.id,
        body=body,
        seq=changes.take_seq(counter),
        deleted=False,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    return comment


@dataclass
class KeptCopy:
    """A device's copy of an entry that lost a conflict."""

    op_id: str
    entry_id: str
    kind: str
    base_version: int
    server_version: int
    client_copy: dict | None
    created_at: dt.datetime


def conflict_copies(owner_id: int, entry_id: str | None = None) -> list[KeptCopy]:
    """The device copies kept from the owner's conflicts, newest first."""
    query = select(ConflictCopy).where(ConflictCopy.owner_id == owner_id)
    if entry_id:
        query = query.where(ConflictCopy.entry_id == entry_id)
    rows = db.session.scalars(query.order_by(ConflictCopy.id.desc()))
    return [
        KeptCopy(
            op_id=row.op_id,
            entry_id=row.entry_id,
            kind=row.kind,
            base_version=row.base_version,
            server_version=row.server_version,
            client_copy=json.loads(row.client_entry),
            created_at=row.created_at,
        )
        for row in rows
    ]
