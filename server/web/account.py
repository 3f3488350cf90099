"""The account page: a user changes their own password and ends their own web sessions and
device sign-ins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from wtforms import PasswordField
from wtforms.validators import DataRequired

from ..auth import current_session
from ..auth import tokens as device_tokens
from ..auth.throttle import TOO_MANY, Throttled, checked_credentials
from ..extensions import db
from ..services import accounts, sessions
from ..services.accounts import AccountError
from . import bp
from .admin_actions import checked_action
from .forms import SetPasswordForm


class ChangePasswordForm(SetPasswordForm):
    """The current password, then the new one twice."""

    current = PasswordField("Current password", validators=[DataRequired("Enter your password.")])


def _render(form: ChangePasswordForm | None = None, status: int = 200):
    page = render_template(
        "web/account.html",
        form=form or ChangePasswordForm(),
        web_sessions=sessions.sessions_of(current_user),
        this_session=current_session(),
        devices=[d for d in device_tokens.tokens_of(current_user) if d.revoked_at is None],
    )
    return page, status


@bp.get("/account")
@login_required
def account():
    """Your account: change the password, see and end sessions and devices."""
    return _render()


@bp.post("/account/password")
@login_required
def change_password():
    """Change your own password; every other session and every device is signed out."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _render(form, 400 if "csrf_token" in form.errors else 422)
    try:
        # Counted like a sign-in, so a stolen session cannot guess the password to keep it.
        checked, _cookie = checked_credentials(current_user.email, form.current.data)
    except Throttled as e:
        form.current.errors.append(TOO_MANY)
        page, status = _render(form, 429)
        return page, status, {"Retry-After": str(e.retry_after)}
    if checked is None:
        form.current.errors.append("The current password is not right.")
        return _render(form, 422)
    try:
        accounts.change_password(current_user, form.password.data, keep_session=current_session())
    except AccountError as e:
        db.session.rollback()
        form.password.errors.append(str(e))
        return _render(form, 422)
    db.session.commit()
    flash("Your password is changed. Your other sessions and devices are signed out.", "ok")
    return redirect(url_for("web.account"))


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """End one of your own web sessions (ending this one signs you out here)."""
    checked_action()
    row = sessions.own_session(current_user, session_id)
    if row is None:
        abort(404)
    sessions.end(row)
    db.session.commit()
    if row is current_session():
        logout_user()
        return redirect(url_for("auth.login"))
    flash(f"The session on {row.user_agent} has ended.", "ok")
    return redirect(url_for("web.account"))


@bp.post("/account/devices/<int:token_id>/revoke")
@login_required
def revoke_own_device(token_id: int):
    """Sign one of your own devices out of the app."""
    checked_action()
    row = next((d for d in device_tokens.tokens_of(current_user) if d.id == token_id), None)
    if row is None or row.revoked_at is not None:
        abort(404)
    device_tokens.revoke(row)
    db.session.commit()
    flash(f"{row.device_name} is signed out.", "ok")
    return redirect(url_for("web.account"))
