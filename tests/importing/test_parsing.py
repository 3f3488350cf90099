"""The pure rules of reading an old logbook: UK dates, people's words, messy tables."""

from __future__ import annotations

import datetime as dt

import pytest

from server.domain import logbook_import as words
from server.domain.logbook_rows import SKIP, entry_ids, parse_table

MARCH_14 = dt.date(2025, 3, 14)


@pytest.mark.parametrize(
    "typed",
    [
        "14/03/2025",
        "14/3/25",
        "14-03-2025",
        "14.03.2025",
        "14 Mar 2025",
        "14 March 2025",
        "14-Mar-25",
        "2025-03-14",
        45730,
        45730.0,
        "45730",
        dt.datetime(2025, 3, 14, 9, 30),
        MARCH_14,
    ],
)
def test_dates_as_uk_people_type_them(typed):
    assert words.parse_uk_date(typed) == MARCH_14


def test_a_date_is_never_read_month_first():
    assert words.parse_uk_date("03/04/2025") == dt.date(2025, 4, 3)
    with pytest.raises(words.ImportValueError, match="03/14/2025"):
        words.parse_uk_date("03/14/2025")


@pytest.mark.parametrize("bad", ["31/09/2025", "29/02/2025", "yesterday", "12", 7])
def test_an_impossible_date_is_an_error_naming_the_value(bad):
    with pytest.raises(words.ImportValueError) as e:
        words.parse_uk_date(bad)
    assert str(bad) in str(e.value)


@pytest.mark.parametrize(
    "text, region, side",
    [
        ("Lt shoulder", "shoulder", "left"),
        ("R knee", "knee", "right"),
        ("Rt ACJ", "shoulder", "right"),
        ("rotator cuff", "shoulder", None),
        ("plantar fascia", "ankle_foot", None),
        ("Achilles L", "ankle_foot", "left"),
        ("CTS", "wrist_hand", None),
        ("hip inj", "hip_groin", None),
        ("Bilat knees", "knee", "bilateral"),
        ("Wrist & hand", "wrist_hand", None),
        ("Other (soft-tissue lump, muscle, nerve, abdominal wall)", "other", None),
    ],
)
def test_regions_and_sides_from_what_people_write(text, region, side):
    assert words.read_region(text)[0] == region
    assert words.read_side(text) == side


def test_activity_words():
    assert words.read_activity("Diag + inj") == "diagnostic_injection"
    assert words.read_activity("hip inj") == "injection"
    assert words.read_activity("USGI") == "injection"
    assert words.read_activity("Diagnostic scan") == "diagnostic"
    assert words.read_activity("Diagnostic scan with injection") == "diagnostic_injection"
    assert words.read_activity("biopsy") is None


def test_supervision_words_check_the_longer_word_first():
    assert words.read_supervision("indirect supervision") == "indirect"
    assert words.read_supervision("Scanned under direct supervision") == "direct"
    assert words.read_supervision("unsupervised") == "independent"
    assert words.read_supervision("Teaching or supervising another") == "teaching"


def test_non_msk_is_reported_not_other():
    assert words.read_region("Spleen") == (None, True)
    assert words.read_region("popliteal fossa") == (None, False)


MESSY = [
    ["Scanning record of learning 2024-25", None, None, None, None],
    [None, None, None, None, None],
    ["Date of scan", "Body part", "Procedure", "Supervision", "Notes and critical incidents"],
    ["14/03/2025", "Lt shoulder", "Diag", "indep", "SASD bursitis"],
    [None, None, None, None, None],
    [45731, "R knee", "Diag + inj", "direct", "Effusion, aspirated"],
    ["16 Mar 2025", "Spleen", "diag", "indep", ""],
    ["31/09/2025", "knee", "diag", "indep", ""],
    ["17-03-2025", "popliteal fossa", "diag", "indep", ""],
    ["18/3/25", "CTS", "USGI", "", ""],
    [None, "Total", 6, None, None],
]


def test_a_messy_table_reads_with_one_line_per_bad_row():
    table = parse_table(MESSY)
    assert table.header_row == 3
    assert [r.number for r in table.good] == [4, 6, 10]
    assert [(r.fields["scanned_on"], r.fields["region"], r.fields["side"]) for r in table.good] == [
        (MARCH_14, "shoulder", "left"),
        (dt.date(2025, 3, 15), "knee", "right"),
        (dt.date(2025, 3, 18), "wrist_hand", "not_applicable"),
    ]
    assert table.good[1].fields["activity"] == "diagnostic_injection"
    assert table.good[2].fields["activity"] == "injection"
    assert table.good[0].fields["notes"] == "SASD bursitis"
    bad = {r.number: " ".join(r.errors) for r in table.bad}
    assert set(bad) == {8, 9}
    assert "Row 8" in bad[8] and "31/09/2025" in bad[8]
    assert "popliteal fossa" in bad[9]
    skipped = [r for r in table.rows if r.skipped]
    assert [r.number for r in skipped] == [7] and "Spleen" in skipped[0].skipped
    assert table.unknown == {("region", "popliteal fossa"): "popliteal fossa"}
    assert not table.ready  # an unknown word waits for the user


def test_the_users_word_map_resolves_unknown_words_and_non_msk_skips():
    table = parse_table(MESSY, word_map={("region", "popliteal fossa"): "knee"})
    assert table.unknown == {}
    assert 9 in [r.number for r in table.good]
    assert table.ready
    assert (
        parse_table(
            [["Date", "Region"], ["1/1/25", "blob"]], word_map={("region", "blob"): SKIP}
        ).good
        == []
    )


def test_merged_headers_read_from_the_row_below():
    table = parse_table(
        [
            ["Date", "Region", "Notes and critical incidents", None, None],
            [None, None, "Clinical question", "Findings", "Role of the scan"],
            ["1/2/2025", "Lt elbow", "?tennis elbow", "CEO tendinopathy", "Physio"],
        ]
    )
    fields = table.good[0].fields
    assert fields["clinical_question"] == "?tennis elbow"
    assert fields["findings"] == "CEO tendinopathy"
    assert fields["pathway_role"] == "Physio"


def test_a_table_without_a_recognised_header_asks_for_the_columns():
    table = parse_table([["When", "Where"], ["1/2/2025", "knee"]])
    assert table.problems and not table.rows
    mapped = parse_table([["When", "Where"], ["1/2/2025", "knee"]], {0: "scanned_on", 1: "region"})
    assert [r.fields["region"] for r in mapped.good] == ["knee"]
    assert len(mapped.bad) == 1  # the unrecognised header row itself, named by row


def test_an_identifier_refuses_the_row_without_repeating_it():
    table = parse_table(
        [["Date", "Region", "Notes"], ["1/2/2025", "knee", "NHS 943 476 5919 seen"]]
    )
    assert table.good == []
    message = " ".join(table.bad[0].errors)
    assert "Row 2" in message and "notes" in message
    assert "943 476 5919" not in message and "9434765919" not in message


def test_ids_are_stable_and_identical_rows_stay_two_entries():
    rows = parse_table([["Date", "Region"], ["1/2/2025", "knee"], ["1/2/2025", "knee"]]).good
    first, second = entry_ids(7, rows), entry_ids(7, rows)
    assert first == second and len(set(first)) == 2
    assert entry_ids(8, rows) != first  # another student's import never collides
