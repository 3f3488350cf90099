"""`flask retention --left-before DATE`: students who left go, with every row of theirs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Comment, User
from server.services import accounts, submissions
from tests.sync.helpers import check_integrity, new_id, pull_all, push_ok, upsert


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["retention", *args], input=input)


def _rows(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        }


def _world(app, client, make_user, auth_header):
    """A student who left in 2025 and one still registered, both with full logbooks."""
    gone = make_user(pgcert=dt.date(2022, 7, 1), registration_ends=dt.date(2025, 6, 30))
    stays = make_user()
    tutor = make_user("tutor")
    with app.app_context():
        for student in (gone, stays):
            accounts.assign_tutor(tutor.email, student.email)
        db.session.commit()
    for student in (gone, stays):
        header = auth_header(student)
        ids = [new_id() for _ in range(3)]
        push_ok(client, header, [upsert(i, scanned_on="2023-03-01") for i in ids])
        conflict = push_ok(client, header, [upsert(ids[0], base=0, notes="other phone")])
        assert conflict[0]["status"] == "conflict"
        answer = client.post(
            f"/api/v1/entries/{ids[1]}/comments", json={"body": "Fine."}, headers=auth_header(tutor)
        )
        assert answer.status_code == 201
    with app.app_context():
        submissions.submit(db.session.get(User, gone.id), 1, dt.date(2023, 7, 2), "A short year.")
        db.session.commit()  # the service flushes; the action commits
    return gone, stays, tutor


def _listed(output: str) -> dict[str, int]:
    """The per-table counts the command printed."""
    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return {table: int(n) for table, n in rows}


def _rows_referring_to(app, user_id: int) -> dict[str, int]:
    """Rows of every table with a column pointing at the user (should all be gone)."""
    found = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name == "users":
                    n = db.session.scalar(
                        select(func.count()).select_from(table).where(fk.parent == user_id)
                    )
                    if n:
                        found[f"{table.name}.{fk.parent.name}"] = n
            if table.name == "users" and db.session.get(User, user_id) is not None:
                found["users"] = 1
    return found


def test_dry_run_shows_the_counts_and_changes_nothing(app, client, make_user, auth_header):
    """The count comes first; a dry run (or a 'no') leaves every row in place."""
    _world(app, client, make_user, auth_header)
    before = _rows(app)
    dry = _run(app, "--left-before", "2025-09-01", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would remove the logbooks of 1 student(s)" in dry.output
    assert "entries              3" in dry.output and "Dry run" in dry.output
    declined = _run(app, "--left-before", "2025-09-01", input="n\n")
    assert declined.exit_code != 0 and "Remove them for good?" in declined.output
    assert _rows(app) == before


def test_removal_takes_every_row_of_the_leaver_and_nothing_of_others(
    app, client, make_user, auth_header, token_for
):
    """Entries, comments, submissions, counts, ops, copies, tokens, user: all gone; others kept."""
    gone, stays, tutor = _world(app, client, make_user, auth_header)
    stays_header = auth_header(stays)
    kept_before = pull_all(client, stays_header)
    assert _rows_referring_to(app, gone.id)  # the leaver has rows everywhere to begin with
    dry = _run(app, "--left-before", "2025-09-01", "--dry-run")
    before = _rows(app)

    done = _run(app, "--left-before", "2025-09-01", "--yes")
    assert done.exit_code == 0, done.output
    listed = _listed(done.output)
    assert listed == _listed(dry.output)  # what the count said is what went
    assert _rows_referring_to(app, gone.id) == {}
    after = _rows(app)
    removed = {t: before[t] - after[t] for t in before}
    removed["audit_events"] += 1  # the retention's own event arrived
    assert {t: n for t, n in removed.items() if n} == listed
    assert {"entries", "comments", "submissions", "submission_entries", "daily_counts",
            "sync_ops", "conflict_copies", "device_tokens", "users"} <= set(listed)  # fmt: skip

    assert pull_all(client, stays_header) == kept_before
    check_integrity(app, stays.id)
    with app.app_context():
        assert db.session.get(User, tutor.id) is not None
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "retention_removed")
        )
        assert event is not None and gone.email not in event.detail
        assert "1 students" in event.detail
    again = _run(app, "--left-before", "2025-09-01", "--yes")
    assert "No student's registration ended before" in again.output


def test_a_date_in_the_future_is_refused(app, make_user):
    """Students still registered are never removed by a date past today."""
    student = make_user(registration_ends=dt.date(2026, 1, 1))
    result = _run(app, "--left-before", "2099-01-01", "--yes")
    assert result.exit_code != 0 and "after today" in result.output
    with app.app_context():
        assert db.session.get(User, student.id) is not None
