"""Find likely patient identifiers in free text, so none is ever stored.

UK clinical logbooks must be anonymised. This screens the free-text prompts of an entry (and
tutors' comments) for the identifiers people actually type: NHS numbers, dates of birth,
postcodes and hospital (MRN) numbers. It aims at few false positives: clinical shorthand such as
"5 mm", "2/52", "12/10 pain" or a plain date of scan passes; a date counts as a date of birth
only after words like "DOB" or "born".

Pure functions: no Flask, no database. Findings carry positions, never the matched text, so a
message built from them cannot itself leak the identifier into logs or stored errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NHS_NUMBER = "nhs_number"
DATE_OF_BIRTH = "date_of_birth"
POSTCODE = "postcode"
HOSPITAL_NUMBER = "hospital_number"

_WHAT = {
    NHS_NUMBER: "an NHS number",
    DATE_OF_BIRTH: "a date of birth",
    POSTCODE: "a postcode",
    HOSPITAL_NUMBER: "a hospital number",
}


@dataclass(frozen=True)
class Finding:
    """A likely identifier: its kind and where it is (start, end) in the text."""

    kind: str
    start: int
    end: int


_DIGIT = re.compile(r"\d")
# Ten digits, alone or grouped 3-3-4 with spaces or hyphens; never part of a longer number.
_NHS = re.compile(r"(?<![\d.,])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
# "NHS no 123 456 7890": flagged even when the check digit is wrong (a mistyped number).
_NHS_LABELLED = re.compile(
    r"\bNHS\s*(?:no\b\.?|num(?:ber)?\b|#)\s*[:#=-]?\s*(\d[\d -]{4,}\d)", re.IGNORECASE
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)"  # 12/03/1961, 12.3.61
    r"|\d{4}-\d{1,2}-\d{1,2}(?!\d)"  # 1961-03-12
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{2,4}}(?!\d)"  # 12 March 1961
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}(?!\d))"  # March 12, 1961
)
_DOB = re.compile(
    r"(?<![a-z])(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)"
    rf"[\s:=.,-]*(?:on\s+)?(?:is\s+)?{_DATE}",
    re.IGNORECASE,
)

# Outward code (area letters, district) then inward code (sector digit, unit letters), with
# the letters the Royal Mail never uses in each place left out: "3 cm", "5 mm" cannot match.
_POSTCODE = re.compile(
    r"\b([A-PR-UWYZ][A-HK-Y]?\d[\dA-HJKPSTUW]?)\s?(\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)")  # "L4 5th" is a spinal level and an ordinal

_HOSPITAL = re.compile(
    r"\b(?:MRN|hosp(?:ital)?\.?\s*(?:no\b\.?|num(?:ber)?\b|#)|unit\s*(?:no\b\.?|number\b)"
    r"|(?:patient|pt)\.?\s*(?:id\b|no\b\.?|number\b|#))"
    r"\s*[:#=.-]?\s*(?:is\s+)?([A-Z]{0,3}[ -]?\d[\d -]*\d[A-Z]?)",
    re.IGNORECASE,
)


def nhs_check_digit_ok(digits: str) -> bool:
    """True if these ten digits end in a valid NHS modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_identifiers(text: str | None) -> list[Finding]:
    """The likely patient identifiers in `text`, in order of position (may be empty)."""
    if not text or not _DIGIT.search(text):
        return []  # every kind below holds digits: most clinical notes stop here
    found: list[Finding] = []
    for m in _NHS.finditer(text):
        if nhs_check_digit_ok(m.group(1) + m.group(3) + m.group(4)):
            found.append(Finding(NHS_NUMBER, m.start(), m.end()))
    for m in _NHS_LABELLED.finditer(text):
        if sum(c.isdigit() for c in m.group(1)) >= 6:
            found.append(Finding(NHS_NUMBER, m.start(), m.end()))
    for m in _DOB.finditer(text):
        found.append(Finding(DATE_OF_BIRTH, m.start(), m.end()))
    for m in _POSTCODE.finditer(text):
        if not _ORDINAL.fullmatch(m.group(2)):
            found.append(Finding(POSTCODE, m.start(), m.end()))
    for m in _HOSPITAL.finditer(text):
        if sum(c.isdigit() for c in m.group(1)) >= 4:
            found.append(Finding(HOSPITAL_NUMBER, m.start(), m.end()))
    return _without_overlaps(found)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the first (then longest) wins."""
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return kept


def describe(finding: Finding) -> str:
    """A message for the person who typed it; it never repeats the identifier itself."""
    return f"Looks like {_WHAT[finding.kind]}: remove patient identifiers."


def identifier_messages(text: str | None) -> list[str]:
    """One message per kind of identifier found in `text` (empty if none)."""
    messages: list[str] = []
    for finding in find_identifiers(text):
        message = describe(finding)
        if message not in messages:
            messages.append(message)
    return messages
