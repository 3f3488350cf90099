"""The benchmarks' own fixtures still build what they claim (a bench that no longer runs
measures nothing: the export bench's year stopped at sign-off once samples were required)."""

from __future__ import annotations

from sqlalchemy import select

from bench.export_bench import year_database
from server.extensions import db
from server.models import Entry, Submission


def test_the_export_bench_year_is_signed_off_with_its_350_entries(tmp_path):
    app, student_id, _today = year_database(tmp_path / "year.sqlite")
    with app.app_context():
        (submission,) = db.session.scalars(
            select(Submission).where(Submission.student_id == student_id)
        )
        entries = db.session.scalar(
            select(db.func.count()).select_from(Entry).where(Entry.owner_id == student_id)
        )
        db.engine.dispose()
    assert (submission.state, submission.period, entries) == ("signed_off", 1, 350)
