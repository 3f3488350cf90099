"""Patient identifiers in free text: found where they are, not where they are not."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from server.domain.identifiers import (
    DATE_OF_BIRTH,
    HOSPITAL_NUMBER,
    KINDS,
    NHS_NUMBER,
    POSTCODE,
    Finding,
    blocking_messages,
    describe,
    find_identifiers,
    high_confidence,
    identifier_messages,
    nhs_check_digit_ok,
    warning_messages,
)

CASE_FILE = Path(__file__).parents[1] / "data" / "identifiers.json"
CASES = json.loads(CASE_FILE.read_text())["cases"]


def kinds(text):
    """The kinds found in text."""
    return [f.kind for f in find_identifiers(text)]


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        ("9434765919", True),
        ("4010232137", True),
        ("9434765918", False),  # wrong check digit
        ("1234567890", False),  # check digit would be 10: never valid
        ("943476591", False),
        ("94347659x9", False),
    ],
)
def test_nhs_modulus_11_check(digits, ok):
    """The NHS number check digit (weights 10..2, 11 - remainder, 11 reads as 0)."""
    assert nhs_check_digit_ok(digits) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9434765919", [NHS_NUMBER]),
        ("pt 943 476 5919 seen", [NHS_NUMBER]),
        ("943-476-5919", [NHS_NUMBER]),
        ("NHS no 123 456 7890", [NHS_NUMBER]),  # labelled: flagged even with a bad check
        ("DOB 12/03/1961", [DATE_OF_BIRTH]),
        ("D.O.B.: 12.03.61", [DATE_OF_BIRTH]),
        ("dob:12/3/61", [DATE_OF_BIRTH]),
        ("born 1961-03-12", [DATE_OF_BIRTH]),
        ("born on 12 March 1961", [DATE_OF_BIRTH]),
        ("date of birth March 12, 1961", [DATE_OF_BIRTH]),
        ("lives near CO4 3SQ", [POSTCODE]),
        ("SW1A 1AA", [POSTCODE]),
        ("co43sq", [POSTCODE]),
        ("MRN 1234567", [HOSPITAL_NUMBER]),
        ("Hosp no: K123456", [HOSPITAL_NUMBER]),
        ("hospital number 00123456", [HOSPITAL_NUMBER]),
        ("pt id 4455667", [HOSPITAL_NUMBER]),
        ("DOB 01/01/1970, NHS 943 476 5919, M1 1AE", [DATE_OF_BIRTH, NHS_NUMBER, POSTCODE]),
    ],
)
def test_identifiers_are_found(text, expected):
    """Each kind people type, in the forms they type it."""
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5 mm",
        "2/52",
        "12/10 pain",
        "seen 2/52 ago, 12/10 pain, 5mm effusion",
        "Scanned 12/03/2024 for pain",
        "2024-03-12",
        "newborn 12/03/2024",
        "L4 5th root",
        "C5 6th",
        "B12 3rd",
        "3 cm lump",
        "grade 2 tear 10 mm x 3 mm",
        "Probe L12-5 5MHz",
        "patient no longer has pain",
        "patient no 3 weeks post op",
        "ID 45",
        "Supraspinatus partial tear 8 mm, 2 cm from footprint",
        "",
        None,
    ],
)
def test_clinical_text_is_not_flagged(text):
    """Shorthand, measurements, a plain date of scan: all pass."""
    assert kinds(text) == []


def test_findings_carry_positions_and_messages_never_repeat_the_identifier():
    """Where it is, and a message safe to store or log."""
    text = "Seen today. NHS 943 476 5919."
    [finding] = find_identifiers(text)

    assert text[finding.start : finding.end].endswith("943 476 5919")
    assert describe(finding) == "Looks like an NHS number: remove patient identifiers."
    assert "943" not in describe(finding)


def test_one_message_per_kind():
    """Two NHS numbers: one message."""
    assert identifier_messages("9434765919 and 4010232137") == [
        "Looks like an NHS number: remove patient identifiers."
    ]


def as_expected(text):
    """What the finder gives, in the shape of the case file's `expect`."""
    return [
        {"kind": f.kind, "start": f.start, "end": f.end, "confidence": f.confidence}
        for f in find_identifiers(text)
    ]


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['note'][:30]}" for i, c in enumerate(CASES)])
def test_shared_case(case):
    """The Python finder gives exactly the kinds, offsets and confidence the case file holds."""
    assert as_expected(case["text"]) == case["expect"], case["text"]


def test_the_case_file_covers_every_kind_and_enough_clinical_text():
    """At least 200 cases, 100 clinical, every kind in both confidences it has, BMP text only."""
    clinical = [c for c in CASES if not c["expect"]]
    found = {(e["kind"], e["confidence"]) for c in CASES for e in c["expect"]}
    assert len(CASES) >= 200 and len(clinical) >= 100
    assert {kind for kind, _ in found} == set(KINDS)
    assert {conf for _, conf in found} == {"high", "low"}
    assert all(ord(ch) < 0x10000 for c in CASES for ch in c["text"]), "offsets differ off the BMP"
    assert len({c["text"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"]], ids=lambda c: c["note"][:30])
def test_reasons_and_messages_never_repeat_the_identifier(case):
    """A reason or message is safe to store, log or send: the matched text is never in it."""
    for finding in find_identifiers(case["text"]):
        matched = case["text"][finding.start : finding.end]
        assert finding.reason and finding.confidence in ("high", "low")
        assert matched not in finding.reason and matched not in describe(finding)


def test_offsets_point_into_the_original_text_after_normalising():
    """Zero-width and non-breaking spaces are matched through, offsets stay the typer's."""
    text = "Seen.\u200b NHS 943\u200b476\u00a0\u00a05919 ok"
    [finding] = find_identifiers(text)
    assert text[finding.start : finding.end] == "943\u200b476\u00a0\u00a05919"


def test_high_confidence_blocks_and_low_confidence_warns():
    """The server refuses high-confidence findings and stores low ones, flagged."""
    text = "Dr Khan reviewed, MRN 1234567, RTH7654321"
    assert blocking_messages(text) == ["Looks like a hospital number: remove patient identifiers."]
    assert identifier_messages(text) == blocking_messages(text)
    assert warning_messages(text) == [
        "Looks like a name: remove patient identifiers.",
        "Looks like a hospital number: remove patient identifiers.",
    ]
    assert [high_confidence(f) for f in find_identifiers(text)] == [False, True, False]
    assert blocking_messages("Dr Khan reviewed") == []


def test_new_kinds_have_messages_naming_the_kind():
    """Phone, email and name refusals say what was found, never the text."""
    assert blocking_messages("ring 07700 900123, j.smith@nhs.net, Mrs Patel") == [
        "Looks like a phone number: remove patient identifiers.",
        "Looks like an email address: remove patient identifiers.",
        "Looks like a name: remove patient identifiers.",
    ]


def test_a_finding_made_the_old_way_still_works():
    """Finding(kind, start, end) keeps working: reason empty, confidence high."""
    finding = Finding(NHS_NUMBER, 0, 10)
    assert high_confidence(finding) and describe(finding).startswith("Looks like an NHS number")


@pytest.mark.parametrize(
    "text",
    ["a." * 999 + "@", "1" * 2000, "1 " * 1000, "Mr " * 666, "pt Pt " * 333, "name: " * 333]
    + ["dob 12 " * 285, "943 476 5919 " * 150, "(0" * 1000, "\u200b1" * 1000],
    ids=lambda t: repr(t[:8]),
)
def test_a_long_hostile_text_is_screened_quickly(text):
    """No pattern backtracks badly: 2000 characters take milliseconds, not seconds."""
    started = time.process_time()
    find_identifiers(text[:2000])
    assert time.process_time() - started < 0.2
