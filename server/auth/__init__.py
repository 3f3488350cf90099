"""Web sign-in and sign-out (flask-login sessions, CSRF-protected forms)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..extensions import db, login_manager
from ..models import User
from ..services import accounts
from .throttle import mark_failed_sign_in, throttle_sign_in

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired("Enter your email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


def home_for(user: User) -> str:
    """Where a user lands after signing in on the web: staff the cohort, students their logbook.

    Students sign in on the web from a laptop; on a phone the app signs in with a device token.
    """
    if user.role == "student":
        return url_for("web.student", student_id=user.id)
    return url_for("web.home")


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/signin", methods=["GET", "POST"])
@throttle_sign_in
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        user = accounts.check_credentials(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        mark_failed_sign_in()
        form.password.errors.append("The email or password is not right.")
        status = 401
    elif form.is_submitted():
        status = 400 if form.csrf_token.errors else 422
    return render_template("auth/signin.html", form=form), status


@bp.post("/signout")
@login_required
def logout():
    """Sign out of the web session."""
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
