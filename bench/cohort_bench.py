"""Cohort overview cost: GET /api/v1/students and one student's progress on SQLite.

300 students, 3 logbook years each, 350 entries a year (315,000 entries), then the same with
10 times the entries per student. Rows are bulk-inserted with sqlite3 executemany: this is a
benchmark fixture, the one writer of entries that bypasses services.changes.EntryWriter (on
purpose, for millions of rows); the daily counts and day totals are computed from the very
entries generated, as the entry writer would keep them.

Neither endpoint reads the entries table, so by default the 10x run stores only the daily
counts of its 3,150,000 generated entries (the output says so); --full-entries stores them all.
Run: .venv/bin/python bench/cohort_bench.py [--runs 15] [--full-entries] [--students 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server import create_app  # noqa: E402
from server.auth import tokens  # noqa: E402
from server.clock import DEFAULT_TIMEZONE  # noqa: E402
from server.domain.periods import add_years  # noqa: E402
from server.extensions import db  # noqa: E402
from server.services import accounts  # noqa: E402


def server_today() -> dt.date:
    """The day the server measures progress on (its configured time zone), without an app."""
    return dt.datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()


REGIONS = {
    "shoulder": 30,
    "knee": 25,
    "ankle_foot": 12,
    "wrist_hand": 10,
    "hip_groin": 10,
    "elbow": 8,
    "other": 5,
}
ACTIVITIES = {"diagnostic": 75, "injection": 15, "diagnostic_injection": 10}
INTAKE_OFFSETS = (300, 320, 340, 360)  # days into year 3 on the day of the run, one per intake
ENTRY_SQL = (
    "INSERT INTO entries (id, owner_id, scanned_on, region, side, activity, supervision,"
    " clinical_question, technical_issues, findings, pathway_role, notes, critical_incident,"
    " version, seq, deleted, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, 'left', ?, 'independent', '', '', '', '', '', 0, 1, ?, 0, ?, ?)"
)


def make_database(path: Path, students: int, per_year: int, store_entries: bool, seed: int = 7):
    """Create the cohort; returns (admin, a student id, entries generated, daily-count rows)."""
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    today = server_today()
    with app.app_context():
        db.create_all()
        admin = accounts.create_user("admin@bench.test", "Admin", "admin", "bench-password-1")
        ids = []
        for n in range(students):
            pgcert = add_years(today, -2) - dt.timedelta(days=INTAKE_OFFSETS[n % 4])
            user = accounts.create_user(
                f"s{n}@bench.test",
                f"Student {n:03d}",
                "student",
                None,
                pgcert,
                add_years(pgcert, 3) - dt.timedelta(days=1),
            )
            ids.append((user.id, pgcert))
        raw, _ = tokens.issue_token(admin, "bench")
    rng = random.Random(seed)
    region_names, region_w = list(REGIONS), list(REGIONS.values())
    activity_names, activity_w = list(ACTIVITIES), list(ACTIVITIES.values())
    connection = sqlite3.connect(path)
    generated = daily_rows = 0
    stamp = f"{today.isoformat()} 12:00:00.000000"
    for owner, pgcert in ids:
        days = []
        for year in range(3):
            start = add_years(pgcert, year)
            end = min(add_years(pgcert, year + 1) - dt.timedelta(days=1), today)
            weekdays = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
            weekdays = [d for d in weekdays if d.weekday() < 5]
            days += rng.choices(weekdays, k=per_year)
        regions = rng.choices(region_names, region_w, k=len(days))
        activities = rng.choices(activity_names, activity_w, k=len(days))
        generated += len(days)
        daily = Counter(zip(days, regions, activities, strict=True))
        daily_rows += len(daily)
        connection.executemany(
            "INSERT INTO daily_totals (owner_id, day, count) VALUES (?, ?, ?)",
            [(owner, d.isoformat(), c) for d, c in Counter(days).items()],
        )
        connection.executemany(
            "INSERT INTO daily_counts (owner_id, day, region, activity, count)"
            " VALUES (?, ?, ?, ?, ?)",
            [(owner, d.isoformat(), r, a, c) for (d, r, a), c in daily.items()],
        )
        if store_entries:
            connection.executemany(
                ENTRY_SQL,
                [
                    (str(uuid.uuid4()), owner, d.isoformat(), r, a, seq, stamp, stamp)
                    for seq, (d, r, a) in enumerate(zip(days, regions, activities, strict=True), 1)
                ],
            )
            connection.execute(
                "UPDATE change_counters SET last_seq = ? WHERE owner_id = ?", (len(days), owner)
            )
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return app, raw, ids[0][0], generated, daily_rows


WINDOW_SQL = (
    "SELECT w.owner_id, SUM(t.count) FROM (SELECT l.student_id AS owner_id, ? AS s, ? AS e"
    " FROM logbook_settings AS l) AS w JOIN {table} AS t ON t.owner_id = w.owner_id"
    " AND t.day BETWEEN w.s AND w.e GROUP BY w.owner_id"
)


def get(client, url: str, header: dict):
    """A GET that must succeed (timing error pages would be meaningless)."""

    def call():
        response = client.get(url, headers=header)
        assert response.status_code == 200, response.json

    return call


def raw_sum(connection: sqlite3.Connection, table: str):
    """Raw sqlite3: sum every student's last 365 days from `table`."""
    today = server_today()
    window = ((today - dt.timedelta(days=364)).isoformat(), today.isoformat())
    return lambda: connection.execute(WINDOW_SQL.format(table=table), window).fetchall()


def interleaved_medians(tasks: dict, runs: int) -> dict[str, float]:
    """Median ms of each task, run in turn (ABAB...) so that a busy machine slows all alike."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for i in range(runs + 2):
        for name, task in tasks.items():
            t0 = time.perf_counter()
            task()
            if i >= 2:  # two warm-up rounds
                times[name].append((time.perf_counter() - t0) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def spread_intakes(path: Path) -> None:
    """Give every student a different PgCert date (one period window each: the worst case)."""
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT student_id, pgcert_completed_on FROM logbook_settings")
    for n, (student, pgcert) in enumerate(list(rows)):
        shifted = dt.date.fromisoformat(pgcert) + dt.timedelta(days=n)
        connection.execute(
            "UPDATE logbook_settings SET pgcert_completed_on = ? WHERE student_id = ?",
            (shifted.isoformat(), student),
        )
    connection.commit()
    connection.close()


def main() -> None:
    """Build the 1x and 10x cohorts, time both side by side and print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--full-entries", action="store_true", help="store the 10x entries too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        built, tasks, dbs = {}, {}, {}
        for scale in (1, 10):
            path = Path(tmp) / f"cohort-x{scale}.sqlite"
            store = scale == 1 or args.full_entries
            t0 = time.perf_counter()
            app, raw, student, made, daily = make_database(path, args.students, 350 * scale, store)
            built[scale] = (made, made if store else 0, daily, time.perf_counter() - t0)
            client, header = app.test_client(), {"Authorization": f"Bearer {raw}"}
            connection = sqlite3.connect(path)
            dbs[scale] = (path, connection, client, header)
            tasks[f"students x{scale}"] = get(client, "/api/v1/students", header)
            tasks[f"progress x{scale}"] = get(
                client, f"/api/v1/students/{student}/progress", header
            )
            for table in ("daily_counts", "daily_totals"):
                tasks[f"{table} x{scale}"] = raw_sum(connection, table)
        ms = interleaved_medians(tasks, args.runs)
        spread = {}
        for scale, (path, connection, client, header) in dbs.items():
            connection.close()
            spread_intakes(path)
            spread[f"students x{scale}"] = get(client, "/api/v1/students", header)
        ms_spread = interleaved_medians(spread, args.runs)
    report(args, built, ms, ms_spread)


def report(args, built: dict, ms: dict, ms_spread: dict) -> None:
    """Print the figures and the x10/x1 ratios."""
    print(f"SQLite, {args.students} students x 3 logbook years, medians of {args.runs} runs;")
    print("the 1x and 10x databases are timed in turn (ABAB), so machine load hits both alike")
    for scale, (made, stored, daily, seconds) in built.items():
        print(
            f"  x{scale:<2}: {made:>9,} entries generated, {stored:>9,} stored in entries,"
            f" {daily:>9,} daily_counts rows (built in {seconds:.0f} s)\n"
            f"        GET /students {ms[f'students x{scale}']:7.1f} ms (4 intakes),"
            f" {ms_spread[f'students x{scale}']:7.1f} ms (all PgCert dates distinct)\n"
            f"        GET /students/<id>/progress {ms[f'progress x{scale}']:7.1f} ms\n"
            f"        raw SQL, every student's last 365 days summed: from daily_counts"
            f" {ms[f'daily_counts x{scale}']:.1f} ms, from daily_totals"
            f" {ms[f'daily_totals x{scale}']:.1f} ms"
        )

    def ratio(table: dict, name: str) -> str:
        return f"{table[f'{name} x10'] / table[f'{name} x1']:.2f}"

    print(
        f"  ratio x10/x1: GET /students {ratio(ms, 'students')}"
        f" (all dates distinct {ratio(ms_spread, 'students')}),"
        f" GET progress {ratio(ms, 'progress')},"
        f" daily_counts rows {built[10][2] / built[1][2]:.2f},"
        f" raw SQL daily_counts {ratio(ms, 'daily_counts')},"
        f" daily_totals {ratio(ms, 'daily_totals')}"
    )


if __name__ == "__main__":
    main()
