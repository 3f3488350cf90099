"""The application factory and its configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server import create_app
from server.config import ConfigError


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SCANLOG_ENV", raising=False)
    monkeypatch.delenv("FLASK_ENV", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_starts_with_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.delenv("SCANLOG_ENV", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-long-random-secret"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("prod.sqlite")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.testing is False


def test_development_gets_a_throwaway_key_and_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SCANLOG_ENV", "development")
    app = create_app()
    assert len(app.config["SECRET_KEY"]) >= 32
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/scanlog.sqlite")


def test_explicit_config_wins(tmp_path):
    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.testing is True


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    from sqlalchemy import text

    from server.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas apply to SQLite only (this run uses PostgreSQL)")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_timezone_defaults_to_london_and_a_bad_name_refuses_to_start(monkeypatch, tmp_path):
    """TIMEZONE is checked at start-up, so a typo fails loudly, not as a wrong date later."""
    monkeypatch.delenv("TIMEZONE", raising=False)
    db_url = f"sqlite:///{tmp_path}/x.db"
    assert (
        create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": db_url}).config["TIMEZONE"]
        == "Europe/London"
    )
    monkeypatch.setenv("TIMEZONE", "Europe/Lundon")
    with pytest.raises(ConfigError, match="TIMEZONE"):
        create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": db_url})


def test_today_is_the_date_in_the_configured_time_zone(tmp_path):
    """Kiritimati (UTC+14) is always at least a day ahead of Baker Island (UTC-12)."""
    from server import clock

    def today_in(zone):
        app = create_app(
            {
                "ENV": "testing",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                "TIMEZONE": zone,
            }
        )
        with app.app_context():
            return clock.today()

    assert today_in("Pacific/Kiritimati") > today_in("Etc/GMT+12")


ROOT = Path(__file__).resolve().parent.parent
_READS_SETTING = re.compile(
    r'(?:env\.get|env\[|os\.environ\.get|_setting)\(?\s*"([A-Z][A-Z0-9_]+)"'
)


def test_every_setting_the_server_reads_is_documented():
    """Each environment variable read in server/ is in the README's table and .env.example."""
    read = {
        name
        for path in (ROOT / "server").rglob("*.py")
        for name in _READS_SETTING.findall(path.read_text(encoding="utf-8"))
    }
    assert {"SECRET_KEY", "TIMEZONE", "REGION_MINIMUM"} <= read  # the pattern still finds them
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert sorted(n for n in read if f"`{n}`" not in readme) == []
    legacy = {"FLASK_ENV"}  # a fallback for SCANLOG_ENV, named in its row, not to be set anew
    assert sorted(n for n in read - legacy if f"{n}=" not in example) == []


def test_every_api_endpoint_is_in_docs_api_md(app):
    """docs/api.md names each method and path of /api/v1 (parameters written any way)."""
    doc = re.sub(r"<[^>]*>", "<>", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<[^>]*>", "<>", rule.rule.removeprefix("/api/v1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if not re.search(rf"{method} {re.escape(path)}(?![\w/-])", doc):
                missing.append(f"{method} {path}")
    assert missing == []


def test_the_readme_stands_on_its_own():
    """A clone has no ../shared: the README points to files inside the project only."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../" not in readme
    for target in re.findall(r'(?:src="|\]\()([^)":]+)[")]', readme):
        assert (ROOT / target).exists(), target
