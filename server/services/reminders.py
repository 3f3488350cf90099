"""Reminder e-mails: who is due what (domain/reminders.py), each sent once, opt-outs honoured.

`send` writes a SentReminder row (unique per person, kind and key) with each e-mail and
commits it once the mail server took the message, so a second run says nothing again.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from ..domain import reminders as rules
from ..domain import windows
from ..extensions import db
from ..models import ReminderOptOut, SentReminder, User
from . import sampling, signoff, submissions
from .cohort import cohort_rows
from .invitations import send_mail
from .progress import skill_fade_days, student_progress

_SALT = "reminder-opt-out"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def opt_out_token(user: User, kind: str) -> str:
    """The signed token of the link that turns one kind of reminder off for one person."""
    return _signer().dumps([user.id, kind])


def read_opt_out_token(token: str) -> tuple[User, str] | None:
    """The person and kind a link's token names, or None for a forged or stale token."""
    try:
        user_id, kind = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return (user, kind) if user is not None and kind in rules.KINDS else None


def turned_off(user: User) -> set[str]:
    """The kinds this person turned off."""
    return set(
        db.session.scalars(select(ReminderOptOut.kind).where(ReminderOptOut.user_id == user.id))
    )


def set_kinds_off(user: User, kinds: set[str]) -> None:
    """Turn exactly these kinds off for the person (the rest on). Flushes."""
    current = turned_off(user)
    for kind in current - kinds:
        db.session.delete(db.session.get(ReminderOptOut, (user.id, kind)))
    db.session.add_all(ReminderOptOut(user_id=user.id, kind=k) for k in kinds - current)
    db.session.flush()


def kinds_for(user: User) -> dict[str, str]:
    """The kinds of reminder a person can get, with their names."""
    return rules.STUDENT_KINDS if user.role == "student" else rules.TUTOR_KINDS


def _student_facts(student: User, today: dt.date) -> rules.StudentFacts:
    report = student_progress(student, today)
    latest = submissions.latest_by_period(student.id)
    days = submissions.opens_days()
    window, returned, queries = [], [], []
    for p in report.periods:
        row = latest.get(p.number)
        state = submissions.state_of(row)
        if state == "open" and p.status != "upcoming" and windows.window_open(p, today, days):
            window.append(p.number)
        elif state == "returned":
            returned.append((p.number, row.id))
        elif state == "submitted":
            counts = sampling.counts(row)
            if counts.queried > counts.resolved:
                queries.append((p.number, row.id, counts.queried - counts.resolved))
    current = next((p for p in report.periods if p.number == report.current_period), None)
    return rules.StudentFacts(
        report.last_scanned_on,
        report.days_since_last_scan,
        report.current_period,
        current.status if current else None,
        tuple(window),
        tuple(returned),
        tuple(queries),
    )


def _tutor_facts(tutor: User, today: dt.date) -> rules.TutorFacts:
    waiting, at_risk, gaps, answered = [], [], [], 0
    for row in signoff.with_queue(cohort_rows(tutor, today)):
        waiting.extend(f"{row.name} (year {n})" for n in row.awaiting_signoff)
        if row.status == "at_risk":
            at_risk.append(row.name)
        if row.skill_fade_warning:
            gaps.append(row.name)
        answered += sum(
            sampling.counts(submissions.latest(row.id, n)).resolved for n in row.awaiting_signoff
        )
    return rules.TutorFacts(waiting, at_risk, gaps, answered)


def due(today: dt.date) -> list[tuple[User, rules.Reminder]]:
    """Every reminder due today, before opt-outs and the sent log are asked."""
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(("student", "tutor")))
    )
    out = []
    for user in people:
        if user.role == "student":
            found = rules.student_reminders(_student_facts(user, today), today, skill_fade_days())
        else:
            found = rules.tutor_digest(_tutor_facts(user, today), today)
        out.extend((user, r) for r in found)
    return out


def _body(user: User, reminder: rules.Reminder, base_url: str) -> str:
    off = f"{base_url}/reminders/off/{opt_out_token(user, reminder.kind)}"
    return (
        f"Hello {user.name},\n\n"
        + "\n".join(reminder.lines)
        + f"\n\nOpen ScanLog: {base_url}/\n\n"
        + f"Stop these e-mails ({rules.KINDS[reminder.kind].lower()}): {off}\n"
        + f"Choose which reminders you get: {base_url}/account/reminders\n"
    )


def send(today: dt.date, dry_run: bool = False) -> list[str]:
    """Send what is due and not yet sent (each person, kind and key once); lines saying what.

    A dry run sends and records nothing. Each e-mail is committed with its SentReminder row
    once the mail server took it; a failed send is rolled back and tried on the next run.
    """
    base_url = current_app.config["PUBLIC_URL"].rstrip("/")
    done = []
    for user, reminder in due(today):
        if reminder.kind in turned_off(user) or db.session.scalar(
            select(SentReminder.id).where(
                SentReminder.user_id == user.id,
                SentReminder.kind == reminder.kind,
                SentReminder.key == reminder.key,
            )
        ):
            continue
        line = f"{user.email}: {reminder.kind} ({len(reminder.lines)} lines)"
        if dry_run:
            done.append(f"would send {line}")
            continue
        db.session.add(SentReminder(user_id=user.id, kind=reminder.kind, key=reminder.key))
        db.session.flush()
        subject = f"ScanLog: {rules.KINDS[reminder.kind].lower()}"
        if send_mail(user, subject, _body(user, reminder, base_url)):
            db.session.commit()
            done.append(f"sent {line}")
        else:
            db.session.rollback()
            done.append(f"not sent (mail server refused or not configured) {line}")
    return done
