"""Admin actions on one user: logbook, tutors, invitation, deactivation, devices."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..models import User
from ..services import admin, invitations
from ..services.accounts import AccountError
from . import bp
from .access import roles_required
from .admin_users import get_user, new_invitation_link, render_user
from .forms import ActionForm, AssignForm, LogbookForm


def _back(user: User, message: str, category: str = "ok"):
    flash(message, category)
    return redirect(url_for("web.user", user_id=user.id))


def checked_action() -> None:
    """Refuse a button post whose form (CSRF) does not validate."""
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.post("/admin/users/<int:user_id>/logbook")
@roles_required("admin")
def set_logbook(user_id: int):
    """Save a student's PgCert completion, registration end, target and region minimum."""
    user = get_user(user_id)
    if user.role != "student":
        abort(404)
    form = LogbookForm()
    if form.validate_on_submit():
        try:
            admin.set_logbook(
                current_user,
                user,
                form.pgcert_completed_on.data,
                form.registration_ends_on.data,
                form.annual_target.data,
                form.region_minimum.data,
            )
        except AccountError as e:
            db.session.rollback()
            form.registration_ends_on.errors.append(str(e))
        else:
            db.session.commit()
            return _back(user, "Logbook dates, target and region minimum saved.")
    return render_user(user, 422, logbook=form)


@bp.post("/admin/users/<int:user_id>/tutors")
@roles_required("admin")
def assign_tutor(user_id: int):
    """Assign a tutor to a student."""
    user = get_user(user_id)
    form = AssignForm()
    form.tutor_id.choices = [SelectChoice(t.id, t.name) for t in admin.users("tutor")]
    if user.role != "student" or not form.validate_on_submit():
        abort(400)
    tutor = db.session.get(User, form.tutor_id.data)
    admin.assign(current_user, tutor, user)
    db.session.commit()
    return _back(user, f"{tutor.name} is now {user.name}'s tutor.")


@bp.post("/admin/users/<int:user_id>/tutors/<int:tutor_id>/remove")
@roles_required("admin")
def unassign_tutor(user_id: int, tutor_id: int):
    """Remove a tutor from a student."""
    checked_action()
    user, tutor = get_user(user_id), get_user(tutor_id)
    admin.unassign(current_user, tutor, user)
    db.session.commit()
    return _back(user, f"{tutor.name} is no longer {user.name}'s tutor.")


@bp.post("/admin/users/<int:user_id>/invitation")
@roles_required("admin")
def invite(user_id: int):
    """Make a new one-time link for the user to set a password (older links stop working)."""
    checked_action()
    user = get_user(user_id)
    if not user.active:
        return _back(user, "Reactivate the account before inviting.", "error")
    link = new_invitation_link(user)
    db.session.commit()
    return render_user(user, invite=link, emailed=invitations.send_invitation_email(user, link))


@bp.post("/admin/users/<int:user_id>/active")
@roles_required("admin")
def toggle_active(user_id: int):
    """Deactivate (signing out every device) or reactivate a user."""
    checked_action()
    user = get_user(user_id)
    try:
        admin.set_active(current_user, user, not user.active)
    except AccountError as e:
        return _back(user, str(e), "error")
    db.session.commit()
    state = "reactivated" if user.active else "deactivated; their devices are signed out"
    return _back(user, f"{user.name} is {state}.")


@bp.post("/admin/users/<int:user_id>/devices/<int:token_id>/revoke")
@roles_required("admin")
def revoke_device(user_id: int, token_id: int):
    """Revoke one device token of a user."""
    checked_action()
    user = get_user(user_id)
    row = admin.revoke_device(current_user, user, token_id)
    if row is None:
        abort(404)
    db.session.commit()
    return _back(user, f"{row.device_name} is signed out.")
