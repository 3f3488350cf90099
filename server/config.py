"""Configuration: safe defaults, overridden by the environment, checked at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


class ConfigError(RuntimeError):
    """The configuration cannot run safely (for example no SECRET_KEY in production)."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict | None = None) -> dict:
    """Build the configuration dict from defaults, the environment and explicit overrides."""
    env = os.environ
    overrides = dict(overrides or {})
    mode = overrides.get("ENV") or env.get("SCANLOG_ENV") or env.get("FLASK_ENV") or "production"
    config = {
        "ENV": mode,
        "TESTING": mode == "testing",
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{INSTANCE_DIR / 'scanlog.sqlite'}",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # A failed statement's error names the statement, never its values (clinical text).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # Push batches are at most 100 entries of a few KB: 2 MB is plenty and bounds abuse.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), mode == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        # Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", 0)),
        # Sign-in throttle (server/auth/throttle.py): free attempts per e-mail and per address,
        # then a wait of LOGIN_DELAY_SECONDS doubling up to LOGIN_DELAY_MAX_SECONDS.
        "LOGIN_FREE_ATTEMPTS": int(env.get("LOGIN_FREE_ATTEMPTS", 5)),
        "LOGIN_ADDRESS_FREE_ATTEMPTS": int(env.get("LOGIN_ADDRESS_FREE_ATTEMPTS", 50)),
        "LOGIN_DELAY_SECONDS": int(env.get("LOGIN_DELAY_SECONDS", 60)),
        "LOGIN_DELAY_MAX_SECONDS": int(env.get("LOGIN_DELAY_MAX_SECONDS", 900)),
        # A device token unused for this many days stops working (the user signs in again).
        "TOKEN_IDLE_DAYS": int(env.get("TOKEN_IDLE_DAYS", 180)),
        "SKILL_FADE_DAYS": int(env.get("SKILL_FADE_DAYS", 14)),
        # The programme's time zone: what "today" is for years, gaps and the scan-date check.
        "TIMEZONE": env.get("TIMEZONE", "Europe/London"),
        "REGION_MINIMUM": int(env["REGION_MINIMUM"]) if env.get("REGION_MINIMUM") else None,
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        # Sign-off (issue 13): the submission window, the sample a tutor checks, reminders.
        "SUBMISSION_OPENS_DAYS": int(env.get("SUBMISSION_OPENS_DAYS", 28)),
        "SAMPLE_SIZE": int(env.get("SAMPLE_SIZE", 10)),
        "SAMPLE_PERCENT": int(env.get("SAMPLE_PERCENT", 10)),
        "SIGNOFF_REQUIRES_SAMPLE": _bool(env.get("SIGNOFF_REQUIRES_SAMPLE"), True),
        # Links in reminder e-mails (sent from the command line, where there is no request).
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://localhost:5000"),
        # How long a SQLite writer waits for the write lock before the answer is a 503.
        "SQLITE_BUSY_TIMEOUT_SECONDS": float(env.get("SQLITE_BUSY_TIMEOUT_SECONDS", 10)),
    }
    config.update(overrides)
    _sqlite_busy_timeout(config)
    if config["ENV"] in {"development", "testing"} and not config["SECRET_KEY"]:
        # A per-process key: fine for a laptop or a test run, never for production.
        config["SECRET_KEY"] = os.urandom(32).hex()
    if not config["SECRET_KEY"]:
        raise ConfigError(
            "SECRET_KEY is not set. Set it in the environment (for example "
            '`export SECRET_KEY="$(python -c "import secrets; print(secrets.token_hex(32))")"`), '
            "or set SCANLOG_ENV=development for a local run."
        )
    try:
        ZoneInfo(config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE {config['TIMEZONE']!r} is not a time zone name such as Europe/London."
        ) from None
    return config


def _sqlite_busy_timeout(config: dict) -> None:
    """Give a SQLite engine its busy timeout (pysqlite's `timeout` connect argument)."""
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])  # never change the caller's dict
    options["connect_args"] = {
        **options.get("connect_args", {}),
        "timeout": float(config["SQLITE_BUSY_TIMEOUT_SECONDS"]),
    }
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
