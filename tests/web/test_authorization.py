"""Who may use every route (web and API), generated from app.url_map.

Each route is listed in ROUTES with the outcome for six people: anonymous, student A,
student B, A's tutor, another tutor and an admin. A new route fails
test_every_route_is_listed until someone adds a row here and so decides who may use it.
Outcomes are status codes; LOGIN means "redirected to the sign-in page".
CSRF is off in this module (its own app) so the check is about authorization only;
tests/web/test_tutor_pages.py proves every form refuses a post without its token.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.auth import tokens
from server.extensions import db
from server.models import DeviceToken, User
from server.services import accounts, invitations, sessions, submissions
from tests.conftest import make_app, wipe
from tests.web.conftest import sign_in_client

LOGIN = "login"
ACTORS = ("anonymous", "student_a", "student_b", "tutor_a", "tutor_other", "admin")
ENTRY = "00000000-0000-4000-8000-0000000000aa"
CSV = (
    "name,email,role,pgcert_completed,registration_ends,tutor_email\nNew,new@example.org,tutor,,,\n"
)

# (method, rule) -> (url template, request body, outcomes for ACTORS in order)
# Templates use the ids of the world below: {a} {b} student ids, {tutor} A's tutor,
# {entry} an entry of A, {sub} A's submitted year 1, {dev} a device token of A, {invite} a
# valid invitation token (of student B), {sess} a web session of A.
W = "web"
ROUTES = {
    # Public pages and files
    ("GET", "/"): ("/", None, (200, 200, 200, 302, 302, 302)),
    ("GET", "/<any(css, js, icons):folder>/<path:name>"): ("/css/app.css", None, (200,) * 6),
    ("GET", "/manifest.webmanifest"): ("/manifest.webmanifest", None, (200,) * 6),
    ("GET", "/sw.js"): ("/sw.js", None, (200,) * 6),
    ("GET", "/static/<path:filename>"): ("/static/css/web.css", None, (200,) * 6),
    ("GET", "/healthz"): ("/healthz", None, (200,) * 6),
    ("GET", "/signin"): ("/signin", None, (200, 302, 302, 302, 302, 302)),
    ("POST", "/signin"): (
        "/signin",
        {"email": "x@example.org", "password": "wrong-one!"},
        (401, 302, 302, 302, 302, 302),
    ),
    ("POST", "/signout"): ("/signout", {}, (LOGIN, 302, 302, 302, 302, 302)),
    ("GET", "/invitation/<token>"): ("/invitation/{invite}", None, (200,) * 6),
    ("POST", "/invitation/<token>"): ("/invitation/{invite}", {"password": "short"}, (422,) * 6),
    # Staff and student pages
    ("GET", "/staff"): ("/staff", None, (LOGIN, 302, 302, 200, 200, 200)),
    ("GET", "/students/<int:student_id>"): (
        "/students/{a}",
        None,
        (LOGIN, 200, 404, 200, 404, 200),
    ),
    ("GET", "/students/<int:student_id>/entries/<entry_id>"): (
        "/students/{a}/entries/{entry}",
        None,
        (LOGIN, 200, 404, 200, 404, 200),
    ),
    ("POST", "/students/<int:student_id>/entries/<entry_id>/comments"): (
        "/students/{a}/entries/{entry}/comments",
        {"body": "Good scan."},
        (LOGIN, 403, 403, 302, 404, 302),
    ),
    ("POST", "/students/<int:student_id>/periods/<int:number>/submit"): (
        "/students/{a}/periods/2/submit",
        {},
        (LOGIN, 302, 404, 403, 403, 403),
    ),
    ("POST", "/submissions/<int:submission_id>/sign-off"): (
        "/submissions/{sub}/sign-off",
        {"comment": ""},
        (LOGIN, 403, 403, 302, 404, 403),
    ),
    ("POST", "/submissions/<int:submission_id>/return"): (
        "/submissions/{sub}/return",
        {"comment": "Add findings."},
        (LOGIN, 403, 403, 302, 404, 403),
    ),
    ("POST", "/submissions/<int:submission_id>/entries/<entry_id>/check"): (
        "/submissions/{sub}/entries/{entry}/check",
        {"result": "checked"},
        (LOGIN, 403, 403, 302, 404, 302),
    ),
    ("POST", "/submissions/<int:submission_id>/reopen"): (
        "/submissions/{sub}/reopen",
        {"reason": "Wrong date."},
        (LOGIN, 403, 403, 302, 404, 302),  # staff pass (not signed off: a flash says so)
    ),
    # Reminder e-mail choices (issue 13): a signed link (a forged one is 404), the account page.
    ("GET", "/reminders/off/<token>"): ("/reminders/off/forged", None, (404,) * 6),
    ("POST", "/reminders/off/<token>"): ("/reminders/off/forged", {}, (404,) * 6),
    ("GET", "/account/reminders"): ("/account/reminders", None, (LOGIN, 200, 200, 200, 200, 200)),
    ("POST", "/account/reminders"): ("/account/reminders", {}, (LOGIN, 302, 302, 302, 302, 302)),
    # Admin pages
    ("GET", "/admin/users"): ("/admin/users", None, (LOGIN, 403, 403, 403, 403, 200)),
    ("GET", "/admin/users/new"): ("/admin/users/new", None, (LOGIN, 403, 403, 403, 403, 200)),
    ("POST", "/admin/users/new"): (
        "/admin/users/new",
        {"name": "N", "email": "n@example.org", "role": "tutor", "annual_target": "300"},
        (LOGIN, 403, 403, 403, 403, 200),
    ),
    ("GET", "/admin/users/<int:user_id>"): (
        "/admin/users/{a}",
        None,
        (LOGIN, 403, 403, 403, 403, 200),
    ),
    ("POST", "/admin/users/<int:user_id>"): (
        "/admin/users/{a}",
        {"name": "A", "email": "a@example.org"},
        (LOGIN, 403, 403, 403, 403, 302),
    ),
    ("POST", "/admin/users/<int:user_id>/logbook"): (
        "/admin/users/{a}/logbook",
        {
            "pgcert_completed_on": "2025-09-01",
            "registration_ends_on": "2028-08-31",
            "annual_target": "300",
        },
        (LOGIN, 403, 403, 403, 403, 302),
    ),
    ("POST", "/admin/users/<int:user_id>/tutors"): (
        "/admin/users/{b}/tutors",
        {"tutor_id": "{tutor}"},
        (LOGIN, 403, 403, 403, 403, 302),
    ),
    ("POST", "/admin/users/<int:user_id>/tutors/<int:tutor_id>/remove"): (
        "/admin/users/{a}/tutors/{tutor}/remove",
        {},
        (LOGIN, 403, 403, 403, 403, 302),
    ),
    ("POST", "/admin/users/<int:user_id>/invitation"): (
        "/admin/users/{b}/invitation",
        {},
        (LOGIN, 403, 403, 403, 403, 200),
    ),
    ("POST", "/admin/users/<int:user_id>/active"): (
        "/admin/users/{b}/active",
        {},
        (LOGIN, 403, 403, 403, 403, 302),
    ),
    ("POST", "/admin/users/<int:user_id>/devices/<int:token_id>/revoke"): (
        "/admin/users/{a}/devices/{dev}/revoke",
        {},
        (LOGIN, 403, 403, 403, 403, 302),
    ),
    # Your own account: everyone signed in; sessions and devices only their owner's (else 404)
    ("GET", "/account"): ("/account", None, (LOGIN, 200, 200, 200, 200, 200)),
    ("POST", "/account/password"): (
        "/account/password",
        {"current": "wrong-one!", "password": "short", "confirm": "short"},
        (LOGIN, 422, 422, 422, 422, 422),
    ),
    ("POST", "/account/sessions/<int:session_id>/end"): (
        "/account/sessions/{sess}/end",
        {},
        (LOGIN, 302, 404, 404, 404, 404),
    ),
    ("POST", "/account/devices/<int:token_id>/revoke"): (
        "/account/devices/{dev}/revoke",
        {},
        (LOGIN, 302, 404, 404, 404, 404),
    ),
    ("GET", "/admin/import"): ("/admin/import", None, (LOGIN, 403, 403, 403, 403, 200)),
    ("POST", "/admin/import"): (
        "/admin/import",
        {"csv_text": CSV},
        (LOGIN, 403, 403, 403, 403, 200),
    ),
    # API (bearer tokens)
    ("POST", "/api/v1/auth/token"): (
        "/api/v1/auth/token",
        {"email": "x@example.org", "password": "wrong-one!", "device_name": "t"},
        (401,) * 6,
    ),
    ("DELETE", "/api/v1/auth/token"): ("/api/v1/auth/token", None, (401, 204, 204, 204, 204, 204)),
    ("GET", "/api/v1/me"): ("/api/v1/me", None, (401, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/openapi.json"): ("/api/v1/openapi.json", None, (200,) * 6),
    ("GET", "/api/v1/vocabulary"): ("/api/v1/vocabulary", None, (200,) * 6),
    ("GET", "/api/v1/progress"): ("/api/v1/progress", None, (401, 200, 200, 403, 403, 403)),
    ("GET", "/api/v1/students"): ("/api/v1/students", None, (401, 403, 403, 200, 200, 200)),
    ("GET", "/api/v1/students/<int:student_id>/entries"): (
        "/api/v1/students/{a}/entries",
        None,
        (401, 403, 403, 200, 404, 200),
    ),
    ("GET", "/api/v1/students/<int:student_id>/progress"): (
        "/api/v1/students/{a}/progress",
        None,
        (401, 403, 403, 200, 404, 200),
    ),
    ("POST", "/api/v1/entries/<entry_id>/comments"): (
        "/api/v1/entries/{entry}/comments",
        {"body": "Good scan."},
        (401, 403, 403, 201, 404, 201),
    ),
    ("POST", "/api/v1/sync/push"): (
        "/api/v1/sync/push",
        {"device_id": "d", "ops": []},
        (401, 200, 200, 403, 403, 403),
    ),
    ("GET", "/api/v1/sync/pull"): (
        "/api/v1/sync/pull?since=0",
        None,
        (401, 200, 200, 403, 403, 403),
    ),
    ("GET", "/api/v1/sync/conflicts"): (
        "/api/v1/sync/conflicts",
        None,
        (401, 200, 200, 403, 403, 403),
    ),
    ("POST", "/api/v1/periods/<int:number>/submit"): (
        "/api/v1/periods/2/submit",
        None,
        (401, 409, 409, 403, 403, 403),  # students pass; year 2's window is not open yet
    ),
    # Sign-off (issue 13). A's year 1 is submitted with ENTRY its one sampled entry.
    ("GET", "/api/v1/students/<int:student_id>/periods/<int:number>/sample"): (
        "/api/v1/students/{a}/periods/1/sample",
        None,
        (401, 403, 403, 200, 404, 200),
    ),
    ("POST", "/api/v1/entries/<entry_id>/check"): (
        "/api/v1/entries/{entry}/check",
        {"result": "checked"},
        (401, 403, 403, 201, 404, 200),
    ),
    ("POST", "/api/v1/students/<int:student_id>/periods/<int:number>/sign-off"): (
        "/api/v1/students/{a}/periods/1/sign-off",
        {"comment": "Good year."},
        (401, 403, 403, 409, 404, 403),  # the tutor passes; the sample is not checked yet
    ),
    ("POST", "/api/v1/students/<int:student_id>/periods/<int:number>/return"): (
        "/api/v1/students/{a}/periods/1/return",
        {"comment": "Add the missing month."},
        (401, 403, 403, 200, 404, 403),
    ),
    ("POST", "/api/v1/students/<int:student_id>/periods/<int:number>/reopen"): (
        "/api/v1/students/{a}/periods/1/reopen",
        {"reason": "A wrong date."},
        (401, 403, 403, 409, 404, 409),  # staff pass; the year is not signed off
    ),
    ("GET", "/api/v1/submissions"): ("/api/v1/submissions", None, (401, 200, 200, 403, 403, 403)),
    # A student's own data export (subject access): their own only, never anyone else's
    ("GET", "/account/data-export"): (
        "/account/data-export",
        None,
        (LOGIN, 200, 200, 403, 403, 403),
    ),
    ("GET", "/api/v1/me/export"): ("/api/v1/me/export", None, (401, 200, 200, 403, 403, 403)),
    # Logbook exports and imports (issue 10)
    ("GET", "/students/<int:student_id>/export"): (
        "/students/{a}/export?format=csv&period=1",
        None,
        (LOGIN, 200, 404, 200, 404, 200),
    ),
    ("GET", "/cohort/export"): (
        "/cohort/export?format=csv",
        None,
        (LOGIN, 403, 403, 200, 200, 200),
    ),
    ("GET", "/students/<int:student_id>/import"): (
        "/students/{a}/import",
        None,
        (LOGIN, 200, 404, 403, 403, 200),
    ),
    ("POST", "/students/<int:student_id>/import"): (
        "/students/{a}/import",
        {},
        (LOGIN, 422, 404, 403, 403, 422),
    ),
    ("GET", "/api/v1/logbook/export"): (
        "/api/v1/logbook/export?format=csv",
        None,
        (401, 200, 200, 403, 403, 403),
    ),
    ("GET", "/api/v1/students/<int:student_id>/export"): (
        "/api/v1/students/{a}/export?format=csv",
        None,
        (401, 403, 403, 200, 404, 200),
    ),
    ("GET", "/api/v1/sync/status"): ("/api/v1/sync/status", None, (401, 200, 200, 403, 403, 403)),
    ("GET", "/api/v1/auth/tokens"): ("/api/v1/auth/tokens", None, (401, 200, 200, 200, 200, 200)),
    ("DELETE", "/api/v1/auth/tokens/<int:token_id>"): (
        "/api/v1/auth/tokens/{dev}",
        None,
        (401, 204, 404, 404, 404, 404),
    ),
}


def _rules(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


@pytest.fixture(scope="module")
def authz_app(database_url, _schema):
    """An app with CSRF and sign-in throttling off, so these checks see authorization alone."""
    limits = {"LOGIN_FREE_ATTEMPTS": 1000, "LOGIN_ADDRESS_FREE_ATTEMPTS": 1000}
    app = make_app(database_url, WTF_CSRF_ENABLED=False, **limits)
    yield app
    wipe(app)


def _build_world(app) -> dict:
    """Six people, an entry of A, A's submitted year 1, a device of A, an invitation of B."""
    wipe(app)
    with app.app_context():
        people = {}
        for name, role in [
            ("student_a", "student"),
            ("student_b", "student"),
            ("tutor_a", "tutor"),
            ("tutor_other", "tutor"),
            ("admin", "admin"),
        ]:
            people[name] = accounts.create_user(
                f"{name}@example.org",
                name,
                role,
                pgcert_completed_on=dt.date(2025, 9, 1) if role == "student" else None,
                registration_ends_on=dt.date(2028, 8, 31) if role == "student" else None,
            )
        accounts.assign_tutor("tutor_a@example.org", "student_a@example.org")
        a = people["student_a"]
        from tests.sync.helpers import push_ops

        entry = {
            "id": ENTRY,
            "scanned_on": "2026-03-14",
            "region": "knee",
            "side": "left",
            "activity": "diagnostic",
            "supervision": "independent",
        }
        op = {
            "op_id": str(uuid.uuid4()),
            "entry_id": ENTRY,
            "kind": "upsert",
            "base_version": 0,
            "entry": entry,
        }
        push_ops(a.id, "d", [op], dt.date.today())
        sub = submissions.submit(a, 1, dt.date.today(), "A short year.")
        _raw, device = tokens.issue_token(a, "A's phone")
        invite = invitations.create_invitation(people["student_b"], people["admin"])
        _key, web_session = sessions.start(a, "A's laptop")
        db.session.commit()
        ids = {name: user.id for name, user in people.items()}
        return {
            "a": ids["student_a"],
            "b": ids["student_b"],
            "tutor": ids["tutor_a"],
            "entry": ENTRY,
            "sub": sub.id,
            "dev": device.id,
            "invite": invite,
            "sess": web_session.id,
            "ids": ids,
        }


def _client_for(app, actor: str, world: dict):
    """A client and API headers for one actor (session for pages, bearer token for the API)."""
    client = app.test_client()
    if actor == "anonymous":
        return client, {}
    user_id = world["ids"][actor]
    sign_in_client(app, client, user_id)
    with app.app_context():
        raw, _ = tokens.issue_token(db.session.get(User, user_id), "authz")
    return client, {"Authorization": f"Bearer {raw}"}


def _outcome(response) -> int | str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/signin" in location and "next=" in location:
        return LOGIN
    return response.status_code


def test_every_route_is_listed(authz_app):
    listed, existing = set(ROUTES), _rules(authz_app)
    assert not existing - listed, (
        f"Decide who may use these new routes: {sorted(existing - listed)}"
    )
    assert not listed - existing, f"Routes listed but gone: {sorted(listed - existing)}"


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_authorization(authz_app, route):
    method, _rule = route
    template, body, expected = ROUTES[route]
    world = _build_world(authz_app)
    fill = {k: v for k, v in world.items() if k != "ids"}
    url = template.format(**fill)
    wrong = []
    for actor, want in zip(ACTORS, expected, strict=True):
        client, headers = _client_for(authz_app, actor, world)
        kwargs = {}
        if body is not None:
            data = {k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
            kwargs = {"json": data} if url.startswith("/api/") else {"data": data}
        is_api = url.startswith("/api/")
        response = client.open(url, method=method, headers=headers if is_api else {}, **kwargs)
        got = _outcome(response)
        if got != want:
            wrong.append(f"{actor}: expected {want}, got {got}")
    assert not wrong, f"{method} {url}: " + "; ".join(wrong)


def test_tutor_never_sees_an_unassigned_student(authz_app):
    world = _build_world(authz_app)
    client, headers = _client_for(authz_app, "tutor_other", world)
    assert client.get(f"/students/{world['a']}").status_code == 404
    assert client.get(f"/api/v1/students/{world['a']}/progress", headers=headers).status_code == 404
    listed = client.get("/api/v1/students", headers=headers).get_json()
    assert listed == []
    assert "student_a" not in client.get("/staff").get_data(as_text=True)
    with authz_app.app_context():
        assert db.session.get(DeviceToken, world["dev"]).revoked_at is None


def test_one_rule_answers_who_may_see_comment_on_and_sign_off_a_student(authz_app):
    """The list query, the single check and the comment/sign-off rules agree for everyone."""
    world = _build_world(authz_app)
    ids = world["ids"]
    students = {ids["student_a"], ids["student_b"]}
    expected = {
        "student_a": {ids["student_a"]},
        "student_b": {ids["student_b"]},
        "tutor_a": {ids["student_a"]},
        "tutor_other": set(),
        "admin": students,
    }
    with authz_app.app_context():
        for name, sees in expected.items():
            viewer = db.session.get(User, ids[name])
            listed = set(db.session.scalars(accounts.visible_students_query(viewer, User.id)))
            assert listed == sees, name
            for other in ids.values():
                assert accounts.can_view_student(viewer, other) == (other in sees), (name, other)
                assert accounts.may_comment(viewer, other) == (
                    other in sees and name in ("tutor_a", "admin")
                ), (name, other)
                assert accounts.may_sign_off(viewer, other) == (
                    other in sees and name == "tutor_a"
                ), (name, other)
            # A staff id is never "a student" to see, not even for an admin.
            assert accounts.visible_student(viewer, ids["tutor_a"]) is None
