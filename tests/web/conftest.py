"""Helpers for web page tests: signing a test client in and posting forms with their token."""

from __future__ import annotations

import re

import pytest


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def sign_in_client(app, client, user_id: int) -> None:
    """Sign a test client in as a user without the form: a real server-side session row."""
    from server.auth import SESSION_KEY
    from server.extensions import db
    from server.models import User
    from server.services import sessions

    with app.app_context():
        raw, _row = sessions.start(db.session.get(User, user_id), "pytest")
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[SESSION_KEY] = raw


class WebSession:
    """A test client signed in as one user, posting forms as a browser would."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        sign_in_client(client.application, client, user.id)

    def get(self, path, **kwargs):
        """GET a page."""
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, page=None, **kwargs):
        """POST a form with the CSRF token taken from `page` (default: the path itself)."""
        html = self.client.get(page or path).get_data(as_text=True)
        data = dict(data or {}, csrf_token=csrf_from(html))
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def web_as(app):
    """web_as(user) -> a WebSession of a fresh client signed in as that user."""
    return lambda user: WebSession(app.test_client(), user)


def entry_data(entry_id: str, scanned_on: str, **fields) -> dict:
    """A complete entry as the app sends it."""
    data = {
        "id": entry_id,
        "scanned_on": scanned_on,
        "region": "shoulder",
        "side": "left",
        "activity": "diagnostic",
        "supervision": "independent",
        "clinical_question": "Painful arc",
        "findings": "Supraspinatus tendinopathy",
    }
    data.update(fields)
    return data


@pytest.fixture
def log_scans(app):
    """log_scans(student, [entry dicts], base_version=0) pushes them through the sync service."""
    import datetime as dt
    import uuid

    from tests.sync.helpers import push_ops

    def _log(student, entries, base_version=0):
        ops = [
            {
                "op_id": str(uuid.uuid4()),
                "entry_id": e["id"],
                "kind": "upsert",
                "base_version": base_version,
                "entry": e,
            }
            for e in entries
        ]
        results = []
        with app.app_context():
            for start in range(0, len(ops), 100):
                batch = ops[start : start + 100]
                results += push_ops(student.id, "test-device", batch, dt.date.today())
        assert {r["status"] for r in results} == {"applied"}, results
        return results

    return _log
