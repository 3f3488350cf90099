"""A demo cohort with realistic, anonymised entries, for trying the app.

It shows what a newcomer should see: students on track, at risk and past their target, one
whose gap since the last scan is over the skill-fade threshold today, tutor comments on
recent entries, a logbook year submitted and waiting for sign-off, and one signed off.
Entries go through the one entry writer (services.changes.EntryWriter), as a push's do.
Nothing here commits: the demo command does, once.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from ..extensions import db
from ..models import Entry, User
from . import accounts, sampling, submissions, sync
from .changes import EntryWriter

PASSWORD = "scanlog-demo"  # noqa: S105 - the demo cohort's published password
TUTOR_EMAIL = "tutor@demo.scanlog"
ADMIN_EMAIL = "admin@demo.scanlog"


@dataclass(frozen=True)
class DemoStudent:
    """One demo student: how long since the PgCert, how many scans, any gap, year 1's fate."""

    email: str
    name: str
    months_since_pgcert: int
    scans_per_week: float
    faded: bool = False  # no scans for a week longer than the skill-fade threshold
    year_one: str = "open"  # or "submitted" (waiting for sign-off) or "signed_off"


STUDENTS = [
    DemoStudent("amira@demo.scanlog", "Amira Khan", 7, 7.2),  # on track
    DemoStudent("ben@demo.scanlog", "Ben Okafor", 8, 3.1),  # at risk
    DemoStudent("chloe@demo.scanlog", "Chloe Evans", 6, 6.4, faded=True),  # a 3-week gap
    DemoStudent("daniel@demo.scanlog", "Daniel Price", 11, 6.9),  # target met
    DemoStudent("erin@demo.scanlog", "Erin Walsh", 16, 6.2, year_one="signed_off"),  # year 2
    DemoStudent("farah@demo.scanlog", "Farah Ahmed", 1, 5.0),  # just started
    DemoStudent("gareth@demo.scanlog", "Gareth Lewis", 13, 6.6, year_one="submitted"),
]
# The gap of a faded student: past the threshold by a week, so it shows for days to come.
FADE_MARGIN_DAYS = 8
COMMENTS = [
    "Good systematic views. Add a dynamic assessment next time.",
    "Nice Doppler settings. Document the probe frequency you used.",
]

REGION_WEIGHTS = {
    "shoulder": 34,
    "knee": 18,
    "ankle_foot": 14,
    "wrist_hand": 12,
    "elbow": 9,
    "hip_groin": 8,
    "other": 5,
}
QUESTIONS = {
    "shoulder": [
        "Painful arc ?RC tear",
        "Night pain, ?subacromial bursitis",
        "Weak ER after fall",
        "?LHB tendinopathy",
        "Frozen shoulder vs calcific tendinopathy",
    ],
    "knee": [
        "Anterior knee pain in runner",
        "Swelling post twisting injury",
        "?Baker's cyst",
        "Medial joint line pain",
    ],
    "ankle_foot": [
        "Lateral ankle sprain, ?ATFL",
        "Heel pain ?plantar fasciopathy",
        "Posterior heel pain ?Achilles",
        "Forefoot pain ?Morton's neuroma",
    ],
    "wrist_hand": [
        "Radial wrist pain ?De Quervain's",
        "Dorsal wrist lump",
        "Triggering ring finger",
        "?Carpal tunnel syndrome",
    ],
    "elbow": ["Lateral elbow pain", "Medial elbow pain in golfer", "?Olecranon bursitis"],
    "hip_groin": ["Lateral hip pain ?GTPS", "Groin pain in footballer", "?Hip effusion"],
    "other": ["Soft-tissue lump forearm", "Calf pain after sprint", "Abdominal wall lump"],
}
FINDINGS = [
    "Normal study",
    "Tendinopathy, no tear",
    "Partial-thickness tear",
    "Small effusion",
    "Bursitis",
    "Calcification",
    "Tenosynovitis",
    "Ganglion",
    "Full-thickness tear",
    "Enthesopathy",
    "Synovitis, Doppler +",
]
TECHNICAL = [
    "",
    "",
    "",
    "Anisotropy",
    "Large habitus, low frequency probe",
    "Limited ROM for dynamic views",
    "Doppler settings adjusted",
]
PATHWAY = [
    "Conservative management, physio",
    "Injection planned",
    "Referred to orthopaedics",
    "Discharged with advice",
    "MRI requested",
    "Guided injection performed",
]
ACTIVITIES = {"diagnostic": 75, "diagnostic_injection": 15, "injection": 10}
SUPERVISION = {"independent": 70, "indirect": 15, "direct": 10, "teaching": 5}
SIDES = {"right": 45, "left": 40, "bilateral": 10, "not_applicable": 5}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def _entry_fields(rng: random.Random, day: dt.date) -> dict:
    region = _pick(rng, REGION_WEIGHTS)
    activity = _pick(rng, ACTIVITIES)
    return {
        "scanned_on": day,
        "region": region,
        "side": "not_applicable" if region == "other" else _pick(rng, SIDES),
        "activity": activity,
        "supervision": _pick(rng, SUPERVISION),
        "clinical_question": rng.choice(QUESTIONS[region]),
        "technical_issues": rng.choice(TECHNICAL),
        "findings": rng.choice(FINDINGS),
        "pathway_role": "Guided injection performed"
        if activity != "diagnostic"
        else rng.choice(PATHWAY),
        "notes": "",
        "critical_incident": rng.random() < 0.01,
    }


def _scan_days(rng: random.Random, start: dt.date, end: dt.date, per_week: float) -> list[dt.date]:
    """Clinic days (weekdays) between start and end, with a Poisson-ish count per day."""
    days = []
    day = start
    per_weekday = per_week / 5
    while day <= end:
        if day.weekday() < 5:
            days.extend([day] * sum(rng.random() < per_weekday / 3 for _ in range(3)))
        day += dt.timedelta(days=1)
    return days


def load(today: dt.date, seed: int = 7, skill_fade_days: int = 14) -> list[str]:
    """Create the demo cohort (no commit); returns a summary, one line per account."""
    rng = random.Random(seed)
    accounts.create_user(ADMIN_EMAIL, "Sam Admin", "admin", PASSWORD)
    tutor = accounts.create_user(TUTOR_EMAIL, "Dr Priya Shah", "tutor", PASSWORD)
    lines = [f"admin {ADMIN_EMAIL}, tutor {TUTOR_EMAIL}"]
    for spec in STUDENTS:
        pgcert = _months_before(today, spec.months_since_pgcert)
        student = accounts.create_user(
            spec.email,
            spec.name,
            "student",
            PASSWORD,
            pgcert_completed_on=pgcert,
            registration_ends_on=dt.date(pgcert.year + 3, pgcert.month, pgcert.day)
            - dt.timedelta(days=1),
        )
        accounts.assign_tutor(TUTOR_EMAIL, spec.email)
        gap = skill_fade_days + FADE_MARGIN_DAYS if spec.faded else 0
        days = _scan_days(rng, pgcert, today - dt.timedelta(days=gap + 1), spec.scans_per_week)
        writer = EntryWriter(student.id, "demo")
        for day in days:
            writer.create(
                str(uuid.UUID(int=rng.getrandbits(128), version=4)), _entry_fields(rng, day)
            )
        writer.flush()
        line = f"student {spec.email}: PgCert {pgcert:%d %b %Y}, {len(days)} scans"
        lines.append(line + _year_one(spec, student, tutor, today))
    _comment_on_recent(tutor, STUDENTS[:2])
    return lines


def _year_one(spec: DemoStudent, student: User, tutor: User, today: dt.date) -> str:
    """Submit (and perhaps sign off) the student's first logbook year, as the spec says."""
    if spec.year_one == "open":
        return ""
    statement = "Fewer clinics than planned this year."  # used only when below target
    submission = submissions.submit(student, 1, today, statement)
    if spec.year_one == "submitted":
        return ", year 1 waiting for sign-off"
    for sampled in sampling.sample_of(submission):
        sampling.check(tutor, sampled.id, "checked", "")
    submissions.sign_off(tutor, submission, "A well-kept first year.")
    return ", year 1 signed off"


def _comment_on_recent(tutor: User, specs: list[DemoStudent]) -> None:
    """The tutor's feedback on each student's latest scan."""
    for spec, body in zip(specs, COMMENTS, strict=True):
        student = accounts.find_user_by_email(spec.email)
        entry_id = db.session.scalar(
            db.select(Entry.id)
            .where(Entry.owner_id == student.id)
            .order_by(Entry.scanned_on.desc(), Entry.seq.desc())
            .limit(1)
        )
        sync.add_comment(tutor, entry_id, body)
