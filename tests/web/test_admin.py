"""Admin pages: users, logbook dates, tutors, deactivation, devices, invitations."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.extensions import db
from server.models import (
    AuditEvent,
    DeviceToken,
    Invitation,
    LogbookSettings,
    TutorAssignment,
    User,
)
from server.services import accounts
from tests.conftest import PASSWORD


def _user(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def _invite_path(html: str) -> str:
    return re.search(r'value="https?://[^/]+(/invitation/[^"]+)"', html).group(1)


def _logbook_form(**fields) -> dict:
    data = {
        "pgcert_completed_on": "2025-09-01",
        "registration_ends_on": "2028-08-31",
        "annual_target": "300",
    }
    data.update(fields)
    return data


def test_admin_creates_a_student_and_gets_a_one_time_link(app, web_as, make_user):
    admin = web_as(make_user("admin"))
    response = admin.post(
        "/admin/users/new",
        {
            "name": "Nia Novak",
            "email": "Nia@Example.org",
            "role": "student",
            "pgcert_completed_on": "2025-09-01",
            "registration_ends_on": "2028-08-31",
            "annual_target": "300",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No mail server is set up: pass this link to Nia Novak yourself." in html
    path = _invite_path(html)
    nia = _user(app, "nia@example.org")
    assert nia.password_hash is None
    with app.app_context():
        stored = db.session.scalar(db.select(Invitation.token_hash))
        assert path.rsplit("/", 1)[1] not in stored  # only the hash is kept
    # The student sets a password through the link, once.
    client = app.test_client()
    page = client.get(path)
    assert "Welcome, Nia Novak" in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page.get_data(as_text=True))[1]
    done = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/signin")
    with app.app_context():
        assert accounts.check_credentials("nia@example.org", PASSWORD) is not None
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert "does not work any more" in again.get_data(as_text=True)


def test_expired_link_is_refused(app, web_as, make_user):
    admin = web_as(make_user("admin"))
    student = make_user("student", password=None)
    html = admin.post(f"/admin/users/{student.id}/invitation", page=f"/admin/users/{student.id}")
    path = _invite_path(html.get_data(as_text=True))
    with app.app_context():
        row = db.session.scalar(db.select(Invitation))
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_a_new_link_replaces_the_old_one(app, web_as, make_user):
    admin = web_as(make_user("admin"))
    student = make_user("student", password=None)
    page = f"/admin/users/{student.id}"
    first = _invite_path(admin.post(f"{page}/invitation", page=page).get_data(as_text=True))
    second = _invite_path(admin.post(f"{page}/invitation", page=page).get_data(as_text=True))
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_duplicate_email_is_explained_and_nothing_created(app, web_as, make_user):
    admin = web_as(make_user("admin"))
    make_user("tutor", email="taken@example.org")
    response = admin.post(
        "/admin/users/new", {"name": "X", "email": "taken@example.org", "role": "tutor"}
    )
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_admin_sets_dates_target_and_tutor(app, web_as, make_user):
    admin = web_as(make_user("admin"))
    student, tutor = make_user("student"), make_user("tutor", name="Tara Tutor")
    page = f"/admin/users/{student.id}"
    dates = {"pgcert_completed_on": "2024-01-10", "annual_target": "250"}
    saved = admin.post(
        f"{page}/logbook", _logbook_form(**dates, registration_ends_on="2027-01-09"), page=page
    )
    assert saved.status_code == 302
    bad = admin.post(
        f"{page}/logbook", _logbook_form(**dates, registration_ends_on="2023-01-09"), page=page
    )
    assert bad.status_code == 422
    assert "must end after the PgCert" in bad.get_data(as_text=True)
    assert admin.post(f"{page}/tutors", {"tutor_id": tutor.id}, page=page).status_code == 302
    html = admin.get(page).get_data(as_text=True)
    assert "Tara Tutor" in html and "logbook set" in html and "tutor assigned" in html
    with app.app_context():
        book = db.session.get(User, student.id).logbook
        assert (book.annual_target, book.registration_ends_on) == (250, dt.date(2027, 1, 9))
        assert db.session.get(TutorAssignment, (tutor.id, student.id)) is not None


def test_deactivating_signs_out_devices_and_is_audited(app, web_as, make_user, auth_header, client):
    admin = web_as(make_user("admin"))
    student = make_user("student")
    header = auth_header(student)
    assert client.get("/api/v1/me", headers=header).status_code == 200
    page = f"/admin/users/{student.id}"
    assert admin.post(f"{page}/active", page=page).status_code == 302
    assert client.get("/api/v1/me", headers=header).status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent.action)) == "deactivated"
    assert "Deactivated: cannot sign in." in admin.get(page).get_data(as_text=True)


def test_admin_revokes_one_device(app, web_as, make_user, token_for, client):
    admin = web_as(make_user("admin"))
    student = make_user("student")
    phone, tablet = token_for(student, "Pixel"), token_for(student, "iPad")
    page = f"/admin/users/{student.id}"
    assert "Sign out Pixel" in admin.get(page).get_data(as_text=True)
    with app.app_context():
        pixel = db.session.scalar(db.select(DeviceToken).where(DeviceToken.device_name == "Pixel"))
    assert admin.post(f"{page}/devices/{pixel.id}/revoke", page=page).status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {phone}"}).status_code == 401
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {tablet}"}).status_code == 200
    )


def test_admin_cannot_revoke_someone_elses_token_through_another_user(
    app, web_as, make_user, token_for
):
    admin = web_as(make_user("admin"))
    a, b = make_user("student"), make_user("student")
    token_for(b, "B phone")
    with app.app_context():
        b_token = db.session.scalar(db.select(DeviceToken.id))
    page = f"/admin/users/{a.id}"
    assert admin.post(f"{page}/devices/{b_token}/revoke", page=page).status_code == 404


def test_user_list_filters(web_as, make_user):
    admin = web_as(make_user("admin"))
    make_user("student", name="Sally Student")
    make_user("tutor", name="Terry Tutor")
    html = admin.get("/admin/users?role=tutor").get_data(as_text=True)
    assert "Terry Tutor" in html and "Sally Student" not in html
    html = admin.get("/admin/users?q=sally").get_data(as_text=True)
    assert "Sally Student" in html and "Terry Tutor" not in html


def test_admin_sets_a_students_region_minimum_and_the_student_sees_it(
    app, web_as, make_user, auth_header, client
):
    admin = web_as(make_user("admin"))
    student = make_user("student")
    header = auth_header(student)
    page = f"/admin/users/{student.id}"
    html = admin.get(page).get_data(as_text=True)
    assert '<label for="region_minimum">Scans per region a year (breadth minimum)</label>' in html
    saved = admin.post(f"{page}/logbook", _logbook_form(region_minimum="20"), page=page)
    assert saved.status_code == 302
    assert client.get("/api/v1/me", headers=header).get_json()["logbook"]["region_minimum"] == 20
    progress = client.get("/api/v1/progress", headers=header).get_json()
    assert progress["region_minimum"] == 20
    assert 'value="20"' in admin.get(page).get_data(as_text=True)
    assert "region minimum: None -&gt; 20" in admin.get(page).get_data(as_text=True)
    # Empty means no minimum.
    assert admin.post(f"{page}/logbook", _logbook_form(region_minimum=""), page=page).status_code
    assert client.get("/api/v1/progress", headers=header).get_json()["region_minimum"] is None


def test_a_bad_region_minimum_is_explained_and_changes_nothing(app, web_as, make_user):
    admin = web_as(make_user("admin"))
    student = make_user("student")
    page = f"/admin/users/{student.id}"
    admin.post(f"{page}/logbook", _logbook_form(region_minimum="12"), page=page)
    for bad in ("0", "301", "twenty", "2.5", "-3"):
        response = admin.post(
            f"{page}/logbook", _logbook_form(region_minimum=bad, annual_target="123"), page=page
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 422, bad
        error = re.search(r'<p class="error" id="region_minimum-error">([^<]+)</p>', html)
        assert error and "whole number from 1 to 300" in error[1], bad
        field = re.search(r"<input[^>]*id=\"region_minimum\"[^>]*>", html)[0]
        assert 'aria-describedby="region_minimum-hint region_minimum-error"' in field
        assert 'aria-invalid="true"' in field
    with app.app_context():
        book = db.session.get(User, student.id).logbook
        assert (book.region_minimum, book.annual_target) == (12, 300)


def test_new_students_start_with_the_configured_region_minimum(database_url, _schema):
    from tests.conftest import make_app, wipe
    from tests.web.conftest import WebSession

    app = make_app(database_url, REGION_MINIMUM=20)
    try:
        with app.app_context():
            ada = accounts.create_user("ada@example.org", "Ada", "admin", PASSWORD)
            db.session.commit()
            ada_id = ada.id
        web = WebSession(app.test_client(), ada)
        web.post(
            "/admin/users/new",
            _logbook_form(name="Web Student", email="web@example.org", role="student"),
            page="/admin/users/new",
        )
        cli = app.test_cli_runner().invoke(
            args=[
                "users",
                "create",
                "--email",
                "cli@example.org",
                "--name",
                "Cli",
                "--role",
                "student",
                "--password",
                "a-good-password",
            ]
        )
        assert cli.exit_code == 0, cli.output
        web.post(
            "/admin/import",
            {
                "confirm": "yes",
                "csv_text": "name,email,role,pgcert_completed,registration_ends,tutor_email\n"
                "Csv Student,csv@example.org,student,2025-09-01,2028-08-31,\n",
            },
        )
        with app.app_context():
            minimums = dict(
                db.session.execute(
                    db.select(User.email, LogbookSettings.region_minimum).join(
                        LogbookSettings, LogbookSettings.student_id == User.id
                    )
                ).all()
            )
            assert db.session.get(User, ada_id).logbook is None
        assert minimums == {"web@example.org": 20, "cli@example.org": 20, "csv@example.org": 20}
    finally:
        wipe(app)


_REFUSE_INVITATION_AUDIT = {
    # A real database error, raised by the database itself when the last row of the action
    # (the invitation's audit row) is written.
    "sqlite": [
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
        "WHEN NEW.action = 'invitation_created' BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.action = 'invitation_created' THEN RAISE EXCEPTION 'audit refused'; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
    ],
}
_DROP_TRIGGER = {
    "sqlite": ["DROP TRIGGER IF EXISTS refuse_audit"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS refuse_audit ON audit_events",
        "DROP FUNCTION IF EXISTS refuse_audit()",
    ],
}


def _run_sql(database_url: str, statements: list[str]) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_creating_a_user_is_one_transaction_with_its_invitation_and_audit(
    database_url, app, web_as, make_user
):
    """The audit row of the invitation fails in the database: no user, link or audit is kept."""
    admin = web_as(make_user("admin"))
    dialect = make_url(database_url).get_backend_name()
    _run_sql(database_url, _REFUSE_INVITATION_AUDIT[dialect])
    try:
        response = admin.post(
            "/admin/users/new",
            _logbook_form(name="Nia Novak", email="nia@example.org", role="student"),
        )
        assert response.status_code == 500
    finally:
        _run_sql(database_url, _DROP_TRIGGER[dialect])
    # A fresh connection, outside the app's session: nothing of the action was committed.
    engine = create_engine(database_url)
    with engine.connect() as conn:
        tables = ("users", "logbook_settings", "change_counters", "invitations", "audit_events")
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}  # noqa: S608  (fixed names)
    engine.dispose()
    assert counts == dict.fromkeys(tables, 0) | {"users": 1}  # only the admin
