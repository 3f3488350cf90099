"""Reminder e-mail preferences: the signed link in each e-mail, and the account page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain.reminders import KINDS
from ..extensions import db
from ..services import reminders
from . import bp
from .forms import ActionForm


@bp.route("/reminders/off/<token>", methods=["GET", "POST"])
def reminder_off(token: str):
    """Turn one kind of reminder off from the link in the e-mail (GET asks, POST does it)."""
    found = reminders.read_opt_out_token(token)
    if found is None:
        abort(404)
    user, kind = found
    form = ActionForm()
    done = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        reminders.set_kinds_off(user, reminders.turned_off(user) | {kind})
        db.session.commit()
        done = True
    return render_template("web/reminder_off.html", name=KINDS[kind], form=form, done=done)


@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def reminder_preferences():
    """The signed-in person chooses which reminder e-mails they get."""
    kinds = reminders.kinds_for(current_user)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        wanted = set(request.form.getlist("kind")) & set(kinds)
        reminders.set_kinds_off(current_user, set(kinds) - wanted)
        db.session.commit()
        flash("Your reminder choices are saved.", "ok")
        return redirect(url_for("web.reminder_preferences"))
    off = reminders.turned_off(current_user)
    return render_template("web/reminder_preferences.html", kinds=kinds, off=off, form=form)
