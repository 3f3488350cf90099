"""The cohort overview, a student's page, an entry and its comments, as tutors see them."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from server.extensions import db
from server.services import accounts
from tests.api.test_progress import TODAY, other_app
from tests.web.conftest import WebSession, entry_data


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _assign(app, tutor, *students):
    with app.app_context():
        for s in students:
            accounts.assign_tutor(tutor.email, s.email)
        db.session.commit()


def _recent(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def test_overview_filters_at_risk_and_gaps_and_sorts(app, make_user, log_scans, web_as):
    tutor = make_user("tutor")
    start = TODAY - dt.timedelta(days=200)
    busy = make_user(
        "student",
        name="Bea Busy",
        pgcert=start,
        registration_ends=start.replace(year=start.year + 3),
    )
    idle = make_user(
        "student",
        name="Ian Idle",
        pgcert=start,
        registration_ends=start.replace(year=start.year + 3),
    )
    make_user("student", name="Olga Other")
    _assign(app, tutor, busy, idle)
    log_scans(busy, [entry_data(_uuid(i), _recent(i % 150)) for i in range(180)])
    log_scans(idle, [entry_data(_uuid(1000), _recent(30))])
    page = web_as(tutor)
    html = page.get("/staff").get_data(as_text=True)
    assert "Bea Busy" in html and "Ian Idle" in html and "Olga Other" not in html
    assert html.index("Ian Idle") < html.index("Bea Busy")  # worst status first by default
    assert "180 / 300" in html and "At risk" in html and "On track" in html
    assert "30 days ago" in html
    at_risk = page.get("/staff?show=at_risk").get_data(as_text=True)
    assert "Ian Idle" in at_risk and "Bea Busy" not in at_risk
    gap = page.get("/staff?show=gap").get_data(as_text=True)
    assert "Ian Idle" in gap and "Bea Busy" not in gap
    by_name = page.get("/staff?sort=name&dir=desc").get_data(as_text=True)
    assert by_name.index("Ian Idle") < by_name.index("Bea Busy")
    assert 'aria-sort="descending"' in by_name


def test_student_page_searches_filters_and_pages(app, make_user, log_scans, web_as):
    tutor, student = make_user("tutor"), make_user("student", name="Sam Student")
    _assign(app, tutor, student)
    entries = [entry_data(_uuid(i), f"2026-0{1 + i % 6}-1{i % 9}") for i in range(30)]
    entries.append(
        entry_data(
            _uuid(99),
            "2026-07-20",
            region="knee",
            activity="injection",
            notes="Baker's cyst aspirated",
            critical_incident=True,
        )
    )
    log_scans(student, entries)
    page = web_as(tutor)
    url = f"/students/{student.id}?period=1"
    html = page.get(url).get_data(as_text=True)
    assert "31 entries." in html and "Page 1 of 2" in html and "Record of learning, year 1" in html
    assert "<svg" in html and "Scans logged in year 1 against the target" in html
    search = page.get(url + "&q=baker").get_data(as_text=True)
    assert "1 entry matches." in search and "aspirated" in search
    knee = page.get(url + "&region=knee&activity=injection").get_data(as_text=True)
    assert "1 entry matches." in knee and "Ultrasound-guided injection" in knee
    critical = page.get(url + "&critical=1").get_data(as_text=True)
    assert "1 entry matches." in critical
    second = page.get(url + "&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_tutor_comments_on_an_entry_and_the_app_pulls_it(
    app, make_user, log_scans, web_as, client, auth_header
):
    tutor, student = make_user("tutor", name="Tess Tutor"), make_user("student")
    _assign(app, tutor, student)
    log_scans(student, [entry_data(_uuid(5), "2026-03-14")])
    page = web_as(tutor)
    url = f"/students/{student.id}/entries/{_uuid(5)}"
    assert "No feedback yet." in page.get(url).get_data(as_text=True)
    empty = page.post(url + "/comments", {"body": "  "}, page=url)
    assert empty.status_code == 422 and "Write a comment first." in empty.get_data(as_text=True)
    done = page.post(url + "/comments", {"body": "Good image of the bursa."}, page=url)
    assert done.status_code == 302
    html = page.get(url).get_data(as_text=True)
    assert "Good image of the bursa." in html and "Tess Tutor" in html
    pulled = client.get("/api/v1/sync/pull?since=0", headers=auth_header(student)).get_json()
    assert [c["body"] for c in pulled["comments"]] == ["Good image of the bursa."]
    # The student reads it on the web too, without a form to comment.
    mine = web_as(student).get(url).get_data(as_text=True)
    assert "Good image of the bursa." in mine and "Add comment" not in mine


def test_unassigned_student_is_not_found_for_a_tutor(app, make_user, log_scans, web_as):
    tutor, student = make_user("tutor"), make_user("student")
    log_scans(student, [entry_data(_uuid(6), "2026-03-14")])
    page = web_as(tutor)
    assert page.get(f"/students/{student.id}").status_code == 404
    assert page.get(f"/students/{student.id}/entries/{_uuid(6)}").status_code == 404


def test_student_on_a_laptop_sees_their_logbook(app, make_user, log_scans, web_as):
    student = make_user("student", name="Sam Student")
    other = make_user("student")
    log_scans(student, [entry_data(_uuid(7), "2026-03-14")])
    me = web_as(student)
    staff = me.get("/staff")
    assert staff.status_code == 302 and staff.headers["Location"].endswith(
        f"/students/{student.id}"
    )
    html = me.get(f"/students/{student.id}?period=1").get_data(as_text=True)
    assert "My logbook" in html and "Painful arc" in html
    assert me.get(f"/students/{other.id}").status_code == 404


def test_every_form_refuses_a_post_without_its_csrf_token(app, make_user, web_as):
    admin = web_as(make_user("admin"))
    student = make_user("student")
    html = admin.get(f"/admin/users/{student.id}").get_data(as_text=True)
    actions = set(re.findall(r'<form method="post"[^>]*action="([^"]+)"', html))
    actions |= {
        "/admin/users/new",
        "/admin/import",
        f"/students/{student.id}/periods/1/submit",
        f"/students/{student.id}/entries/{_uuid(1)}/comments",
        "/submissions/1/sign-off",
        "/submissions/1/return",
        "/invitation/some-token",
        f"/students/{student.id}/import",
    }
    assert len(actions) >= 10
    for action in sorted(actions):
        response = admin.client.post(action, data={"name": "x", "comment": "x"})
        assert response.status_code == 400, action
    assert (
        "The CSRF token is missing" in response.get_data(as_text=True)
        or response.status_code == 400
    )


def test_gap_filter_and_days_ago_follow_skill_fade_days_and_the_time_zone(
    app, database_url, make_user, log_scans, web_as
):
    """SKILL_FADE_DAYS names and drives the gap filter; TIMEZONE decides the days since a scan."""
    tutor = make_user("tutor")
    gail = make_user("student", name="Gail Gap", pgcert=TODAY - dt.timedelta(days=100))
    _assign(app, tutor, gail)
    last = TODAY - dt.timedelta(days=7)
    log_scans(gail, [entry_data(_uuid(1), last.isoformat())])
    default = web_as(tutor).get("/staff?show=gap").get_data(as_text=True)
    assert "Gap of 14+ days" in default and "Gail Gap" not in default
    utc_today = dt.datetime.now(dt.UTC).date()
    # Whichever of UTC+14 and UTC-12 is on another date than UTC right now.
    zone = next(
        z
        for z in ("Pacific/Kiritimati", "Etc/GMT+12")
        if dt.datetime.now(ZoneInfo(z)).date() != utc_today
    )
    with other_app(database_url, SKILL_FADE_DAYS=5, TIMEZONE=zone) as configured:
        gap = WebSession(configured.test_client(), tutor).get("/staff?show=gap")
        html = gap.get_data(as_text=True)
        days = (dt.datetime.now(ZoneInfo(zone)).date() - last).days
    assert "Gap of 5+ days" in html and "Gail Gap" in html
    assert f"{days} days ago" in html


def test_a_gap_of_exactly_the_threshold_is_one_everywhere(
    app, database_url, make_user, log_scans, web_as, auth_header
):
    """One rule (domain.pace.skill_fade): the overview's gap filter, the progress warning and
    the cohort row agree at the boundary, SKILL_FADE_DAYS days since the last scan."""
    tutor = make_user("tutor")
    edge = make_user("student", name="Eda Edge", pgcert=TODAY - dt.timedelta(days=100))
    near = make_user("student", name="Nia Near", pgcert=TODAY - dt.timedelta(days=100))
    _assign(app, tutor, edge, near)
    log_scans(edge, [entry_data(_uuid(1), _recent(6))])
    log_scans(near, [entry_data(_uuid(2), _recent(5))])
    with other_app(database_url, SKILL_FADE_DAYS=6) as configured:
        client = configured.test_client()
        html = WebSession(client, tutor).get("/staff?show=gap").get_data(as_text=True)
        warnings = {
            s.name: client.get("/api/v1/progress", headers=auth_header(s)).json["skill_fade"]
            for s in (edge, near)
        }
    assert "Eda Edge" in html and "Nia Near" not in html
    assert warnings["Eda Edge"]["warning"] is True
    assert warnings["Nia Near"]["warning"] is False
