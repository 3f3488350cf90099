"""Server-rendered pages for tutors and administrators (and students on a laptop)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__)

from . import (  # noqa: E402,F401  (modules register their routes on bp)
    account,
    admin_actions,
    admin_import,
    admin_users,
    data_export,
    entries,
    exports,
    filters,
    invitation,
    logbook_import,
    pages,
    reminder_prefs,
    students,
    submission_actions,
)
