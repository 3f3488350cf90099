"""The patterns behind identifiers.py, kept identical to pwa/js/identifiers.js.

Every pattern runs on normalised text (see `normalise`) with ASCII-only classes, so Python's
`re` and JavaScript's RegExp read them the same way: no `\\s`, no `.`, no named groups, no
look-behinds (the AFTER_ patterns do their work), `$` only on text without a newline. Edit a
pattern here and in the JS file together: the parity test (test_identifiers_parity.py) fails
on any drift.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE | re.ASCII
_A = re.ASCII

# Normalisation: zero-width characters go, every kind of space becomes one space (runs of
# spaces collapse), dashes become "-", curly quotes "'", full-width digits and "@" plain ASCII.
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_MAP = {c: " " for c in "\t\n\r\f\v\u00a0\u1680\u2028\u2029\u202f\u205f\u3000"}
_MAP.update({chr(c): " " for c in range(0x2000, 0x200B)})
_MAP.update({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
_MAP.update({c: "'" for c in "\u2018\u2019\u2032"})
_MAP.update({chr(0xFF10 + d): str(d) for d in range(10)})
_MAP["\uff20"] = "@"


def normalise(text: str) -> tuple[str, list[int] | None]:
    """The text to match, and for each of its characters the index it came from (None: same)."""
    if text.isascii() and text.isprintable() and "  " not in text:
        return text, None  # printable ASCII, no double space: nothing to change
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        ch = _MAP.get(ch, ch)
        if ch == " " and out and out[-1] == " ":
            continue
        out.append(ch)
        where.append(i)
    return "".join(out), where


# Cheap early exit: every finding needs a digit, "@", a title (TITLE_HINT), "pt", "patient", "name".
DIGIT_OR_AT = re.compile(r"[0-9@]")
TITLE_HINT = re.compile(r"M[rsix]|Dr|mrs|MRS|MISS")  # every title of TITLE_NAME holds one

# No look-behinds (Safari before 16.4 has none): a match counts only if the characters just
# before it do not match its NOT_AFTER pattern, checked by identifiers._each on the JS side too.
AFTER_DIGIT = re.compile(r"\d[./-]?$", _A)  # NHS: not the tail of a longer number
AFTER_WORD = re.compile(r"[\w+]$", _A)  # PHONE
AFTER_LETTER = re.compile(r"[A-Za-z]$", _A)  # DOB_BEFORE and the titles
AFTER_DATE = re.compile(r"[\d/.-]$", _A)  # DOB_AFTER, OLD_DATE
AFTER_ALNUM = re.compile(r"[A-Za-z0-9]$", _A)  # POSTCODE
AFTER_NUMBER = re.compile(r"[\w.,/-]$", _A)  # HOSPITAL_BARE

# Local part at most 64 characters (as RFC 5321): a long run before an "@" cannot go quadratic.
EMAIL = re.compile(
    r"[A-Za-z0-9._%+'-]{1,64} ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", _A
)

# Ten digits: run together; 3-3-4, 3-4-3 or 4-3-3 with spaces, dots, slashes or dashes (the
# first group may be bracketed); or one digit at a time.
NHS = re.compile(
    r"(\(?\d{3}\)?(?: ?[./-] ?| )?\d{3}(?: ?[./-] ?| )?\d{4}"
    r"|\d{3}(?: ?[./-] ?| )?\d{4}(?: ?[./-] ?| )?\d{3}"
    r"|\d{4}(?: ?[./-] ?| )?\d{3}(?: ?[./-] ?| )?\d{3}"
    r"|\d([ .-])\d(?:\2\d){8})"
    r"(?!\d)(?![./-]\d)",
    _A,
)
NHS_LABEL = re.compile(
    r"\bNHS(?: ?(?:no\b\.?|num(?:ber)?\b|#))?[ :#=.-]*(?:is )?(\d(?:[ ./-]?\d){7,10})(?!\d)", _I
)

# Phones: +44 / 0044 (an optional "(0)"), or 0 then the area code, in up to three groups.
PHONE = re.compile(
    r"((?:\+|00) ?44 ?(?:\(0\) ?)?|\(?0)([1-9]\d{0,9}(?!\d)\)? ?)"
    r"([ -]?\d{3,8}(?!\d))?([ -]?\d{3,8}(?!\d))?",
    _A,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])"
)
_FULL_DATE = (
    r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ -]?(?:of )?{_MONTH}\.?,?[ -]?'?(?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?,? '?(?:\d{{4}}|\d{{2}})(?!\d)"
)
_DOB_DATE = (
    _FULL_DATE + r"|\d{1,2} \d{1,2} (?:\d{4}|\d{2})(?!\d)|\d{8}(?!\d)|\d{6}(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH}|(?:19|20)\d{{2}}(?![0-9a-z])"
)
_DOB_TAG = r"d\.? ?o\.? ?b(?![a-z])\.?|date of birth"
_DOB_WORD = _DOB_TAG + r"|birth ?date|birthday|born"
# Every DOB word holds one of these (lower case).
DOB_HINTS = ("dob", "do.", "do ", "d.o", "d o", "d. o", "birth", "born", "b.")
DOB_BEFORE = re.compile(
    rf"(?:{_DOB_WORD}|b\.(?= ?\d))[ :=(),.-]*(?:is |was |on |in |of )?({_DOB_DATE})",
    _I,
)
DOB_AFTER = re.compile(
    rf"({_FULL_DATE})[ ,]*[(\[]? ?(?:{_DOB_TAG})(?![a-z])"
    r"(?![ :=(),.-]*(?:is |was |on |in |of )?\d)",
    _I,
)
OLD_DATE = re.compile(
    r"(\d{1,2}([/.-])\d{1,2}\2(?:19[0-8]\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ -]?{_MONTH}\.?,?[ -]?19[0-8]\d)(?!\d)",
    _I,
)

# Outward code, then inward code; letters Royal Mail never uses in each place left out.
POSTCODE = re.compile(
    r"(GIR ?-?0AA|[A-PR-UWYZ][A-HK-Y]?\d[\dA-HJKPSTUW]? ?-?(\d[ABD-HJLNP-UW-Z]{2}))"
    r"(?![A-Za-z0-9])",
    _I,
)
INWARD = re.compile(r"\d[ABD-HJLNP-UW-Z]{2}", _I)  # every inward code (GIR 0AA too)
# "L4 5th" is a level and an ordinal, not a postcode; "B33 8TH" (capitals) is a postcode.
ORDINAL = re.compile(r"\d(?:st|nd|rd|th)", _A)

HOSPITAL_LABEL = re.compile(
    r"\b(?:MRN|hosp(?:ital)?\.? ?(?:no\b\.?|num(?:ber)?\b|#|id\b)|unit ?(?:no\b\.?|num(?:ber)?\b)"
    r"|(?:patient|pt)\.? ?(?:id\b|no\b\.?|num(?:ber)?\b|#)|case ?(?:no\b\.?|number\b))"
    r"[ :#=.-]*(?:is )?((?:[A-Z]{1,4}[ -]?)?\d(?:\d|-(?=\d)| (?=\d{3}))+[A-Z]?)(?![A-Za-z0-9])",
    _I,
)
HOSPITAL_HINTS = ("mrn", "hosp", "unit", "patient", "pt", "case")  # every label holds one
SIX_DIGITS = re.compile(r"\d{6}")  # every bare hospital number holds six digits in a row
# Unlabelled: "RTH1234567", "K123456", "12345678" (capital letters, case kept).
HOSPITAL_BARE = re.compile(r"((?:[A-Z]{1,3} ?)?\d{7,9}|[A-Z]{1,3}\d{6})(?![\w]|[.,/]\d)", _A)

# Batch and lot numbers of a drug are not a patient's: the words just before a bare number.
BARE_EXEMPT = re.compile(
    r"\b(?:batch|lot|exp(?:iry)?|serial|s/n|product|code)[ :#.-]*(?:no\b\.?)?[ :#.-]*$", _I
)

# Names: a title then a capitalised surname (initials allowed); or a name label then a word.
_SURNAME = r"[A-Z](?:[a-z]+(?:'?[A-Z][a-z]+)?|'[A-Z][a-z]+)(?:-[A-Z][a-z]+)?"
TITLE_NAME = re.compile(
    rf"(Mrs|Mr|Mstr|Ms|Miss|Mx|Dr|mrs)\.? ((?:[A-Z]\.? ){{0,2}}{_SURNAME})"
    rf"(?: ({_SURNAME}))?",
    _A,
)
# "MRS PATEL" (not MR or MS: magnetic resonance, multiple sclerosis); "Mrs patel" (low).
TITLE_CAPS = re.compile(r"(?:MRS|MISS)\.? ([A-Z]{2,}(?:['-][A-Z]{2,})?)(?![A-Za-z])", _A)
TITLE_LOWER = re.compile(r"(?:Mrs|mrs|Miss)\.? ([a-z]{2,}(?:['-][a-z]+)?)(?![A-Za-z])", _A)
CLINICIAN_BEFORE = re.compile(
    r"(?:\b(?:by|ref|refd|ref'd|referrer|referring|from|per|under|cons|consultant|with|d/w|w/"
    r"|to|surgeon|GP|clinic|list)[ :]*)$",
    _I,
)
CLINICIAN_AFTER = re.compile(
    r"(?:'s?)? ?\(?(?:clinic|list|team|firm|theatre|ward|consultant|surgeon|registrar|physio"
    r"|physiotherapist|radiographer|sonographer|radiologist|nurse|GP|reporting|supervising)\b",
    _I,
)
NAME_LABEL = re.compile(
    r"\b(?:(?:patient|pt)'?s? name|(?:sur|first |full |given )?name ?[:=-])[ :=-]*(?:is )?", _I
)
NAME_VALUE = re.compile(
    r"(?:[A-Za-z]\.? )?[A-Za-z][A-Za-z'-]*[A-Za-z](?: [A-Z][A-Za-z'-]*[a-z])?", _A
)
PT_WORD = re.compile(rf"\b(?:[Pp]t|[Pp]atient)[.:]? ({_SURNAME})", _A)
# Capitalised words a note often puts after "Pt" or a surname: never taken for a (second) name.
_NOT_SURNAMES = (
    "able advised aged agreed also asymptomatic attended awaiting aware better bilateral booked "
    "both came cancelled complains consented continues currently declined denies describes did "
    "discharged does elderly feels female for gave had happy has her his improved in is keen "
    "known last left like male needs normal not notes now on post pre presented presents "
    "previously referred reported reports requested returned reviewed right says scanned seen "
    "states still symptomatic tender tolerated tolerating unable understands uses very walking "
    "wants was went will with works worse young said asked felt thinks thought would could can "
    "may might should and the of achilles osgood-schlatter hawkins hawkins-kennedy neer phalen "
    "tinel finkelstein"
)
NOT_SURNAMES = frozenset(_NOT_SURNAMES.split())
