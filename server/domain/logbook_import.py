"""Reading an existing logbook's table: headers, UK dates and people's words (pure).

A table is a list of rows of cell values (str, int, float, date, datetime or None), as the
file readers give it. Nothing here guesses silently: a word it does not know is returned as
unknown for the user to map, and a non-MSK region is reported, never imported as "other".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from . import vocabulary

# Normalised header text -> entry field. The export's own headers are among them.
HEADERS = {
    "scanned_on": ("date", "date of scan", "scan date", "scanned on", "day", "date scanned"),
    "region": (
        "region",
        "body part",
        "joint",
        "area",
        "anatomical area",
        "area scanned",
        "anatomical area scanned",
        "region and side",
        "body region",
    ),
    "side": ("side", "laterality"),
    "activity": ("activity", "procedure", "scan type", "type", "diagnostic injection"),
    "supervision": ("supervision", "supervision level", "level of supervision", "supervised"),
    "clinical_question": ("clinical question", "reason for scan", "clinical question reason"),
    "technical_issues": ("technical issues", "specific technical issues", "technical"),
    "findings": ("findings", "imaging findings", "result", "results"),
    "pathway_role": ("role in pathway", "role of the scan", "pathway role", "role"),
    "notes": (
        "notes",
        "comments",
        "notes and critical incidents",
        "comment",
        "reflection",
        "notes critical incidents",
    ),
    "critical_incident": ("critical incident", "incident"),
    "entry_id": ("entry id", "id"),
}
FIELD_LABELS = {
    "scanned_on": "Date",
    "region": "Region",
    "side": "Side",
    "activity": "Activity",
    "supervision": "Supervision",
    "clinical_question": "Clinical question",
    "technical_issues": "Technical issues",
    "findings": "Findings",
    "pathway_role": "Role in pathway",
    "notes": "Notes",
    "critical_incident": "Critical incident",
    "entry_id": "Entry id",
}
TEXT_FIELDS = ("clinical_question", "technical_issues", "findings", "pathway_role", "notes")
MONTHS = {
    m.lower(): n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


SIDE_WORDS = {
    "left": ("left", "lt", "l", "lhs"),
    "right": ("right", "rt", "r", "rhs"),
    "bilateral": ("bilateral", "bilat", "both", "bil", "b l", "bl", "lr"),
}
# Region words, matched as whole words or phrases in what is left once side words are gone.
REGION_WORDS = {
    "shoulder": _words(
        "shoulder|shoulders|acj|ac joint|acromioclavicular|rotator cuff|rc|supraspinatus|"
        "subacromial|sasd|glenohumeral|gh joint|infraspinatus|subscapularis|lhb|"
        "biceps tendon|frozen shoulder"
    ),
    "elbow": ("elbow", "tennis elbow", "golfers elbow", "lateral epicondyle", "cef", "cfo"),
    "wrist_hand": _words(
        "wrist|hand|finger|thumb|cts|carpal tunnel|de quervain|de quervains|"
        "trigger finger|cmcj|mcp|mcpj|pip|tfcc|wrist hand"
    ),
    "hip_groin": (
        "hip",
        "hips",
        "groin",
        "greater trochanter",
        "gtps",
        "trochanteric",
        "hip groin",
    ),
    "knee": (
        "knee",
        "knees",
        "patella",
        "patellar tendon",
        "meniscus",
        "bakers cyst",
        "mcl",
        "lcl",
    ),
    "ankle_foot": _words(
        "ankle|foot|achilles|plantar fascia|plantar fasciitis|morton|mortons neuroma|heel|"
        "toe|mtp|mtpj|ankle foot"
    ),
    "other": ("lump", "soft tissue", "soft tissue lump", "muscle", "nerve", "abdominal wall"),
}
NON_MSK_WORDS = _words(
    "spleen|liver|kidney|kidneys|renal|thyroid|gallbladder|bladder|uterus|ovary|ovaries|pancreas|aorta|testes|testis|abdomen|pelvis|breast|carotid|neck|obstetric|pregnancy"
)
ACTIVITY_WORDS = {
    "injection": ("inj", "injection", "injected", "inject", "usgi", "guided injection"),
    "diagnostic": ("diag", "diagnostic", "scan", "dx", "assessment"),
}
SUPERVISION_WORDS = (  # first match wins: "indirect" before "direct", "unsupervised" first
    ("independent", ("independent", "indep", "unsupervised", "alone", "solo")),
    ("indirect", ("indirect",)),
    ("direct", ("direct", "supervised", "under supervision")),
    ("observed", ("observed", "observing", "obs", "watched")),
    ("teaching", ("teaching", "supervising", "taught", "teach")),
)
YES_WORDS = frozenset({"yes", "y", "true", "1", "x", "ci"})
TOTAL_WORDS = frozenset({"total", "totals", "grand total", "count", "sum"})


class ImportValueError(ValueError):
    """A value of one cell that cannot be read; the message names the value."""


def normalise(text) -> str:
    """Lower case, words only: "Notes & Critical-incidents:" -> "notes critical incidents"."""
    words = re.sub(r"[^a-z0-9]+", " ", str(text or "").lower().replace("&", " and "))
    return " ".join(w for w in words.split() if w not in {"and", "of", "the"}).strip()


_HEADER_FIELD = {normalise(w): name for name, names in HEADERS.items() for w in names}


def header_field(text) -> str | None:
    """The entry field a header names, or None."""
    return _HEADER_FIELD.get(normalise(text))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_uk_date(value) -> dt.date:
    """A date as UK people type it (day first, never month first), or a date/serial cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, value)
    text = _cell_text(value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text), text)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?", text)
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]), text)
    m = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})", text)
    if m:
        return _date(_year(m[3]), int(m[2]), int(m[1]), text)
    m = re.fullmatch(
        r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/]*([A-Za-z]{3,9})\.?[\s\-/,]*(\d{2}|\d{4})", text
    )
    if m and m[2][:3].lower() in MONTHS:
        return _date(_year(m[3]), MONTHS[m[2][:3].lower()], int(m[1]), text)
    raise ImportValueError(f"“{text}” is not a date (write it as 14/03/2025).")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _date(year: int, month: int, day: int, shown) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImportValueError(f"“{shown}” is not a date: there is no such day.") from None


def _serial(number: float, shown) -> dt.date:
    if not 20000 <= number <= 80000:  # 1954 .. 2119: other numbers are not dates
        raise ImportValueError(f"“{shown}” is not a date.")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _has(words: str, phrases: Sequence[str]) -> bool:
    padded = f" {words} "
    return any(f" {p} " in padded for p in phrases)


def _exact(list_name: str, text: str) -> str | None:
    """A code given as its code or its label (the export's own words)."""
    wanted = normalise(text)
    for code, label in vocabulary.VOCABULARY[list_name]:
        if wanted in (normalise(code), normalise(label), normalise(label.split(" (")[0])):
            return code
    return None


def read_side(text: str) -> str | None:
    """left/right/bilateral from "Lt", "R", "both"...; None if no side word is there."""
    words = normalise(text)
    for code, names in SIDE_WORDS.items():
        if _has(words, names):
            return code
    return _exact("sides", text)


def read_region(text: str) -> tuple[str | None, bool]:
    """(region code or None, is_non_msk) from "Lt shoulder", "ACJ", "CTS", "hip inj"..."""
    exact = _exact("regions", text)
    if exact:
        return exact, False
    words = normalise(text)
    found = [code for code, names in REGION_WORDS.items() if _has(words, names)]
    if len(set(found)) == 1:
        return found[0], False
    return None, not found and _has(words, NON_MSK_WORDS)


def read_activity(text: str) -> str | None:
    """diagnostic / injection / diagnostic_injection from "Diag + inj", "hip inj", "USGI"..."""
    exact = _exact("activities", text)
    if exact:
        return exact
    words = normalise(text)
    inj = _has(words, ACTIVITY_WORDS["injection"])
    diag = _has(words, ACTIVITY_WORDS["diagnostic"])
    if inj and diag:
        return "diagnostic_injection"
    return "injection" if inj else "diagnostic" if diag else None


def read_supervision(text: str) -> str | None:
    """A supervision code from "indep", "direct supervision", "observed"...; None if unknown."""
    exact = _exact("supervision_levels", text)
    if exact:
        return exact
    words = normalise(text)
    return next((code for code, names in SUPERVISION_WORDS if _has(words, names)), None)


def read_flag(value) -> bool:
    """A critical-incident cell: yes/y/true/1/x."""
    return normalise(value) in YES_WORDS


def unescape_formula(text: str) -> str:
    """Undo the export's guard against spreadsheet formulas (a leading apostrophe)."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text
