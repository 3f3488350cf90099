"""Web sign-in and sign-out (flask-login sessions, CSRF-protected forms)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..extensions import db, login_manager
from ..models import User
from ..services import sessions
from .throttle import TOO_MANY, Throttled, checked_credentials, set_known_device

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"


# The flask-login session carries the key of a server-side session row (services/sessions):
# a cookie whose row was ended (sign-out, password change, deactivation) signs no one in.
# A remember-me cookie, never set by this app, would carry no key and so sign no one in.
SESSION_KEY = "_sid"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    row = sessions.live(int(user_id), session.get(SESSION_KEY))
    if row is None:
        return None
    g.web_session = row
    return db.session.get(User, row.user_id)


def current_session():
    """The signed-in user's own web session row (None when not signed in)."""
    return g.get("web_session") if current_user.is_authenticated else None


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
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            user, known_device = checked_credentials(form.email.data, form.password.data)
        except Throttled as e:
            form.password.errors.append(TOO_MANY)
            page = render_template("auth/signin.html", form=form)
            return page, 429, {"Retry-After": str(e.retry_after)}
        if user is not None:
            raw, _row = sessions.start(user, request.user_agent.string)
            db.session.commit()
            session.clear()  # nothing of an earlier visitor's session carries over
            login_user(user)
            session[SESSION_KEY] = raw
            response = redirect(_safe_next(request.args.get("next")) or home_for(user))
            set_known_device(response, known_device)
            return response
        form.password.errors.append("The email or password is not right.")
        status = 401
    elif form.is_submitted():
        status = 400 if form.csrf_token.errors else 422
    return render_template("auth/signin.html", form=form), status


@bp.post("/signout")
@login_required
def logout():
    """Sign out of the web session (it ends on the server: a copy of the cookie stops working)."""
    sessions.end(current_session())
    db.session.commit()
    logout_user()
    session.pop(SESSION_KEY, None)
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
