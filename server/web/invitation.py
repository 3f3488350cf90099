"""The invitation page: a new user sets their password through a one-time link."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import logout_user

from ..extensions import db
from ..services import invitations
from ..services.accounts import AccountError
from . import bp
from .forms import SetPasswordForm


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Set a password with a valid, unused, unexpired link (otherwise a 404 page)."""
    row = invitations.find_valid(token)
    if row is None:
        return render_template("web/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            invitations.accept(row, form.password.data)
        except AccountError as e:
            form.password.errors.append(str(e))
        else:
            db.session.commit()
            logout_user()
            flash("Your password is set. Sign in with your email and new password.", "ok")
            return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("web/invitation.html", form=form, user=row.user), status
