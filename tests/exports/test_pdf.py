"""The year's PDF read back: every entry, the cover's counts, page numbers, the sign-off."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest

from server.exports import pdf
from server.extensions import db
from server.models import User
from server.services import accounts, exports, sampling, submissions
from tests.exports.helpers import REGIONS, add_entries, entry_fields

TODAY = dt.date(2026, 9, 15)  # year 1 (1 Sep 2025 - 31 Aug 2026) is over


def _text(data: bytes) -> tuple[list[str], str]:
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]
    return pages, "\n".join(pages)


def _year_pdf(app, student_id: int, period=1, **kwargs) -> bytes:
    with app.app_context():
        student = db.session.get(User, student_id)
        return pdf.logbook_pdf(exports.logbook_export(student, period, TODAY), **kwargs)


@pytest.fixture
def year_of_350(app, make_user):
    student = make_user("student", name="Zoë Ní Bhriain")
    add_entries(app, student.id, 350)
    return student


def test_every_entry_of_a_350_entry_year_is_in_the_pdf(app, year_of_350):
    pages, text = _text(_year_pdf(app, year_of_350.id))
    flat = re.sub(r"\s+", " ", text)
    for n in range(350):
        fields = entry_fields(n)
        day = fields["scanned_on"]
        assert f"Scan {n}: pain" in flat, n  # every entry, by its own text
        assert f"{day.day} {day:%b %Y}" in flat
    for code in REGIONS:
        label = {
            "wrist_hand": "Wrist & hand",
            "hip_groin": "Hip & groin",
            "ankle_foot": "Ankle & foot",
        }
        assert label.get(code, code.title()) in flat
    total = len(pages)
    assert total > 10
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {total}" in page
        assert "Zoë Ní Bhriain" in page  # the student's name on every page
        if number > 1:
            assert "Date" in page and "Region and side" in page  # the header repeats
    assert "≥" in flat and "café" in flat and "–" in flat


def test_the_cover_counts_match_the_entries(app, year_of_350):
    pages, _ = _text(_year_pdf(app, year_of_350.id))
    cover = re.sub(r"\s+", " ", pages[0])
    assert "350 of 300" in cover
    assert "Target met" in cover
    assert "Shoulder 50" in cover and "Other 50" in cover  # 350 entries, 7 regions in turn
    assert "Left 88" in cover and "Not applicable 87" in cover
    assert "Diagnostic scan 117" in cover
    assert "Not submitted yet." in cover


def test_the_sign_off_block_after_a_sign_off(app, year_of_350, make_user, monkeypatch):
    tutor = make_user("tutor", name="Dr Ana Tutor")
    with app.app_context():
        accounts.assign_tutor(tutor.email, year_of_350.email)
        db.session.commit()
        student = db.session.get(User, year_of_350.id)
        row = submissions.submit(student, 1, TODAY, statement="My first year in clinic.")
        db.session.commit()
        tutor_user = db.session.get(User, tutor.id)
        sample = sampling.sample_of(row)
        for n, sampled in enumerate(sample):
            result, comment = ("query", "Which side?") if n == 0 else ("checked", "")
            sampling.check(tutor_user, sampled.entry.id, result, comment)
        submissions.sign_off(tutor_user, row, "A thorough year – well done.")
        db.session.commit()
        summary = sampling.sample_summary(row)
    pages, _ = _text(_year_pdf(app, year_of_350.id))
    cover = re.sub(r"\s+", " ", pages[0])
    assert "Signed off" in cover
    assert "Signed off on" in cover and "by Dr Ana Tutor" in cover
    assert "A thorough year – well done." in cover
    assert f"by {year_of_350.name}" in cover  # submitted by the student
    assert "My first year in clinic." in cover  # the student's statement
    # 10% of 350 is more than 10: 35 sampled, all looked at, one queried and still open
    assert summary == "35 sampled, 34 checked, 1 queried, 1 open"
    assert f"Sampled checks {summary}" in cover


def test_the_whole_logbook_is_one_document(app, make_user):
    student = make_user("student")
    add_entries(app, student.id, 5)
    add_entries(app, student.id, 3, start=dt.date(2026, 9, 2))
    with app.app_context():
        whole = exports.logbook_export(db.session.get(User, student.id), None, TODAY)
        _, text = _text(pdf.logbook_pdf(whole))
    assert "Scanning logbook, year 1" in text and "Scanning logbook, year 3" in text
    assert "year 1: 5 entries" in text and "year 2: 3 entries" in text
