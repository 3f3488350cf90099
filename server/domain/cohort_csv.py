"""Cohort CSV import: parse and check every row before anything is written (pure)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from .roles import ROLES

COLUMNS = ("name", "email", "role", "pgcert_completed", "registration_ends", "tutor_email")
OPTIONAL = ("pgcert_completed", "registration_ends", "tutor_email", "annual_target")
MAX_ROWS = 2000


@dataclass
class CohortRow:
    """One checked line of the file (line numbers count the header as line 1)."""

    line: int
    name: str
    email: str
    role: str
    pgcert_completed: dt.date | None = None
    registration_ends: dt.date | None = None
    tutor_email: str = ""
    annual_target: int = 300
    errors: list[str] = field(default_factory=list)


@dataclass
class CohortFile:
    """The parsed file: its rows and any problem with the file as a whole."""

    rows: list[CohortRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file and every row are valid (then it may be imported)."""
        return not self.errors and self.rows and not any(r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[CohortRow]:
        """The rows with at least one error."""
        return [r for r in self.rows if r.errors]


def _header_key(name: str) -> str:
    return "_".join((name or "").strip().lower().replace("-", " ").split())


def parse_date(text: str) -> dt.date | None:
    """A date written YYYY-MM-DD or DD/MM/YYYY; None if blank; ValueError if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (write 2026-09-01 or 01/09/2026)")


def parse_cohort(text: str, existing: dict[str, str]) -> CohortFile:
    """Parse a cohort CSV; `existing` maps known emails (lower case) to their role."""
    result = CohortFile()
    reader = csv.DictReader(io.StringIO((text or "").lstrip("\ufeff")))
    headers = [_header_key(h) for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in headers and c not in OPTIONAL]
    if not headers:
        result.errors.append("The file is empty. The first line must name the columns.")
        return result
    if missing:
        result.errors.append(f"Missing column(s): {', '.join(missing)}.")
        return result
    reader.fieldnames = headers
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            result.errors.append(f"Too many rows: at most {MAX_ROWS} at a time.")
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()):
            continue
        result.rows.append(_check_row(number, values, existing))
    if not result.rows and not result.errors:
        result.errors.append("The file has no rows under its header.")
    _check_across_rows(result.rows, existing)
    return result


def _check_row(line: int, v: dict[str, str], existing: dict[str, str]) -> CohortRow:
    row = CohortRow(line, v.get("name", ""), v.get("email", "").lower(), v.get("role", "").lower())
    row.tutor_email = v.get("tutor_email", "").lower()
    if not row.name:
        row.errors.append("Name is missing.")
    if "@" not in row.email or " " in row.email or len(row.email) > 254:
        row.errors.append(f"Email {row.email!r} is not a valid address.")
    elif row.email in existing:
        row.errors.append(f"{row.email} already has an account.")
    if row.role not in ROLES:
        row.errors.append(f"Role {row.role!r} must be {', '.join(ROLES[:-1])} or {ROLES[-1]}.")
    for key in ("pgcert_completed", "registration_ends"):
        try:
            setattr(row, key, parse_date(v.get(key, "")))
        except ValueError as e:
            row.errors.append(f"{key.replace('_', ' ').capitalize()}: {e}.")
    if v.get("annual_target"):
        if v["annual_target"].isdigit() and int(v["annual_target"]) > 0:
            row.annual_target = int(v["annual_target"])
        else:
            row.errors.append("Annual target must be a whole number above 0.")
    _check_role_fields(row)
    return row


def _check_role_fields(row: CohortRow) -> None:
    if row.role == "student":
        if row.pgcert_completed is None:
            row.errors.append("A student needs a PgCert completion date.")
        if row.registration_ends is None:
            row.errors.append("A student needs a registration end date.")
        both = row.pgcert_completed and row.registration_ends
        if both and row.registration_ends <= row.pgcert_completed:
            row.errors.append("Registration must end after the PgCert completion date.")
    elif row.role in ROLES and (row.pgcert_completed or row.registration_ends or row.tutor_email):
        row.errors.append("Logbook dates and a tutor apply to students only.")


def _check_across_rows(rows: list[CohortRow], existing: dict[str, str]) -> None:
    seen: dict[str, int] = {}
    tutors_in_file = {r.email for r in rows if r.role == "tutor"}
    for row in rows:
        if row.email in seen:
            row.errors.append(f"{row.email} is also on line {seen[row.email]}.")
        seen.setdefault(row.email, row.line)
        if row.role == "student" and row.tutor_email:
            known_tutor = existing.get(row.tutor_email) == "tutor"
            if not known_tutor and row.tutor_email not in tutors_in_file:
                row.errors.append(f"No tutor with the email {row.tutor_email}.")
