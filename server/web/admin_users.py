"""Admin pages: the user list, a new user, and one user's page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..domain.roles import ROLE_NAMES, ROLES
from ..extensions import db
from ..models import User
from ..services import accounts, admin, audit, invitations
from ..services.accounts import AccountError
from . import bp
from .access import roles_required
from .forms import ActionForm, AssignForm, LogbookForm, NewUserForm, UserForm


def new_invitation_link(user: User) -> str:
    """Add a fresh invitation for a user to the session; its full link (the view commits)."""
    raw = invitations.create_invitation(user, current_user)
    return url_for("web.invitation", token=raw, _external=True)


@bp.get("/admin/users")
@roles_required("admin")
def users():
    """Every user, filtered by role or a name/email fragment."""
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    q = request.args.get("q", "")[:100]
    return render_template(
        "admin/users.html", users=admin.users(role, q), role=role, q=q, roles=ROLE_NAMES
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create a user; the admin gets a one-time link for them to set their password."""
    form = NewUserForm()
    if form.validate_on_submit():
        is_student = form.role.data == "student"
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                pgcert_completed_on=form.pgcert_completed_on.data if is_student else None,
                registration_ends_on=form.registration_ends_on.data if is_student else None,
                annual_target=form.annual_target.data or 300,
            )
        except AccountError as e:
            form.email.errors.append(str(e))
        else:
            # The user, their logbook, the link and both audit rows: one transaction.
            audit.record(current_user, "user_created", user, f"Role {user.role}.")
            link = new_invitation_link(user)
            db.session.commit()
            emailed = invitations.send_invitation_email(user, link)
            return render_user(user, invite=link, emailed=emailed, created=True)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_user.html", form=form), status


def render_user(user: User, status: int = 200, **extra):
    """The user page with its forms (some may carry errors)."""
    forms = {
        "details": extra.pop("details", None) or UserForm(obj=user),
        "logbook": extra.pop("logbook", None),
        "assign": AssignForm(),
        "action": ActionForm(),
    }
    if user.role == "student":
        book = user.logbook
        forms["logbook"] = forms["logbook"] or LogbookForm(obj=book)
        assigned = {t.id for t in admin.tutors_of(user)}
        forms["assign"].tutor_id.choices = [
            SelectChoice(t.id, f"{t.name} ({t.email})")
            for t in admin.users("tutor")
            if t.id not in assigned
        ]
    page = render_template(
        "admin/user.html",
        user=user,
        forms=forms,
        tutors=admin.tutors_of(user) if user.role == "student" else [],
        devices=admin.device_tokens(user),
        events=audit.events_for(user.id),
        **extra,
    )
    return page, status


def get_user(user_id: int) -> User:
    """The user or 404."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/admin/users/<int:user_id>")
@roles_required("admin")
def user(user_id: int):
    """One user: details, logbook, tutors, devices, invitation, history."""
    return render_user(get_user(user_id))


@bp.post("/admin/users/<int:user_id>")
@roles_required("admin")
def edit_user(user_id: int):
    """Save a user's name and email."""
    user = get_user(user_id)
    form = UserForm()
    if form.validate_on_submit():
        try:
            admin.update_details(current_user, user, form.name.data, form.email.data)
        except AccountError as e:
            db.session.rollback()
            form.email.errors.append(str(e))
        else:
            db.session.commit()
            flash("Saved.", "ok")
            return redirect(url_for("web.user", user_id=user.id))
    return render_user(user, 422, details=form)
