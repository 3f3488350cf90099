"""Import of an existing logbook file: a preview that writes nothing, then the commit.

The file is read (exports/readers.py), its rows checked by the domain (domain/logbook_rows.py),
and the good rows are written through the one entry writer (services/changes.py), the same
path as a sync push. Ids are stable (the file's own entry ids, else uuid5 of the student and
the row), so importing the same file twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..domain.logbook_rows import ParsedRow, ParsedTable, entry_ids, own_id, parse_table
from ..exports.readers import read_table
from ..models import User
from . import audit, submissions
from .changes import EntryWriter
from .progress import periods_of

DEVICE = "import"


@dataclass
class ImportPlan:
    """What confirming would do: entries to create, rows already there, rows refused."""

    table: ParsedTable
    new: list[tuple[str, ParsedRow]] = field(default_factory=list)
    present: int = 0
    refused: list[str] = field(default_factory=list)  # one line per bad row

    @property
    def ready(self) -> bool:
        """Whether it may be confirmed: nothing left to map, and something to do."""
        return not self.table.problems and not self.table.unknown


def _locked_years(student: User) -> dict[int, tuple[dt.date, dt.date]]:
    """Years signed off or waiting for sign-off: an import does not change them."""
    out = {}
    for period in periods_of(student):
        latest = submissions.latest(student.id, period.number)
        if latest is not None and latest.state in ("submitted", "signed_off"):
            out[period.number] = (period.starts_on, period.ends_on)
    return out


def plan_import(
    student: User,
    table: list[list],
    today: dt.date,
    columns: dict[int, str] | None = None,
    word_map: dict[tuple[str, str], str] | None = None,
    writer: EntryWriter | None = None,
) -> ImportPlan:
    """Check every row and sort the good ones into new and already imported (no writes)."""
    parsed = parse_table(table, columns, word_map)
    plan = ImportPlan(parsed, refused=[e for r in parsed.bad for e in r.errors])
    plan.refused += [f"Row {r.number}: {r.skipped}" for r in parsed.rows if r.skipped]
    locked = _locked_years(student)
    good = []
    for row in parsed.good:
        day = row.fields["scanned_on"]
        year = next((n for n, (a, b) in locked.items() if a <= day <= b), None)
        if day > today:
            plan.refused.append(f"Row {row.number}: dated {day:%d/%m/%Y}, in the future.")
        elif year is not None:
            plan.refused.append(
                f"Row {row.number}: year {year} is submitted or signed off; "
                "ask the tutor to return it first."
            )
        else:
            good.append(row)
    if writer is None:
        writer = _Reader(student.id)
    ids = entry_ids(student.id, good)
    writer.read(ids)
    for entry_id, row in zip(ids, good, strict=True):
        existing = writer.rows.get(entry_id)
        if existing is not None and existing["owner_id"] != student.id:
            entry_id = own_id(student.id, f"id:{entry_id}")  # another logbook's export
            writer.read([entry_id])
            existing = writer.rows.get(entry_id)
        if existing is not None:
            plan.present += 1
        else:
            plan.new.append((entry_id, row))
    plan.refused.sort(key=_row_number)
    return plan


def _row_number(line: str) -> int:
    head = line.split(":", 1)[0].split(",", 1)[0]
    return int(head.removeprefix("Row ")) if head.removeprefix("Row ").isdigit() else 0


class _Reader(EntryWriter):
    """The writer's reads without its counter lock: a preview changes nothing."""

    def __init__(self, owner_id: int):  # noqa: D107  (no lock, no writes)
        self.owner_id, self.rows = owner_id, {}


def run_import(
    actor: User,
    student: User,
    table: list[list],
    today: dt.date,
    columns: dict[int, str] | None = None,
    word_map: dict[tuple[str, str], str] | None = None,
) -> ImportPlan:
    """Create the plan's new entries through the one entry writer and audit it (no commit)."""
    writer = EntryWriter(student.id, DEVICE)  # lock first, then decide what is new
    plan = plan_import(student, table, today, columns, word_map, writer)
    if not plan.ready:
        return plan
    for entry_id, row in plan.new:
        writer.create(entry_id, row.fields)
    writer.flush()
    if plan.new:
        detail = f"{len(plan.new)} entries from a file ({plan.present} already there)."
        audit.record(actor, "logbook_imported", student, detail)
    return plan


def read_and_plan(student: User, filename: str, data: bytes, today: dt.date, **mappings):
    """Read an uploaded file and plan its import (readers.FileProblem if it cannot be read)."""
    return plan_import(student, read_table(filename, data), today, **mappings)
