"""An existing logbook's table read into entries: header, columns, rows, one line per problem.

Pure: takes the table's cells, the user's column and word mappings, and returns what would be
imported, what is refused (with the row number and field, never an identifier) and the words
still to be mapped. The service writes the good rows through the one entry writer.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from . import logbook_import as words
from .identifiers import identifier_messages
from .logbook_import import FIELD_LABELS, TEXT_FIELDS, ImportValueError

HEADER_SEARCH_ROWS = 30
TEXT_LIMITS = {"notes": 2000}  # the other prompts: 500 (models.PROMPT_MAX)
SKIP = "skip"  # the user's mapping for a non-MSK word: leave those rows out
# Namespace of imported entries' ids: uuid5(namespace, student + row) is the same every time.
IMPORT_NAMESPACE = uuid.UUID("5d1f7a52-3c3e-4b7e-9a59-8f0e9a6a1c10")
READERS = {
    "side": words.read_side,
    "activity": words.read_activity,
    "supervision": words.read_supervision,
}


@dataclass(frozen=True)
class ParsedRow:
    """One row of the file: the entry's fields, or why it is not imported."""

    number: int  # the row as the user sees it in their file (1 = first row)
    fields: dict | None
    errors: tuple[str, ...] = ()
    skipped: str = ""  # non-MSK: reported, not imported
    source_id: str | None = None


@dataclass
class ParsedTable:
    """What a file would import: its columns, rows and the words still to map."""

    headers: list[str] = field(default_factory=list)
    columns: dict[int, str] = field(default_factory=dict)  # column index -> entry field
    header_row: int | None = None
    rows: list[ParsedRow] = field(default_factory=list)
    unknown: dict[tuple[str, str], str] = field(default_factory=dict)  # (field, key) -> shown
    problems: list[str] = field(default_factory=list)
    defaulted: Counter = field(default_factory=Counter)  # field -> rows given the default

    @property
    def good(self) -> list[ParsedRow]:
        """Rows that would be imported."""
        return [r for r in self.rows if r.fields is not None]

    @property
    def bad(self) -> list[ParsedRow]:
        """Rows refused, with their reasons."""
        return [r for r in self.rows if r.errors]

    @property
    def ready(self) -> bool:
        """Nothing left for the user to decide (rows with errors are left out, and listed)."""
        return not self.problems and not self.unknown and bool(self.good)


def _text(value) -> str:
    return words.unescape_formula(words._cell_text(value))


def _row_fields(cells: list, columns: dict[int, str]) -> dict[str, str | object]:
    out: dict = {}
    for index, name in columns.items():
        value = cells[index] if index < len(cells) else None
        if name == "scanned_on":
            out[name] = value
        else:
            text = _text(value)
            if text and name in out and name in TEXT_FIELDS:
                out[name] = f"{out[name]}\n{text}".strip()
            elif text or name not in out:
                out[name] = text
    return out


def find_header(table: list[list]) -> tuple[int, dict[int, str]] | None:
    """The header row (index) and its columns, from a date column and at least one other."""
    for i, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns: dict[int, str] = {}
        for j, cell in enumerate(cells):
            name = words.header_field(cell)
            if name and name not in columns.values():
                columns[j] = name
        if "scanned_on" in columns.values() and len(columns) >= 2:
            below = table[i + 1] if i + 1 < len(table) else []
            return i, _merge_subheader(columns, below)
    return None


def _merge_subheader(columns: dict[int, str], below: list) -> dict[int, str]:
    """A merged header ("Notes and critical incidents" over its prompts) read from the row
    under it: where that row names a field, it wins for its column."""
    sub = {j: words.header_field(c) for j, c in enumerate(below) if words.header_field(c)}
    if not sub or "scanned_on" in sub.values() and len(sub) < 2:
        return columns
    merged = {j: f for j, f in columns.items() if f not in sub.values()}
    merged.update(sub)
    return dict(sorted(merged.items()))


def _blank(cells: list) -> bool:
    return all(words._cell_text(c) == "" for c in cells)


def _is_total(cells: list) -> bool:
    texts = [words.normalise(c) for c in cells if words._cell_text(c)]
    return any(t in words.TOTAL_WORDS or t.startswith("total") for t in texts)


def parse_table(
    table: list[list],
    columns: dict[int, str] | None = None,
    word_map: dict[tuple[str, str], str] | None = None,
) -> ParsedTable:
    """Read a table: the header found (or the user's columns), every row checked."""
    word_map = word_map or {}
    found = find_header(table)
    out = ParsedTable()
    if found is None and not columns:
        out.problems.append(
            "No header row found: name the columns below (a date column and a region column)."
        )
        header_at = -1
    else:
        header_at = found[0] if found else -1
        out.header_row = header_at + 1 if found else None
    out.headers = [words._cell_text(c) for c in table[header_at]] if header_at >= 0 else []
    out.columns = dict(columns) if columns else (found[1] if found else {})
    if out.columns and "scanned_on" not in out.columns.values():
        out.problems.append("Choose which column holds the date.")
    if out.columns and "region" not in out.columns.values():
        out.problems.append("Choose which column holds the region.")
    if out.problems:
        return out
    for i in range(header_at + 1, len(table)):
        cells = list(table[i])
        values = _row_fields(cells, out.columns)
        if _blank(cells) or words.header_field(values.get("scanned_on")) == "scanned_on":
            continue  # blank, or the header repeated (a table per page in Word)
        if _is_total(cells) and not _dated(values):
            continue  # a totals row under the table
        if i == header_at + 1 and found and not _dated(values):
            continue  # the merged header's second row
        out.rows.append(_parse_row(i + 1, values, word_map, out))
    return out


def _dated(values: dict) -> bool:
    try:
        words.parse_uk_date(values.get("scanned_on"))
    except ImportValueError:
        return False
    return True


def _vocab(
    name: str, text: str, word_map: dict, out: ParsedTable, errors: list
) -> tuple[str | None, bool]:
    """(code, non_msk) for one cell; an unknown word is listed for the user to map."""
    key = words.normalise(text)
    if name == "region":
        key = " ".join(w for w in key.split() if not _side_or_activity(w)) or key
    if (name, key) in word_map:
        code = word_map[(name, key)]
        return (None, True) if code == SKIP else (code, False)
    if name == "region":
        code, non_msk = words.read_region(text)
    else:
        code, non_msk = READERS[name](text), False
    if code is None and not non_msk:
        out.unknown.setdefault((name, key), text)
        errors.append(f"{FIELD_LABELS[name]} “{text}” is not known yet: map it above.")
    return code, non_msk


def _side_or_activity(word: str) -> bool:
    return any(word in names for names in words.SIDE_WORDS.values()) or any(
        word in names for names in words.ACTIVITY_WORDS.values()
    )


def _parse_row(number: int, values: dict, word_map: dict, out: ParsedTable) -> ParsedRow:
    errors: list[str] = []
    for name, value in values.items():
        if name == "entry_id":
            continue  # never stored as text: a UUID or nothing
        for message in identifier_messages(value if isinstance(value, str) else None):
            errors.append(f"Row {number}, {FIELD_LABELS[name].lower()}: {message}")
    if errors:  # never read further into a row that holds an identifier
        return ParsedRow(number, None, ("; ".join(errors),))
    fields: dict = {}
    try:
        fields["scanned_on"] = words.parse_uk_date(values.get("scanned_on"))
    except ImportValueError as e:
        errors.append(str(e) if words._cell_text(values.get("scanned_on")) else "No date.")
    region_text = values.get("region", "")
    if not region_text:
        errors.append("No region.")
    else:
        fields["region"], non_msk = _vocab("region", region_text, word_map, out, errors)
        if non_msk:
            return ParsedRow(number, None, skipped=f"“{region_text}” is not an MSK scan: left out.")
    for name, default in (
        ("side", "not_applicable"),
        ("activity", "diagnostic"),
        ("supervision", "independent"),
    ):
        text = values.get(name, "")
        if text:
            fields[name] = _vocab(name, text, word_map, out, errors)[0]
        elif name != "supervision" and READERS[name](region_text or ""):
            fields[name] = READERS[name](region_text)  # "Lt shoulder", "hip inj"
        else:
            fields[name] = default
            out.defaulted[name] += 1
    for name in TEXT_FIELDS:
        text = values.get(name, "")
        if len(text) > TEXT_LIMITS.get(name, 500):
            limit = TEXT_LIMITS.get(name, 500)
            errors.append(f"{FIELD_LABELS[name]} is longer than {limit} characters.")
        fields[name] = text
    fields["critical_incident"] = words.read_flag(values.get("critical_incident"))
    if errors:
        return ParsedRow(number, None, (f"Row {number}: " + " ".join(errors),))
    source = values.get("entry_id") or None
    return ParsedRow(number, fields, source_id=source if _is_uuid(source) else None)


def _is_uuid(text: str | None) -> bool:
    try:
        return text is not None and str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def entry_ids(student_id: int, rows: list[ParsedRow]) -> list[str]:
    """A stable id per good row: the same file imported twice gives the same ids.

    From the row's content and how many identical rows came before it (two plain left-knee
    scans on one day are two entries), or from the export's own entry id column.
    """
    seen: Counter = Counter()
    ids = []
    for row in rows:
        if row.source_id:
            ids.append(row.source_id)
            continue
        content = repr(sorted((k, str(v)) for k, v in row.fields.items()))
        seen[content] += 1
        ids.append(own_id(student_id, f"{content}#{seen[content]}"))
    return ids


def own_id(student_id: int, key: str) -> str:
    """The id an imported row gets in this student's logbook."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"{student_id}:{key}"))
