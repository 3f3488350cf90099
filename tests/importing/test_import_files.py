"""Importing messy logbook files (CSV, XLSX, Word) written here, and export round trips."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from server.domain.logbook_import import TEXT_FIELDS
from server.exports import tabular
from server.exports.readers import FileProblem, read_table
from server.extensions import db
from server.models import AuditEvent, Entry, User
from server.services import exports, logbook_import, progress
from tests.exports.helpers import add_entries
from tests.sync.helpers import last_seq

TODAY = dt.date(2026, 9, 15)
HEADER = ["Date of scan", "Body part", "Side", "Procedure", "Supervision", "Notes"]
ROWS = [
    ["14/03/2026", "shoulder", "Lt", "Diag", "indep", "SASD bursitis – é"],
    ["15/3/26", "R knee", "", "Diag + inj", "direct", "Effusion"],
    ["16 Mar 2026", "Spleen", "", "diag", "indep", ""],
    ["31/09/2025", "knee", "R", "diag", "indep", ""],
    ["2026-03-17", "popliteal fossa", "L", "diag", "indep", ""],
    ["18-03-2026", "Achilles", "Rt", "USGI", "observed", ""],
]


def _messy_rows(serial: bool) -> list[list]:
    rows = [["Record of learning 2025-26", "", "", "", "", ""], ["", "", "", "", "", ""], HEADER]
    for i, row in enumerate(ROWS):
        rows.append(row)
        if i == 1:
            rows.append(["", "", "", "", "", ""])
    rows.append([46100 if serial else "19/03/2026", "CTS", "L", "inj", "indep", ""])
    rows.append(["", "Total", "", "", "", "7"])
    return rows


def messy_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_messy_rows(serial=False))
    return out.getvalue().encode("utf-8-sig")


def messy_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    for row in _messy_rows(serial=True):
        sheet.append(row)
    sheet["A1"].value = "Record of learning 2025-26"
    sheet.merge_cells("A1:F1")  # a merged title row above the header
    sheet["A4"].value = dt.datetime(2026, 3, 14)  # a real date cell
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def messy_docx() -> bytes:
    rows = _messy_rows(serial=False)[2:]
    document = Document()
    document.add_paragraph("Musculoskeletal ultrasound: record of learning")
    table = document.add_table(rows=len(rows), cols=6)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = str(value)
    merged = table.cell(len(rows) - 1, 0).merge(table.cell(len(rows) - 1, 5))
    merged.text = "Total 7"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FILES = {"csv": messy_csv, "xlsx": messy_xlsx, "docx": messy_docx}


def _live(app, student_id: int) -> list[Entry]:
    with app.app_context():
        where = (Entry.owner_id == student_id, Entry.deleted.is_(False))
        return list(db.session.scalars(select(Entry).where(*where).order_by(Entry.scanned_on)))


def _plan(app, student_id: int, name: str, data: bytes, **mappings):
    with app.app_context():
        student = db.session.get(User, student_id)
        return logbook_import.read_and_plan(student, name, data, TODAY, **mappings)


def _import(app, student_id: int, name: str, data: bytes, **mappings):
    with app.app_context():
        student = db.session.get(User, student_id)
        plan = logbook_import.run_import(None, student, read_table(name, data), TODAY, **mappings)
        db.session.commit()
        return plan


@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_messy_file_previews_one_line_per_bad_row_and_writes_nothing(app, make_user, kind):
    student = make_user("student")
    plan = _plan(app, student.id, f"old.{kind}", FILES[kind]())
    assert plan.table.unknown == {("region", "popliteal fossa"): "popliteal fossa"}
    assert not plan.ready
    first = 5 if kind == "docx" else 7  # the Word table has no title rows above it
    assert plan.refused == [
        f"Row {first}: “Spleen” is not an MSK scan: left out.",
        f"Row {first + 1}: “31/09/2025” is not a date: there is no such day.",
        f"Row {first + 2}: Region “popliteal fossa” is not known yet: map it above.",
    ]
    assert [row.fields["region"] for _, row in plan.new] == [
        "shoulder",
        "knee",
        "ankle_foot",
        "wrist_hand",
    ]
    assert _live(app, student.id) == []  # a preview writes nothing


def _check_written_by_the_entry_writer(app, student_id: int) -> None:
    """Version 1, one seq each under the counter, and the progress counts moved with them."""
    entries = _live(app, student_id)
    assert {e.version for e in entries} == {1}
    assert sorted(e.seq for e in entries) == list(range(1, len(entries) + 1))
    assert last_seq(app, student_id) == len(entries)
    with app.app_context():
        report = progress.student_progress(db.session.get(User, student_id), TODAY)
    assert sum(p.count for p in report.periods) == len(entries)


@pytest.mark.parametrize("kind", sorted(FILES))
def test_mapped_import_writes_through_the_entry_writer_and_twice_adds_nothing(app, make_user, kind):
    student = make_user("student")
    mapping = {"word_map": {("region", "popliteal fossa"): "knee"}}
    first = _import(app, student.id, f"old.{kind}", FILES[kind](), **mapping)
    assert len(first.new) == 5 and first.present == 0
    entries = _live(app, student.id)
    assert [(e.scanned_on, e.region, e.side) for e in entries] == [
        (dt.date(2026, 3, 14), "shoulder", "left"),
        (dt.date(2026, 3, 15), "knee", "right"),
        (dt.date(2026, 3, 17), "knee", "left"),
        (dt.date(2026, 3, 18), "ankle_foot", "right"),
        (dt.date(2026, 3, 19), "wrist_hand", "left"),
    ]
    assert entries[0].notes == "SASD bursitis – é"
    assert entries[1].activity == "diagnostic_injection" and entries[3].activity == "injection"
    _check_written_by_the_entry_writer(app, student.id)
    again = _import(app, student.id, f"old.{kind}", FILES[kind](), **mapping)
    assert again.new == [] and again.present == 5
    assert len(_live(app, student.id)) == 5


def test_an_identifier_in_an_imported_row_is_refused_by_row_and_field(app, make_user):
    student = make_user("student")
    data = "Date,Region,Findings\n14/03/2026,knee,NHS no 943 476 5919\n15/03/2026,knee,ok\n"
    plan = _plan(app, student.id, "ids.csv", data.encode())
    assert len(plan.new) == 1
    assert plan.refused[0].startswith("Row 2, findings:")
    assert "943" not in " ".join(plan.refused)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notes.txt", b"hello", "Choose a CSV"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "save it as .xlsx"),
        ("fake.xlsx", b"not a zip", "not a real Excel"),
        ("broken.docx", b"PK\x03\x04broken", "not a real Word"),
        ("bin.csv", b"\x00\x01\x02", "not a CSV"),
    ],
)
def test_a_file_that_is_not_a_logbook_table_gets_a_clear_error(name, data, message):
    with pytest.raises(FileProblem, match=message):
        read_table(name, data)


def _export(app, student_id: int, fmt: str) -> bytes:
    with app.app_context():
        export = exports.logbook_export(db.session.get(User, student_id), None, TODAY)
        rows = tabular.entry_rows(export)
        if fmt == "csv":
            return tabular.to_csv(tabular.ENTRY_COLUMNS, rows)
        return tabular.to_xlsx(tabular.ENTRY_COLUMNS, rows, "Record of learning")


FIELDS = (
    "scanned_on",
    "region",
    "side",
    "activity",
    "supervision",
    *TEXT_FIELDS,
    "critical_incident",
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_entries_and_no_duplicates(app, make_user, fmt):
    source, other = make_user("student"), make_user("student")
    add_entries(app, source.id, 40)
    with app.app_context():  # a note that a spreadsheet would run as a formula
        entry = db.session.scalars(select(Entry).where(Entry.owner_id == source.id)).first()
        entry.notes = '=HYPERLINK("x") not a formula'
        db.session.commit()
    data = _export(app, source.id, fmt)
    same = _import(app, source.id, f"export.{fmt}", data)
    assert same.new == [] and same.present == 40  # into the same logbook: nothing new
    moved = _import(app, other.id, f"export.{fmt}", data)
    assert len(moved.new) == 40 and moved.refused == []

    def content(student_id):
        return sorted(tuple(getattr(e, f) for f in FIELDS) for e in _live(app, student_id))

    assert content(other.id) == content(source.id)
    assert _import(app, other.id, f"export.{fmt}", data).new == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) == 80
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_csv_has_a_byte_order_mark_and_xlsx_typed_dates_and_frozen_header(app, make_user):
    student = make_user("student")
    add_entries(app, student.id, 3)
    data = _export(app, student.id, "csv")
    assert data.startswith(b"\xef\xbb\xbfDate,Year,Region")
    sheet = load_workbook(io.BytesIO(_export(app, student.id, "xlsx"))).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Date" and sheet["A1"].font.bold
    assert isinstance(sheet["A2"].value, dt.datetime) and sheet["A2"].is_date


def test_the_cohort_table_has_a_row_per_student_per_year(app, make_user):
    admin, tutor = make_user("admin"), make_user("tutor")
    a = make_user("student", name="Ann")
    make_user("student", name="Bob")
    add_entries(app, a.id, 12)
    with app.app_context():
        from server.services import accounts

        accounts.assign_tutor(tutor.email, a.email)
        db.session.commit()
        rows = exports.cohort_export(db.session.get(User, admin.id), TODAY)
        mine = exports.cohort_export(db.session.get(User, tutor.id), TODAY)
        data = tabular.to_csv(tabular.cohort_columns(), rows)
    assert [(r.name, r.report.number) for r in rows] == [("Ann", n) for n in (1, 2, 3)] + [
        ("Bob", n) for n in (1, 2, 3)
    ]
    assert {r.name for r in mine} == {"Ann"}
    with app.app_context():  # the cohort's one-query tally gives the student page's figures
        report = progress.student_progress(db.session.get(User, a.id), TODAY)
    assert [r.report for r in rows if r.name == "Ann"] == list(report.periods)
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0]["Scans"] == "12" and table[0]["Target"] == "300"
    assert table[0]["Status"] == "Target missed" and table[0]["Submission"] == "Not submitted"
    assert int(table[0]["Shoulder"]) + int(table[0]["Knee"]) + int(table[0]["Other"]) > 0
