"""Tutor and admin pages."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from ..extensions import db
from ..models import DailyCount, TutorAssignment, User
from . import bp


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/staff")
@login_required
def home():
    """A tutor's students (an admin: every student), with their totals and last scan."""
    if current_user.role == "student":
        return redirect(url_for("pwa.index"))
    query = (
        select(
            User,
            func.coalesce(func.sum(DailyCount.count), 0).label("total"),
            func.max(DailyCount.day).label("last_scanned_on"),
        )
        .outerjoin(DailyCount, DailyCount.owner_id == User.id)
        .where(User.role == "student")
        .group_by(User.id)
        .order_by(User.name)
    )
    if current_user.role == "tutor":
        query = query.join(TutorAssignment, TutorAssignment.student_id == User.id).where(
            TutorAssignment.tutor_id == current_user.id
        )
    elif current_user.role != "admin":
        abort(403)
    rows = db.session.execute(query).all()
    return render_template("web/home.html", rows=rows)
