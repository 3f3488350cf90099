"""The logbook and the cohort as tables: CSV (UTF-8 with a byte-order mark) and XLSX.

One list of columns per table feeds both formats, so a CSV and a workbook of the same
export always agree; the logbook's headers are ones the importer recognises, so an export
imports back as the same entries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence

from ..domain import vocabulary
from ..domain.logbook_import import FIELD_LABELS
from ..services.exports import LogbookExport
from . import short_label, status_word

Column = tuple[str, Callable]  # (header, value of a row)


def _label(list_name: str, name: str) -> Callable:
    return lambda row: short_label(list_name, getattr(row[1], name))


def _text(name: str) -> Callable:
    return lambda row: getattr(row[1], name)


ENTRY_COLUMNS: list[Column] = [
    (FIELD_LABELS["scanned_on"], lambda row: row[1].scanned_on),
    ("Year", lambda row: row[0]),
    (FIELD_LABELS["region"], _label("regions", "region")),
    (FIELD_LABELS["side"], _label("sides", "side")),
    (FIELD_LABELS["activity"], _label("activities", "activity")),
    (FIELD_LABELS["supervision"], _label("supervision_levels", "supervision")),
    *(
        (FIELD_LABELS[n], _text(n))
        for n in ("clinical_question", "technical_issues", "findings", "pathway_role", "notes")
    ),
    (FIELD_LABELS["critical_incident"], lambda row: "Yes" if row[1].critical_incident else "No"),
    (FIELD_LABELS["entry_id"], lambda row: row[1].id),
]


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


COHORT_COLUMNS: list[Column] = [
    ("Student", lambda r: r.name),
    ("Email", lambda r: r.email),
    ("Year", lambda r: r.report.number),
    ("Starts", lambda r: r.report.starts_on),
    ("Ends", lambda r: r.report.ends_on),
    ("Scans", lambda r: r.report.count),
    ("Target", lambda r: r.report.target),
    ("Status", lambda r: status_word(r.report.status)),
    ("Projected", lambda r: r.report.projected_count),
    ("Submission", lambda r: r.sign_off.state_label if r.sign_off else "Not submitted"),
    ("Submitted on", lambda r: _day(r.sign_off.submitted_at) if r.sign_off else None),
    (
        "Signed off on",
        lambda r: (
            _day(r.sign_off.decided_at) if r.sign_off and r.sign_off.state == "signed_off" else None
        ),
    ),
    ("Sampled checks", lambda r: r.sign_off.sample if r.sign_off else None),
    ("Statement", lambda r: r.sign_off.statement if r.sign_off else None),
    *(
        (short_label("regions", code), lambda r, code=code: r.report.by_region.get(code, 0))
        for code, _label in vocabulary.REGIONS
    ),
]


def entry_rows(export: LogbookExport) -> list[tuple[int, object]]:
    """(year number, entry) for every entry of the export, year by year, oldest first."""
    return [(year.report.number, e) for year in export.years for e in year.entries]


def cohort_columns() -> list[Column]:
    """The cohort table's columns."""
    return list(COHORT_COLUMNS)


def _cells(columns: Sequence[Column], rows: Sequence) -> list[list]:
    return [[get(row) for _, get in columns] for row in rows]


def _safe(value) -> str:
    """A CSV cell: dates as 2026-03-14; text that Excel would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(columns: Sequence[Column], rows: Sequence) -> bytes:
    """CSV with a byte-order mark, so Excel reads UTF-8 right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([h for h, _ in columns])
    writer.writerows([[_safe(v) for v in r] for r in _cells(columns, rows)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(columns: Sequence[Column], rows: Sequence, title: str) -> bytes:
    """A workbook: bold header row, frozen under it, typed date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for i, (header, _) in enumerate(columns, 1):
        sheet.column_dimensions[_letter(i)].width = max(11, min(40, len(header) + 4))
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    def cell(value, **style):
        c = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value[:1] == "=":
            c.data_type = "s"  # text, never run as a formula
        if isinstance(value, dt.date):
            c.number_format = "dd mmm yyyy"
        for k, v in style.items():
            setattr(c, k, v)
        return c

    sheet.append([cell(h, font=bold) for h, _ in columns])
    for values in _cells(columns, rows):
        sheet.append([cell(v) for v in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
