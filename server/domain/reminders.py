"""Who gets which reminder e-mail, and the key that makes each go once (pure).

Each reminder has a kind a person can turn off, and a key: the same (person, kind, key) is
never sent twice, so the command can run from cron daily, or hourly, and say each thing once.
E-mails carry counts, names of students (to their tutors) and links; never entry text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .pace import skill_fade

STUDENT_KINDS = {
    "gap": "A gap in your scanning",
    "pace": "Your pace against the target",
    "window": "Your year can be submitted",
    "waiting": "A return or a query waiting for you",
}
TUTOR_KINDS = {"digest": "The weekly digest of your students"}
KINDS = {**STUDENT_KINDS, **TUTOR_KINDS}


def week_key(today: dt.date) -> str:
    """The ISO week of a day, e.g. "2026-W49": a weekly reminder goes once a week."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Reminder:
    """One e-mail to write: its kind, its once-only key and its lines (counts and names)."""

    kind: str
    key: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class StudentFacts:
    """What the nudges to one student are decided from."""

    last_scanned_on: dt.date | None
    days_since_last_scan: int | None
    current_period: int | None
    status: str | None
    window_open: tuple[int, ...] = ()  # open years whose window is open
    returned: tuple[tuple[int, int], ...] = ()  # (year, submission id)
    open_queries: tuple[tuple[int, int, int], ...] = ()  # (year, submission id, count)


def student_reminders(facts: StudentFacts, today: dt.date, fade_days: int) -> list[Reminder]:
    """The nudges a student is due today."""
    out = []
    days = facts.days_since_last_scan
    if skill_fade(days, fade_days).warning:
        line = (
            f"It is {days} days since your last logged scan; "
            f"the skill-fade warning comes at {fade_days}."
        )
        out.append(Reminder("gap", f"gap:{facts.last_scanned_on}", (line,)))
    if facts.status == "at_risk":
        line = f"Your pace in year {facts.current_period} is behind the line to your target."
        out.append(Reminder("pace", week_key(today), (line,)))
    for n in facts.window_open:
        out.append(Reminder("window", f"window:{n}", (f"Year {n} can be submitted now.",)))
    for n, submission_id in facts.returned:
        line = f"Your tutor returned year {n} with a comment: correct it and submit it again."
        out.append(Reminder("waiting", f"returned:{submission_id}", (line,)))
    for n, submission_id, count in facts.open_queries:
        line = f"Your tutor queried {count} {'entry' if count == 1 else 'entries'} of year {n}."
        out.append(Reminder("waiting", f"query:{submission_id}:{count}", (line,)))
    return out


@dataclass(frozen=True)
class TutorFacts:
    """What a tutor's weekly digest says: names of their students, in groups."""

    waiting: list[str] = field(default_factory=list)  # "Sam Student (year 1)"
    at_risk: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    queries_answered: int = 0


def tutor_digest(facts: TutorFacts, today: dt.date) -> list[Reminder]:
    """The weekly digest, when there is anything to say."""
    groups = [
        ("Waiting for your sign-off", facts.waiting),
        ("At risk of missing the target", facts.at_risk),
        ("Gaps reaching the skill-fade threshold", facts.gaps),
    ]
    lines = [f"{title} ({len(names)}): {', '.join(names)}" for title, names in groups if names]
    if facts.queries_answered:
        lines.append(f"Queries answered by a fix: {facts.queries_answered}")
    return [Reminder("digest", week_key(today), tuple(lines))] if lines else []
