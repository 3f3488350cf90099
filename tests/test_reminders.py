"""Reminder e-mails through a real SMTP server (aiosmtpd on 127.0.0.1): who gets what, each
once whatever the schedule, opt-outs honoured, and never a word of an entry's text."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete

from server.domain.reminders import StudentFacts, student_reminders
from server.extensions import db
from server.models import SentReminder, User
from server.services import accounts, submissions
from tests.sync.helpers import new_id, push_ops, upsert
from tests.web.conftest import WebSession

TODAY = dt.date.today()
SECRET = "Zebra-knee-secret-finding"  # in every entry's text; must be in no e-mail


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Keep the message."""
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[str]:
        """The bodies of the messages sent to one address."""
        return [m.get_payload(decode=True).decode() for m in self.messages if m["To"] == address]


@pytest.fixture
def inbox(app):
    """A real SMTP server on a free port of 127.0.0.1, wired into the app's mail settings."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_URL="http://scanlog.test")
    yield handler
    controller.stop()


def scans(app, student, days_ago: list[int]) -> list[str]:
    """Entries `days_ago` days back, with text that must never reach an e-mail."""
    ids = [new_id() for _ in days_ago]
    ops = [
        upsert(i, scanned_on=(TODAY - dt.timedelta(days=n)).isoformat(), notes=SECRET)
        for i, n in zip(ids, days_ago, strict=True)
    ]
    with app.app_context():
        push_ops(student.id, "seed", ops, TODAY)
    return ids


@pytest.fixture
def cohort(app, make_user):
    """A tutor; Gail with a 40-day gap; Sam with year 1 submitted, one sampled entry queried."""
    tutor = make_user("tutor", email="tutor@example.org", name="Tess Tutor")
    gail = make_user("student", email="gail@example.org", name="Gail Gap")
    sam = make_user("student", email="sam@example.org", name="Sam Submitted")
    scans(app, gail, [40])
    ids = scans(app, sam, [120, 121, 1])  # two in year 1 (ended 31 Aug), one this week
    with app.app_context():
        for s in (gail, sam):
            accounts.assign_tutor(tutor.email, s.email)
        row = submissions.submit(db.session.get(User, sam.id), 1, TODAY, "A short year.")
        from server.services import sampling

        sampling.check(db.session.get(User, tutor.id), ids[0], "query", "Which side?")
        db.session.commit()
        assert row.id
    return tutor, gail, sam


def send(app, *args):
    """Run `flask reminders send` and return its output."""
    result = app.test_cli_runner().invoke(args=["reminders", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_who_gets_what_once_and_never_entry_text(app, inbox, cohort):
    tutor, gail, sam = cohort
    out = send(app)
    assert "sent tutor@example.org: digest" in out
    (digest,) = inbox.to("tutor@example.org")
    assert "Waiting for your sign-off (1): Sam Submitted (year 1)" in digest
    assert "Gaps reaching the skill-fade threshold (1): Gail Gap" in digest
    gail_mail = " ".join(inbox.to("gail@example.org"))
    assert "It is 40 days since your last logged scan" in gail_mail
    assert "Year 1 can be submitted now." in gail_mail
    sam_mail = " ".join(inbox.to("sam@example.org"))
    assert "Your tutor queried 1 entry of year 1." in sam_mail
    assert "since your last logged scan" not in sam_mail
    assert all(
        SECRET not in m.as_string() and "Which side?" not in m.as_string() for m in inbox.messages
    )
    sent = len(inbox.messages)

    assert "0 reminders handled" in send(app)  # the same day again: nothing new
    assert len(inbox.messages) == sent


def test_a_dry_run_prints_and_sends_nothing(app, inbox, cohort):
    out = send(app, "--dry-run")
    assert "would send tutor@example.org: digest" in out
    assert inbox.messages == []
    assert send(app).count("sent ") == out.count("would send")


def test_the_link_in_the_email_turns_that_kind_off(app, inbox, cohort):
    send(app)
    body = next(b for b in inbox.to("gail@example.org") if "last logged scan" in b)
    link = re.search(r"Stop these e-mails \(a gap in your scanning\): (\S+)", body).group(1)
    path = link.removeprefix("http://scanlog.test")
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert "Done" in client.post(path, data={"csrf_token": token}).get_data(as_text=True)
    assert client.get("/reminders/off/forged-token").status_code == 404

    with app.app_context():  # as if the schedule came round again
        db.session.execute(delete(SentReminder))
        db.session.commit()
    inbox.messages.clear()
    send(app)
    gail_mail = " ".join(inbox.to("gail@example.org"))
    assert "last logged scan" not in gail_mail  # turned off
    assert "Year 1 can be submitted now." in gail_mail  # other kinds still on
    assert inbox.to("tutor@example.org")


def test_the_account_page_turns_kinds_off(app, inbox, cohort):
    tutor, _, _ = cohort
    me = WebSession(app.test_client(), tutor)
    assert "The weekly digest of your students" in me.get("/account/reminders").get_data(
        as_text=True
    )
    me.post("/account/reminders", {})  # nothing ticked: every kind off
    send(app)
    assert inbox.to("tutor@example.org") == []


def test_the_gap_reminder_comes_at_the_skill_fade_threshold_not_a_day_later():
    """The student's gap nudge follows the one skill-fade rule: on at N days, off at N-1."""
    today = dt.date(2026, 12, 2)

    def kinds(days):
        facts = StudentFacts(today - dt.timedelta(days=days), days, 1, "on_track")
        return [r.kind for r in student_reminders(facts, today, 14)]

    assert "gap" in kinds(14)
    assert "gap" not in kinds(13)
