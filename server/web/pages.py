"""The health check and the staff home: the cohort overview."""

from __future__ import annotations

import datetime as dt

from flask import jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from .. import clock
from ..domain.cohort import CohortRow
from ..domain.roles import ROLES
from ..extensions import db
from ..services import signoff
from ..services.cohort import cohort_rows
from ..services.progress import skill_fade_days
from . import bp
from .access import roles_required

# Worst first when sorting by status.
STATUS_ORDER = {"missed": 0, "at_risk": 1, None: 2, "upcoming": 3, "on_track": 4, "met": 5}
SORTS = {
    "name": lambda r: (r.name.lower(),),
    "count": lambda r: (r.count is None, r.count or 0),
    "status": lambda r: (STATUS_ORDER.get(r.status, 2), r.name.lower()),
    "projected": lambda r: (r.projected_count is None, r.projected_count or 0),
    "last_scan": lambda r: (r.last_scanned_on is None, r.last_scanned_on or dt.date.min),
}
FILTERS = {"all": "All students", "at_risk": "At risk", "gap": "Gap of {days}+ days"}


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


def has_gap(row: CohortRow) -> bool:
    """The skill-fade warning is on (domain.pace.skill_fade), or there is no scan at all."""
    return row.skill_fade_warning or row.last_scanned_on is None


@bp.get("/staff")
@roles_required(*ROLES)
def home():
    """The cohort overview: one row a student, sortable and filterable; students go to theirs."""
    if current_user.role == "student":
        return redirect(url_for("web.student", student_id=current_user.id))
    days = skill_fade_days()
    rows = cohort_rows(current_user, clock.today())
    queue = [r for r in signoff.with_queue(rows) if r.awaiting_signoff]  # issue 13
    show = request.args.get("show", "all")
    show = show if show in FILTERS else "all"
    if show == "at_risk":
        rows = [r for r in rows if r.status in ("at_risk", "missed")]
    elif show == "gap":
        rows = [r for r in rows if has_gap(r)]
    sort = request.args.get("sort", "status")
    sort = sort if sort in SORTS else "status"
    descending = request.args.get("dir") == "desc"
    rows.sort(key=SORTS[sort], reverse=descending)
    filters = {k: v.format(days=days) for k, v in FILTERS.items()}
    return render_template(
        "web/overview.html",
        rows=rows,
        show=show,
        sort=sort,
        descending=descending,
        filters=filters,
        gap_days=days,
        queue=queue,
    )
