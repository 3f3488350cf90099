"""Serves the phone app (pwa/) from the site root, so its service worker controls '/'."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, redirect, send_from_directory, url_for
from flask_login import current_user

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa"

bp = Blueprint("pwa", __name__)


@bp.get("/")
def index():
    """The app shell. Tutors and admins signed in on the web go to their pages."""
    if current_user.is_authenticated and current_user.role != "student":
        return redirect(url_for("web.home"))
    return send_from_directory(PWA_DIR, "index.html", max_age=0)
