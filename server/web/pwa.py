"""Serves the phone app (pwa/) from the site root, so its service worker controls '/'."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, send_from_directory, url_for
from flask_login import current_user

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa"
ASSET_FOLDERS = ("css", "js", "icons")
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".html": "text/html; charset=utf-8",
}
# Assets are not fingerprinted: the service worker keeps the offline copy, and the HTTP cache
# must revalidate (ETag) so a new version is seen as soon as the worker checks for it.
REVALIDATE = "no-cache"

bp = Blueprint("pwa", __name__)


def shell_files() -> list[str]:
    """The app shell: every file the service worker precaches, as site paths."""
    files = ["/", "/manifest.webmanifest"]
    for folder in ASSET_FOLDERS:
        for path in sorted((PWA_DIR / folder).rglob("*")):
            if path.is_file() and path.suffix in CONTENT_TYPES:
                files.append("/" + path.relative_to(PWA_DIR).as_posix())
    return files


def shell_version() -> str:
    """A hash of the shell's contents (plus PWA_BUILD), so any change makes a new worker."""
    digest = hashlib.sha256(current_app.config.get("PWA_BUILD", "").encode())
    for site_path in shell_files():
        name = "index.html" if site_path == "/" else site_path.lstrip("/")
        digest.update(site_path.encode())
        digest.update((PWA_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _send(folder: Path, name: str) -> Response:
    suffix = Path(name).suffix
    if suffix not in CONTENT_TYPES:
        abort(404)
    response = send_from_directory(folder, name, max_age=0)
    response.headers["Content-Type"] = CONTENT_TYPES[suffix]
    response.headers["Cache-Control"] = REVALIDATE
    return response


@bp.get("/")
def index():
    """The app shell. Tutors and admins signed in on the web go to their pages."""
    if current_user.is_authenticated and current_user.role != "student":
        return redirect(url_for("web.home"))
    return _send(PWA_DIR, "index.html")


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (installability)."""
    return _send(PWA_DIR, "manifest.webmanifest")


@bp.get("/sw.js")
def service_worker():
    """The service worker, at the root so its scope is '/', with the shell list and version."""
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    files = ", ".join(f'"{f}"' for f in shell_files())
    source = source.replace('"__VERSION__"', f'"{shell_version()}"').replace(
        '["__SHELL__"]', f"[{files}]"
    )
    response = Response(source, content_type=CONTENT_TYPES[".js"])
    response.headers["Cache-Control"] = "no-cache, no-store"
    return response


@bp.get("/<any(css, js, icons):folder>/<path:name>")
def asset(folder: str, name: str):
    """A static file of the app shell (CSS, ES modules, icons)."""
    return _send(PWA_DIR / folder, name)
