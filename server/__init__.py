"""ScanLog server: the application factory (assembly only)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import load_config
from .extensions import csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Create the app: config -> extensions -> blueprints -> errors -> CLI."""
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    app.config.update(load_config(config))
    # Keep fields in the order the schemas give them; sorting every push answer costs CPU.
    app.json.sort_keys = False
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    _ensure_sqlite_folder(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    login_manager.init_app(app)
    csrf.init_app(app)

    from . import errors, headers, inputs
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .cli import register_cli
    from .web import bp as web_bp
    from .web.pwa import bp as pwa_bp

    inputs.register(app)  # before the blueprints: their routes use its converters
    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(pwa_bp)
    csrf.exempt(api_bp)  # the API takes bearer tokens, never session cookies
    errors.register(app)
    headers.register(app)
    register_cli(app)
    if app.config["TRUSTED_PROXIES"]:
        # The client's own address (for the sign-in throttle) from that many proxies' headers.
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"


def _ensure_sqlite_folder(app: Flask) -> None:
    """Create the folder of a file-based SQLite database (instance/ by default)."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
