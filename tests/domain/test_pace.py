"""Pace rules: status, projection and need at the edges of a period."""

from __future__ import annotations

import datetime as dt

from server.domain.pace import SkillFade, days_since, period_pace, recent_window, skill_fade
from server.domain.periods import Period

D = dt.date
YEAR = Period(1, D(2025, 9, 1), D(2026, 8, 31), 300)


def test_recent_window_is_eight_weeks_or_since_the_period_began():
    """The rate looks back 56 days, never before the period's first day."""
    assert recent_window(YEAR, D(2026, 3, 1)) == (D(2026, 1, 5), D(2026, 3, 1))
    assert recent_window(YEAR, D(2025, 9, 10)) == (D(2025, 9, 1), D(2025, 9, 10))


def test_on_the_last_day_the_projection_is_the_count():
    """On the period's last day nothing more is projected, and the rest is needed today."""
    pace = period_pace(YEAR, 290, 40, D(2026, 8, 31))
    assert (pace.status, pace.projected_count, pace.needed_per_week) == ("at_risk", 290, 70)


def test_ended_and_future_periods_have_no_projection():
    """Only the current period carries a projection and a weekly need."""
    assert period_pace(YEAR, 300, 0, D(2026, 9, 1)).status == "met"
    assert period_pace(YEAR, 299, 0, D(2026, 9, 1)).status == "missed"
    future = period_pace(YEAR, 0, 0, D(2025, 8, 31))
    assert (future.status, future.projected_count, future.needed_per_week) == (
        "upcoming",
        None,
        None,
    )


def test_a_steady_six_a_week_is_on_track():
    """About 6 scans a week over the last 8 weeks projects past 300."""
    pace = period_pace(YEAR, 130, 48, D(2026, 2, 1))
    assert pace.status == "on_track"
    assert pace.projected_count == 130 + round(48 / 56 * 211)


def test_days_since_and_skill_fade():
    """The warning comes on when the gap reaches the threshold; a future date counts as 0 days."""
    assert days_since(None, D(2026, 1, 1)) is None
    assert days_since(D(2026, 1, 2), D(2026, 1, 1)) == 0
    assert skill_fade(13, 14).warning is False
    assert skill_fade(14, 14) == SkillFade(threshold_days=14, warning=True)
    assert skill_fade(None, 14).warning is False
    assert skill_fade(5, threshold_days=5).warning is True
