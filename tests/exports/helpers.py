"""A year of entries written through the one entry writer, for export and import tests."""

from __future__ import annotations

import datetime as dt
import uuid

from server.extensions import db
from server.services.changes import EntryWriter

REGIONS = ("shoulder", "elbow", "wrist_hand", "hip_groin", "knee", "ankle_foot", "other")
SIDES = ("left", "right", "bilateral", "not_applicable")
ACTIVITIES = ("diagnostic", "injection", "diagnostic_injection")
SUPERVISION = ("observed", "direct", "indirect", "independent", "teaching")
YEAR_ONE = dt.date(2025, 9, 1)  # make_user's PgCert date


def entry_fields(n: int, start: dt.date = YEAR_ONE) -> dict:
    """Entry n of a year: a day, the vocabulary in turn, a note long enough to wrap."""
    return {
        "scanned_on": start + dt.timedelta(days=n % 360),
        "region": REGIONS[n % 7],
        "side": SIDES[n % 4],
        "activity": ACTIVITIES[n % 3],
        "supervision": SUPERVISION[n % 5],
        "clinical_question": f"Scan {n}: pain on resisted abduction – ≥ 6 weeks, café worker",
        "findings": "Partial tear" if n % 2 else "Normal",
        "notes": (
            "Long reflective note about probe handling and anisotropy. " * (1 + n % 4)
        ).strip(),
        "critical_incident": n % 50 == 0,
    }


def add_entries(app, student_id: int, count: int, start: dt.date = YEAR_ONE) -> list[str]:
    """Write `count` entries of one student (committed); returns their ids."""
    with app.app_context():
        writer = EntryWriter(student_id, "test")
        ids = []
        for n in range(count):
            entry_id = str(uuid.uuid4())
            writer.create(entry_id, entry_fields(n, start))
            ids.append(entry_id)
        writer.flush()
        db.session.commit()
        return ids
