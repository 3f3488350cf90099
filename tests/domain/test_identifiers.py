"""Patient identifiers in free text: found where they are, not where they are not."""

from __future__ import annotations

import pytest

from server.domain.identifiers import (
    DATE_OF_BIRTH,
    HOSPITAL_NUMBER,
    NHS_NUMBER,
    POSTCODE,
    describe,
    find_identifiers,
    identifier_messages,
    nhs_check_digit_ok,
)


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
