"""GET /students (the cohort overview) and GET /students/<id>/entries."""

from __future__ import annotations

from sqlalchemy import event

from server.extensions import db
from tests.api.test_progress import DAY, TODAY, add_entries, assign, delete_entry


def test_tutor_sees_only_assigned_students_with_this_years_figures(
    app, client, make_user, auth_header
):
    """Rows carry the current year's count, target, status, pace and last scan."""
    tutor, admin = make_user("tutor"), make_user("admin")
    busy = make_user("student", name="Ann Busy", pgcert=TODAY - 56 * DAY)
    idle = make_user("student", name="Bob Idle", pgcert=TODAY - 56 * DAY)
    undated = make_user("student", name="Cy Undated", pgcert=None, registration_ends=None)
    unassigned = make_user("student", name="Dee Elsewhere")
    for student in (busy, idle, undated):
        assign(app, tutor, student)
    add_entries(app, busy, [(TODAY - d * DAY, "knee", "diagnostic") for d in range(56)])
    add_entries(app, idle, [(TODAY - 30 * DAY, "shoulder", "diagnostic")])

    response = client.get("/api/v1/students", headers=auth_header(tutor))

    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json}
    assert list(rows) == ["Ann Busy", "Bob Idle", "Cy Undated"]
    ann, bob, cy = rows.values()
    assert (ann["current_period"], ann["count"], ann["target"], ann["status"]) == (
        1,
        56,
        300,
        "on_track",
    )
    assert ann["last_scanned_on"] == TODAY.isoformat() and ann["days_since_last_scan"] == 0
    assert ann["projected_count"] > 300
    assert (bob["count"], bob["status"], bob["days_since_last_scan"]) == (1, "at_risk", 30)
    assert bob["skill_fade_warning"] is True and bob["needed_per_week"] > 0
    assert cy["count"] is None and cy["status"] is None and "administrator" in cy["message"]
    everyone = client.get("/api/v1/students", headers=auth_header(admin)).json
    assert {row["name"] for row in everyone} == {
        "Ann Busy",
        "Bob Idle",
        "Cy Undated",
        unassigned.name,
    }


def test_a_student_gets_403_on_the_cohort(client, make_user, auth_header):
    """Students cannot list students."""
    response = client.get("/api/v1/students", headers=auth_header(make_user("student")))
    assert response.status_code == 403 and response.json["code"] == 403


def test_cohort_query_count_does_not_grow_with_students_or_entries(
    app, client, make_user, auth_header
):
    """An intake of 12 costs the same number of SQL statements as an intake of 2."""
    admin = make_user("admin")
    header = auth_header(admin)

    def statements():
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get("/api/v1/students", headers=header).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for _ in range(2):
        add_entries(app, make_user("student"), [(TODAY, "knee", "diagnostic")])
    few = statements()
    for _ in range(10):
        add_entries(
            app, make_user("student"), [(TODAY - d * DAY, "knee", "injection") for d in range(20)]
        )
    assert statements() == few


def test_entries_are_paged_newest_first_fifty_a_page(app, client, make_user, auth_header):
    """60 live entries make two pages; deleted entries are left out."""
    tutor = make_user("tutor")
    student = make_user("student", pgcert=TODAY - 200 * DAY)
    assign(app, tutor, student)
    ids = add_entries(app, student, [(TODAY - d * DAY, "knee", "diagnostic") for d in range(61)])
    delete_entry(app, ids[0])
    url = f"/api/v1/students/{student.id}/entries"

    first = client.get(url, headers=auth_header(tutor)).json
    second = client.get(f"{url}?page=2", headers=auth_header(tutor)).json

    assert (first["total"], first["pages"], first["page"], len(first["entries"])) == (60, 2, 1, 50)
    assert first["entries"][0]["scanned_on"] == (TODAY - DAY).isoformat()
    days = [e["scanned_on"] for e in first["entries"] + second["entries"]]
    assert days == sorted(days, reverse=True) and len(set(days)) == 60
    assert ids[0] not in {e["id"] for e in first["entries"] + second["entries"]}
    assert set(first["entries"][0]) >= {"id", "region", "side", "version", "seq", "deleted"}


def test_entries_of_one_period_and_who_may_read_them(app, client, make_user, auth_header):
    """?period=n keeps that year's entries; strangers get 404, students 403, bad input 422."""
    tutor, stranger = make_user("tutor"), make_user("tutor")
    pgcert = TODAY - 400 * DAY
    student = make_user("student", pgcert=pgcert, registration_ends=pgcert + 3 * 365 * DAY)
    assign(app, tutor, student)
    add_entries(app, student, [(pgcert, "knee", "diagnostic"), (TODAY, "elbow", "injection")])
    url = f"/api/v1/students/{student.id}/entries"
    header = auth_header(tutor)

    year1 = client.get(f"{url}?period=1", headers=header).json
    assert [e["scanned_on"] for e in year1["entries"]] == [pgcert.isoformat()]
    assert client.get(f"{url}?period=2", headers=header).json["total"] == 1
    assert client.get(f"{url}?period=9", headers=header).status_code == 404
    assert client.get(f"{url}?page=0", headers=header).status_code == 422
    assert client.get(url, headers=auth_header(stranger)).status_code == 404
    assert client.get(url, headers=auth_header(student)).status_code == 403
