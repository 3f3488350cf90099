"""Find likely patient identifiers in free text, so none is ever stored.

UK clinical logbooks must be anonymised. This screens every text a person types for what people
actually type between patients; pwa/js/identifiers.js gives the same answers on the phone (the
shared cases in tests/data/identifiers.json and a parity test keep the two identical).

Kinds and confidence (high blocks Save on the phone and is refused by the server; low warns,
is stored and flagged to the tutor). A span covers the identifier itself, never its label.
- nhs_number: ten digits (run together; 3-3-4, 3-4-3 or 4-3-3 with spaces, dots, slashes or
  dashes; one digit at a time) with a valid modulus-11 check digit, whatever word stands before
  it: high. Ten digits failing the check, or a number labelled "NHS" that fails it: low.
- date_of_birth: a date in any common UK form after DOB, D.O.B., born, b., birthday, "date of
  birth" (or before "(DOB)"): high. A full date before 1990 with no such word: low. A scan or
  clinic date without a birth word is never flagged.
- phone (UK, +44 and 0044 forms), email, postcode (UK, GIR 0AA): high.
- hospital_number: a number after MRN, hospital/hosp no, unit no, patient/pt no or id: high. A
  bare "RTH1234567", "K123456" or seven to nine digit number (not after batch, lot, exp): low.
- name: Mr, Mrs, Ms, Miss, Mx, Mstr, "mrs", MRS or MISS and a surname (with initials, or a first
  name and surname), or a word after "patient name", "pt name", "name:", "surname:": high.
  DECISION on Dr: "Dr" and a surname is low, because in these notes Dr is nearly always the
  referrer or supervisor. Mr or Dr after "referred by", "ref", "per", "under", "cons", "with",
  "d/w", "to", "from"... is a clinician and not flagged; any title followed by "clinic", "list",
  "(consultant)", "(physio)", "reporting"... is a clinician too. Low: a lower-case word after Mrs
  or Miss ("Mrs patel"), a capitalised word after "pt" or "patient" that is not a common verb or
  adjective ("Pt Patel"). MR and MS in capitals are imaging and a diagnosis, never titles.

Offsets (start, end) index the ORIGINAL text: Python code points here, UTF-16 code units in JS,
identical for text in the Basic Multilingual Plane (the shared cases are all BMP). Text is
normalised first (zero-width and non-breaking spaces, space runs, dashes), with a map back.
Findings carry positions and a reason, never the matched text, so messages cannot leak it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from . import identifier_patterns as p

NHS_NUMBER = "nhs_number"
DATE_OF_BIRTH = "date_of_birth"
POSTCODE = "postcode"
HOSPITAL_NUMBER = "hospital_number"
PHONE = "phone"
EMAIL = "email"
NAME = "name"
HIGH = "high"
LOW = "low"
# Where two findings overlap, high confidence wins, then the kind listed first.
KINDS = (EMAIL, NHS_NUMBER, PHONE, DATE_OF_BIRTH, POSTCODE, HOSPITAL_NUMBER, NAME)
_RANK = {kind: i for i, kind in enumerate(KINDS)}

_WHAT = {
    NHS_NUMBER: "an NHS number",
    DATE_OF_BIRTH: "a date of birth",
    POSTCODE: "a postcode",
    HOSPITAL_NUMBER: "a hospital number",
    PHONE: "a phone number",
    EMAIL: "an email address",
    NAME: "a name",
}
REASONS = {
    "nhs": "Ten digits with a valid NHS number check digit.",
    "nhs_check": "Ten digits like an NHS number (the check digit does not match).",
    "nhs_label": "A number labelled NHS.",
    "dob": "A date next to words like DOB or born is a date of birth.",
    "old_date": "A full date before 1990 is probably a date of birth.",
    "phone": "A UK phone number.",
    "email": "An email address.",
    "postcode": "A UK postcode.",
    "hospital": "A number labelled as a hospital, MRN or patient number.",
    "hospital_bare": "Letters and digits shaped like a hospital number.",
    "title": "A title followed by a surname.",
    "doctor": "Dr followed by a surname: remove it if it is the patient.",
    "title_lower": "A title followed by a word that may be a surname.",
    "name_label": "A word after a name label.",
    "pt_word": "A capitalised word after pt may be the patient's surname.",
}
_NOT_DIGIT = re.compile(r"[^0-9]")
_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True)
class Finding:
    """A likely identifier: its kind, where it is (start, end), why, and how sure."""

    kind: str
    start: int
    end: int
    reason: str = ""
    confidence: str = HIGH


def nhs_check_digit_ok(digits: str) -> bool:
    """True if these ten digits end in a valid NHS modulus-11 check digit."""
    if len(digits) != 10 or not digits.isdigit() or not digits.isascii():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


def _each(pattern: re.Pattern, after: re.Pattern, n: str) -> Iterator[re.Match]:
    """finditer, but a match counts only where the two characters before it fail `after`."""
    pos = 0
    while (m := pattern.search(n, pos)) is not None:
        start = m.start()
        if after.search(n[max(0, start - 2) : start]):
            pos = start + 1
        else:
            yield m
            pos = m.end()


def _phone_end(n: str, m: re.Match) -> int | None:
    """End of the longest run of groups holding 9 or 10 digits after the 0 or +44."""
    total, end = 0, None
    for group in (2, 3, 4):
        if m.group(group) is None:
            break
        total += len(_digits(m.group(group)))
        if total in (9, 10):
            end = m.end(group)
    while end is not None and n[end - 1] == " ":
        end -= 1
    return end


def _title_reason(n: str, m: re.Match, end: int) -> str | None:
    """'title' (high), 'doctor' (low), or None where the title names a clinician."""
    if p.CLINICIAN_AFTER.match(n, m.end(2)) or p.CLINICIAN_AFTER.match(n, end):
        return None
    is_clinician_title = m.group(1) in ("Mr", "Dr")
    if is_clinician_title and p.CLINICIAN_BEFORE.search(n[max(0, m.start() - 24) : m.start()]):
        return None
    return "doctor" if m.group(1) == "Dr" else "title"


def _candidates(n: str) -> list[tuple[str, int, int, str]]:
    """Every (kind, start, end, reason key) the patterns see in normalised text, overlaps too.

    Each family runs only if the text holds what all its matches need (digits, "@", a word):
    a cheap test first, so a typical note runs few patterns. The JS side gates the same way.
    """
    found: list[tuple[str, int, int, str]] = []
    add = found.append
    digits = len(_DIGIT.findall(n))
    lower = n.lower()
    if "@" in n:
        for m in p.EMAIL.finditer(n):
            add((EMAIL, m.start(), m.end(), "email"))
    if digits >= 8:
        for m in _each(p.NHS, p.AFTER_DIGIT, n):
            ok = nhs_check_digit_ok(_digits(m.group(1)))
            add((NHS_NUMBER, m.start(1), m.end(1), "nhs" if ok else "nhs_check"))
        if "nhs" in lower:
            for m in p.NHS_LABEL.finditer(n):
                ok = nhs_check_digit_ok(_digits(m.group(1)))
                add((NHS_NUMBER, m.start(1), m.end(1), "nhs" if ok else "nhs_label"))
        for m in _each(p.PHONE, p.AFTER_WORD, n):
            end = _phone_end(n, m)
            if end is not None:
                add((PHONE, m.start(), end, "phone"))
    if digits and any(word in lower for word in p.DOB_HINTS):
        for pattern, after in ((p.DOB_BEFORE, p.AFTER_LETTER), (p.DOB_AFTER, p.AFTER_DATE)):
            for m in _each(pattern, after, n):
                add((DATE_OF_BIRTH, m.start(1), m.end(1), "dob"))
    if "19" in n:
        for m in _each(p.OLD_DATE, p.AFTER_DATE, n):
            add((DATE_OF_BIRTH, m.start(1), m.end(1), "old_date"))
    if p.INWARD.search(n):
        for m in _each(p.POSTCODE, p.AFTER_ALNUM, n):
            if not (m.group(2) and p.ORDINAL.fullmatch(m.group(2))):
                add((POSTCODE, m.start(1), m.end(1), "postcode"))
    if digits >= 4 and any(word in lower for word in p.HOSPITAL_HINTS):
        for m in p.HOSPITAL_LABEL.finditer(n):
            if len(_digits(m.group(1))) >= 4:
                add((HOSPITAL_NUMBER, m.start(1), m.end(1), "hospital"))
    if digits >= 6 and p.SIX_DIGITS.search(n):
        for m in _each(p.HOSPITAL_BARE, p.AFTER_NUMBER, n):
            if not p.BARE_EXEMPT.search(n[max(0, m.start() - 16) : m.start()]):
                add((HOSPITAL_NUMBER, m.start(1), m.end(1), "hospital_bare"))
    if p.TITLE_HINT.search(n):
        for m in _each(p.TITLE_NAME, p.AFTER_LETTER, n):
            second = m.group(3)
            end = m.end(3) if second and second.lower() not in p.NOT_SURNAMES else m.end(2)
            reason = _title_reason(n, m, end)
            if reason:
                add((NAME, m.start(2), end, reason))
        for m in _each(p.TITLE_CAPS, p.AFTER_LETTER, n):
            add((NAME, m.start(1), m.end(1), "title"))
        for m in _each(p.TITLE_LOWER, p.AFTER_LETTER, n):
            if m.group(1).lower() not in p.NOT_SURNAMES:
                add((NAME, m.start(1), m.end(1), "title_lower"))
    if "name" in lower:
        for m in p.NAME_LABEL.finditer(n):
            value = p.NAME_VALUE.match(n, m.end())
            if value:
                add((NAME, value.start(), value.end(), "name_label"))
    if "pt" in lower or "patient" in lower:
        for m in p.PT_WORD.finditer(n):
            if m.group(1).lower() not in p.NOT_SURNAMES:
                add((NAME, m.start(1), m.end(1), "pt_word"))
    return found


def _may_hold(n: str) -> bool:
    """False when no pattern can match: no digit, "@", title, "pt", "patient" or "name"."""
    if p.DIGIT_OR_AT.search(n) or p.TITLE_HINT.search(n):
        return True
    lower = n.lower()
    return "pt" in lower or "patient" in lower or "name" in lower


_LOW_REASONS = frozenset(
    ("nhs_check", "nhs_label", "old_date", "hospital_bare", "doctor", "title_lower", "pt_word")
)


def find_identifiers(text: str | None) -> list[Finding]:
    """The likely patient identifiers in `text`, in order of position (may be empty)."""
    if not text:
        return []
    n, where = p.normalise(text)
    if not _may_hold(n):
        return []  # no digit, "@", title, "pt", "patient" or "name": most short notes stop here
    candidates = [
        (kind, start, end, key, LOW if key in _LOW_REASONS else HIGH)
        for kind, start, end, key in _candidates(n)
    ]
    candidates.sort(key=lambda c: (c[4] != HIGH, _RANK[c[0]], c[1], c[1] - c[2]))
    kept: list[tuple[str, int, int, str, str]] = []
    for c in candidates:
        if all(c[2] <= k[1] or c[1] >= k[2] for k in kept):
            kept.append(c)
    kept.sort(key=lambda c: c[1])
    if where is None:
        return [Finding(k, s, e, REASONS[key], conf) for k, s, e, key, conf in kept]
    return [
        Finding(k, where[s], where[e - 1] + 1, REASONS[key], conf) for k, s, e, key, conf in kept
    ]


def high_confidence(finding: Finding) -> bool:
    """True if this finding must block saving (phone) and be refused (server)."""
    return finding.confidence == HIGH


def describe(finding: Finding) -> str:
    """A message for the person who typed it; it never repeats the identifier itself."""
    return f"Looks like {_WHAT[finding.kind]}: remove patient identifiers."


def _messages(findings: list[Finding]) -> list[str]:
    messages: list[str] = []
    for finding in findings:
        message = describe(finding)
        if message not in messages:
            messages.append(message)
    return messages


def blocking_messages(text: str | None) -> list[str]:
    """One message per kind of high-confidence identifier in `text`: refuse the text if any."""
    return _messages([f for f in find_identifiers(text) if high_confidence(f)])


def warning_messages(text: str | None) -> list[str]:
    """One message per kind of low-confidence identifier in `text`: store, but flag to the tutor."""
    return _messages([f for f in find_identifiers(text) if not high_confidence(f)])


def identifier_messages(text: str | None) -> list[str]:
    """The messages that refuse `text` (high-confidence findings; same as blocking_messages)."""
    return blocking_messages(text)


if __name__ == "__main__":
    from .identifier_report import main

    sys.exit(main(sys.argv[1:]))
