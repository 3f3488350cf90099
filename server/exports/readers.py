"""Imported files read into a table of cells: CSV, XLSX and the Word record-of-learning table.

A table is a list of rows of cell values; what the cells mean is the domain's business
(domain/logbook_rows.py). A file of another kind, or one that does not open, is refused with
a message the user can act on, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # as MAX_CONTENT_LENGTH: the web refuses more anyway
MAX_ROWS = 20_000
KINDS = {"csv": "CSV", "xlsx": "Excel workbook (.xlsx)", "docx": "Word document (.docx)"}


class FileProblem(ValueError):
    """The upload cannot be read as a logbook table; the message says why."""


def kind_of(filename: str) -> str:
    """csv, xlsx or docx from the file's name, or a FileProblem saying what is accepted."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext in KINDS:
        return ext
    if ext in ("xls", "doc"):
        raise FileProblem(f"Old .{ext} files cannot be read: save it as .{ext}x or CSV first.")
    raise FileProblem("Choose a CSV, Excel (.xlsx) or Word (.docx) file.")


def read_table(filename: str, data: bytes) -> list[list]:
    """The file's rows of cells (the first worksheet; every table of a Word document)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    kind = kind_of(filename)
    if kind != "csv" and not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileProblem(f"This is not a real {KINDS[kind]}: open it and save it again.")
    try:
        rows = {"csv": _csv, "xlsx": _xlsx, "docx": _docx}[kind](data)
    except FileProblem:
        raise
    except Exception as e:  # a damaged workbook can fail anywhere inside its library
        raise FileProblem(
            f"This {KINDS[kind]} could not be read: open it and save it again."
        ) from e
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"The file has more than {MAX_ROWS} rows: split it.")
    return rows


def _csv(data: bytes) -> list[list]:
    if b"\x00" in data[:4096]:
        raise FileProblem(
            "This is not a CSV file: choose a CSV, Excel (.xlsx) or Word (.docx) file."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    sheet = next((s for s in book.worksheets if s.max_row and s.max_row > 1), book.active)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _docx(data: bytes) -> list[list]:
    from docx import Document

    rows: list[list] = []
    for table in Document(io.BytesIO(data)).tables:
        for row in table.rows:
            cells = row.cells
            # A merged cell is the same cell in every column it spans: read it once.
            rows.append(
                [
                    "" if j and cell._tc is cells[j - 1]._tc else cell.text.strip()
                    for j, cell in enumerate(cells)
                ]
            )
    return rows
