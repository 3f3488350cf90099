"""One clock for the whole server: today's date in the configured time zone (TIMEZONE).

The API, the web pages and the CLI ask `today()`; the domain layer never reads the clock and
takes `today` as an argument. Timestamps stored in the database stay UTC (models.utcnow).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

DEFAULT_TIMEZONE = "Europe/London"


def today() -> dt.date:
    """Today's date where the programme runs (config TIMEZONE, default Europe/London)."""
    zone = ZoneInfo(current_app.config.get("TIMEZONE") or DEFAULT_TIMEZONE)
    return dt.datetime.now(zone).date()
