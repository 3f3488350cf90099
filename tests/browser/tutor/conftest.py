"""Fixtures for the tutor and admin web flows (live server and Chromium: ../conftest.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from server.extensions import db
from server.models import User
from server.services import accounts
from tests.conftest import PASSWORD
from tests.sync.helpers import push_ops


@pytest.fixture
def new_laptop(browser, server):
    """Open a laptop browser (1280 x 800) on the live server; closed after the test.

    `bypass_csp=True` lets axe-core be injected (the pages' CSP forbids inline scripts).
    """
    contexts = []

    def _open(**options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(base_url=server.url, **options)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def web_sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in on the web sign-in page and wait to land."""
    page.goto("/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def days_ago(n: int) -> dt.date:
    """The date n days before today."""
    return dt.date.today() - dt.timedelta(days=n)


@dataclass(frozen=True)
class Person:
    """Who a test user is (plain values, usable outside the app context)."""

    id: int
    email: str
    name: str


def create_user(app, role: str, email: str, name: str, pgcert: dt.date | None = None) -> Person:
    """A user with the test password (a student's registration runs 3 years from `pgcert`)."""
    with app.app_context():
        user = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=PASSWORD,
            pgcert_completed_on=pgcert,
            registration_ends_on=pgcert.replace(year=pgcert.year + 3) if pgcert else None,
        )
        db.session.commit()
        return Person(user.id, user.email, user.name)


def make_student(app, email: str, name: str, *, into_year_2_days: int = 90) -> Person:
    """A student whose logbook year 2 started `into_year_2_days` days ago."""
    return create_user(app, "student", email, name, pgcert=days_ago(365 + into_year_2_days))


def assign(app, tutor: Person, *students: Person) -> None:
    """Make the tutor the students' tutor."""
    with app.app_context():
        for student in students:
            accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()


def seed_scans(app, student: Person, days: list[int], **fields) -> list[str]:
    """Scans `days` days ago, pushed through the sync service as a phone would; their ids."""
    ids, ops = [], []
    for n in days:
        entry_id = str(uuid.uuid4())
        ids.append(entry_id)
        entry = {
            "id": entry_id,
            "scanned_on": days_ago(n).isoformat(),
            "region": "shoulder",
            "side": "right",
            "activity": "diagnostic",
            "supervision": "independent",
            "clinical_question": "Painful arc",
            "findings": "Tendinopathy",
        }
        entry.update(fields)
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "entry_id": entry_id,
                "kind": "upsert",
                "base_version": 0,
                "entry": entry,
            }
        )
    with app.app_context():
        for start in range(0, len(ops), 100):
            push_ops(student.id, "seed", ops[start : start + 100], dt.date.today())
    return ids


def count_users(app) -> int:
    """How many users the server holds."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(User))


def wait_for_server(check, timeout: float = 10.0):
    """Poll a server-side condition until it is truthy (the app syncs in the background)."""
    import time

    end = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > end:
            raise AssertionError("The server never reached the expected state.")
        time.sleep(0.05)
    return result
