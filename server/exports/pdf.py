"""The logbook year as a PDF to submit and file: cover, sign-off, every entry (reportlab).

A4; the record-of-learning table repeats its header on every page and its notes wrap, never
cut; every page carries the student's name and "Page 3 of 12" (a two-pass canvas: the total
is known only once every page is laid out). Vera, bundled with reportlab, prints typed text
such as "é", "–" and "≥" with no system fonts.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Sequence
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..domain import vocabulary
from ..services.exports import LogbookExport, SignOff, YearRecord
from . import short_label, status_word
from .chart import cumulative_chart

_FONTS = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
for _name, _file in (("Vera", "Vera"), ("Vera-Bold", "VeraBd"), ("Vera-Italic", "VeraIt")):
    pdfmetrics.registerFont(TTFont(_name, os.path.join(_FONTS, f"{_file}.ttf")))
pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic")

BODY = ParagraphStyle("body", fontName="Vera", fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5)
H1 = ParagraphStyle("h1", parent=BODY, fontName="Vera-Bold", fontSize=17, leading=21, spaceAfter=4)
H2 = ParagraphStyle(
    "h2", parent=BODY, fontName="Vera-Bold", fontSize=11.5, leading=15, spaceBefore=8
)
GRID = colors.HexColor("#9aa5b1")
HEAD_FILL = colors.HexColor("#e6ecf2")
PROMPTS = (
    ("clinical_question", "Question"),
    ("technical_issues", "Technical"),
    ("findings", "Findings"),
    ("pathway_role", "Role"),
    ("notes", "Notes"),
)
COLUMNS = (20 * mm, 27 * mm, 24 * mm, 24 * mm, 73 * mm, 14 * mm)


def day(value) -> str:
    """14 Mar 2026 (empty for None)."""
    return f"{value.day} {value:%b %Y}" if value else ""


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _pairs(rows: Sequence[tuple[str, str]], widths=(48 * mm, 120 * mm)) -> Table:
    table = Table([[_p(k), _p(v)] for k, v in rows], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (0, -1), "Vera-Bold")]
        )
    )
    return table


def _counts(title: str, list_name: str, counts: dict[str, int]) -> Table:
    rows = [[_p(title, SMALL), _p("Scans", SMALL)]]
    rows += [
        [_p(short_label(list_name, code), SMALL), _p(str(counts.get(code, 0)), SMALL)]
        for code, _label in vocabulary.VOCABULARY[list_name]
    ]
    table = Table(rows, colWidths=(34 * mm, 14 * mm), hAlign="LEFT")
    table.setStyle(_grid())
    return table


def _grid() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


def sign_off_block(sign_off: SignOff | None) -> list:
    """The submission and sign-off block of a year's cover: submitted on and by, the student's
    statement, the sampled checks, the decision with the tutor's comment."""
    out = [_p("Submission and sign-off", H2)]
    if sign_off is None:
        out.append(_p("Not submitted yet."))
    else:
        rows = [
            ("State", sign_off.state_label),
            (
                "Submitted on",
                f"{day(sign_off.submitted_at)}, by {sign_off.submitted_by or 'the student'}",
            ),
        ]
        if sign_off.statement:
            rows.append(("Student's statement", sign_off.statement))
        if sign_off.sample:
            rows.append(("Sampled checks", sign_off.sample))
        if sign_off.decided_at:
            verb = "Signed off on" if sign_off.state == "signed_off" else "Returned on"
            rows.append((verb, f"{day(sign_off.decided_at)}, by {sign_off.decided_by}"))
            rows.append(("Tutor's comment", sign_off.comment or "None"))
        out.append(_pairs(rows))
    return out


def _cover(export: LogbookExport, year: YearRecord) -> list:
    r = year.report
    title = f"Scanning logbook, year {r.number}"
    people = [
        ("Student", f"{export.name} ({export.email})"),
        (
            "Programme",
            f"PgCert completed {day(export.pgcert_completed_on)}; "
            f"registration ends {day(export.registration_ends_on)}",
        ),
        (
            "Tutor" if len(export.tutors) < 2 else "Tutors",
            ", ".join(export.tutors) or "None assigned",
        ),
        (f"Year {r.number}", f"{day(r.starts_on)} – {day(r.ends_on)}"),
        ("Scans", f"{r.count} of {r.target} (target ≥ {r.target} a year)"),
        ("Status", status_word(r.status)),
    ]
    if r.projected_count is not None:
        people.append(("Projected", f"{r.projected_count} by {day(r.ends_on)}"))
    breakdown = Table(
        [
            [
                _counts("Region", "regions", r.by_region),
                _counts("Side", "sides", year.by_side),
                _counts("Activity", "activities", r.by_activity),
            ]
        ],
        hAlign="LEFT",
    )
    breakdown.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    days = [e.scanned_on for e in year.entries]
    return [
        _p(title, H1),
        _pairs(people),
        _p("Scans by region, side and activity", H2),
        breakdown,
        _p("Cumulative scans against the target", H2),
        cumulative_chart(r.starts_on, r.ends_on, r.target, days, export.made_on),
        KeepTogether(sign_off_block(year.sign_off)),
    ]


def _entry_text(entry, width: float) -> str:
    """The five prompts, labelled, wrapped to the column (plain text: a 350-entry year lays
    out in about a second, where a Paragraph per cell takes several)."""
    lines: list[str] = []
    for name, label in PROMPTS:
        text = getattr(entry, name) or ""
        for n, part in enumerate(text.splitlines()):
            shown = f"{label}: {part}" if n == 0 else part
            lines += fit_lines(shown, width - 6)
    return "\n".join(lines) or "–"


def fit_lines(text: str, width: float) -> list[str]:
    """Lines of `text` no wider than `width`: at spaces, and inside a word too long to fit."""
    out = []
    for line in simpleSplit(text, "Vera", SMALL.fontSize, width) or [""]:
        while stringWidth(line, "Vera", SMALL.fontSize) > width:
            cut = next(
                i
                for i in range(len(line), 0, -1)
                if stringWidth(line[:i], "Vera", SMALL.fontSize) <= width
            )
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


@functools.lru_cache(maxsize=512)
def _wrapped(text: str, width: float) -> str:
    """A short label broken into lines that fit its column (a plain cell: cheap to lay out)."""
    return "\n".join(fit_lines(text, width - 6))


def _record(year: YearRecord) -> list:
    head = [
        "Date",
        "Region and side",
        "Activity",
        "Supervision",
        "Notes (the five prompts)",
        "Incident",
    ]
    rows: list[list] = [[_p(h, SMALL) for h in head]]
    w = COLUMNS
    for e in year.entries:
        where = f"{short_label('regions', e.region)}, {short_label('sides', e.side).lower()}"
        rows.append(
            [
                day(e.scanned_on),
                _wrapped(where, w[1]),
                _wrapped(vocabulary.label("activities", e.activity), w[2]),
                _wrapped(vocabulary.label("supervision_levels", e.supervision), w[3]),
                _entry_text(e, w[4]),
                "Yes" if e.critical_incident else "",
            ]
        )
    table = LongTable(rows, colWidths=COLUMNS, repeatRows=1, splitByRow=True, splitInRow=True)
    style = _grid()
    style.add("FONT", (0, 1), (-1, -1), "Vera", SMALL.fontSize, SMALL.leading)
    table.setStyle(style)
    title = f"Record of learning, year {year.report.number}: {len(year.entries)} entries"
    return [PageBreak(), _p(title, H2), Spacer(1, 2 * mm), table]


class _NumberedCanvas(canvas.Canvas):
    """Holds every page until the end, then stamps "Page n of N" and the name on each."""

    def __init__(self, *args, student: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._student = student

    def showPage(self):  # noqa: N802  (reportlab's name)
        """Keep the page; it is written at save, when the total is known."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        """Stamp and write every page."""
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFont("Vera", 8)
            self.setFillColor(colors.HexColor("#333333"))
            self.drawString(15 * mm, 10 * mm, f"ScanLog logbook of {self._student}")
            self.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def logbook_pdf(export: LogbookExport) -> bytes:
    """The PDF of an export: per year, a cover and the full record of learning."""
    buffer = io.BytesIO()
    what = "whole logbook" if export.whole else f"year {export.years[0].report.number}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=f"ScanLog logbook of {export.name}, {what}",
        author=export.name,
    )
    story: list = []
    for n, year in enumerate(export.years):
        if n:
            story.append(PageBreak())
        story += _cover(export, year)
        story += _record(year)
    if not story:
        story = [
            _p(f"Scanning logbook of {export.name}", H1),
            _p("The logbook dates are not set yet."),
        ]
    doc.build(story, canvasmaker=lambda *a, **kw: _NumberedCanvas(*a, student=export.name, **kw))
    return buffer.getvalue()
