"""Server-rendered pages for tutors and administrators (and students on a laptop)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__)

from . import pages  # noqa: E402,F401
