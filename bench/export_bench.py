"""Export cost: the PDF of a 350-entry logbook year, and the cohort XLSX of 300 students.

The year: one student, 350 entries written through the one entry writer, submitted and
signed off. The cohort: bench/cohort_bench.py's 300 students with 3 years of 350 entries
each (their daily counts; the cohort table never reads entries). Median of several runs.
--sample PATH also writes that year's PDF (docs/logbook-pdf-page-1.png is its first page,
rendered with `pdftoppm -png -r 60 -f 1 -l 1`).
Run: .venv/bin/python bench/export_bench.py [--runs 5] [--sample /tmp/sample.pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cohort_bench import make_database, server_today  # noqa: E402
from server import create_app  # noqa: E402
from server.exports import pdf, tabular  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import User  # noqa: E402
from server.services import accounts, exports, sampling, submissions  # noqa: E402
from server.services.changes import EntryWriter  # noqa: E402

QUESTIONS = (
    "Painful arc, ?subacromial bursitis",
    "Lateral elbow pain for 3 months – ?CEO tendinopathy",
    "Swollen knee after a fall, ?effusion",
    "Heel pain ≥ 6 weeks, ?plantar fasciitis",
    "Numb fingers at night, ?carpal tunnel",
)
NOTES = (
    "Dynamic assessment limited by pain; repeated with the arm in the modified Crass position.",
    "",
    "Anisotropy checked by heel–toe rocking; Doppler showed neovascularity.",
)


def _fields(rng: random.Random, day: dt.date) -> dict:
    return {
        "scanned_on": day,
        "region": rng.choice(
            ["shoulder"] * 3
            + ["knee"] * 2
            + ["elbow", "wrist_hand", "hip_groin", "ankle_foot", "other"]
        ),
        "side": rng.choice(["left", "right", "bilateral"]),
        "activity": rng.choice(["diagnostic"] * 6 + ["injection", "diagnostic_injection"]),
        "supervision": rng.choice(["independent"] * 4 + ["indirect", "direct"]),
        "clinical_question": rng.choice(QUESTIONS),
        "findings": rng.choice(["Normal", "Partial-thickness tear", "Effusion", "Tendinopathy"]),
        "pathway_role": rng.choice(["Guided injection performed", "Referred to physio", ""]),
        "notes": rng.choice(NOTES),
        "critical_incident": rng.random() < 0.01,
    }


def year_database(path: Path):
    """A signed-off year of 350 entries; returns (app, student id, today)."""
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    today = server_today()
    start = today - dt.timedelta(days=380)
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        student = accounts.create_user(
            "zoe@bench.test",
            "Zoë Ní Bhriain",
            "student",
            None,
            start,
            start + dt.timedelta(days=3 * 365),
        )
        tutor = accounts.create_user("tutor@bench.test", "Dr Priya Shah", "tutor", None)
        db.session.flush()
        accounts.assign_tutor(tutor.email, student.email)
        writer = EntryWriter(student.id, "bench")
        for n in range(350):
            writer.create(
                str(uuid.uuid4()), _fields(rng, start + dt.timedelta(days=n * 364 // 350))
            )
        writer.flush()
        db.session.commit()
        row = submissions.submit(student, 1, today)
        for sampled in sampling.sample_of(row):  # the tutor looks at the whole sample first
            sampling.check(tutor, sampled.entry.id, "checked", "")
        submissions.sign_off(tutor, row, "A steady, broad year: well done.")
        db.session.commit()  # services flush; the caller commits
        return app, student.id, today


def median_seconds(call, runs: int) -> tuple[float, float]:
    """The median wall time and the median CPU time of `runs` calls (CPU time says more on a
    shared, loaded machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    """Print the medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, student_id, today = year_database(Path(folder) / "year.sqlite")
        with app.app_context():
            student = db.session.get(User, student_id)

            def year_pdf() -> bytes:
                return pdf.logbook_pdf(exports.logbook_export(student, 1, today))

            data = year_pdf()
            if args.sample:
                args.sample.write_bytes(data)
            wall, cpu = median_seconds(year_pdf, args.runs)
        size = len(data) // 1024
        print(f"PDF of a 350-entry year ({size} KB): median {wall:.2f} s, CPU {cpu:.2f} s")
        cohort_app, *_ = make_database(
            Path(folder) / "cohort.sqlite", 300, 350, store_entries=False
        )
        with cohort_app.app_context():
            admin = accounts.find_user_by_email("admin@bench.test")

            def cohort_xlsx() -> bytes:
                rows = exports.cohort_export(admin, server_today())
                return tabular.to_xlsx(tabular.cohort_columns(), rows, "Cohort")

            rows = len(exports.cohort_export(admin, server_today()))
            wall, cpu = median_seconds(cohort_xlsx, args.runs)
        print(f"Cohort XLSX of 300 students ({rows} rows): median {wall:.2f} s, CPU {cpu:.2f} s")
        print(f"(medians of {args.runs} runs)")


if __name__ == "__main__":
    main()
