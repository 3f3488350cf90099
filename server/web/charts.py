"""Geometry of the progress chart (inline SVG): cumulative scans against the target line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32


@dataclass
class Chart:
    """Everything the template draws, in SVG user units."""

    width: int
    height: int
    actual: str  # polyline points
    target: tuple[float, float, float, float]
    projection: tuple[float, float, float, float] | None
    today_x: float | None
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    baseline: float


def progress_chart(
    starts_on: dt.date,
    ends_on: dt.date,
    target: int,
    daily: list[tuple[dt.date, int]],
    today: dt.date,
    projected_count: int | None,
) -> Chart:
    """Cumulative scans by day, the straight target line, today and the dashed projection."""
    days = max(1, (ends_on - starts_on).days + 1)
    last_day = min(today, ends_on)
    total = sum(n for _, n in daily)
    top_value = max(target, total, projected_count or 0, 1)

    def x(day: dt.date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - starts_on).days / days, 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / top_value, 1)

    points, running = [(x(starts_on), y(0))], 0
    for day, n in daily:
        points.append((x(day), y(running)))
        running += n
        points.append((x(day), y(running)))
    if last_day >= starts_on:
        points.append((x(last_day), y(running)))
    in_period = starts_on <= today <= ends_on
    projection = None
    if in_period and projected_count is not None:
        projection = (x(today), y(running), x(ends_on), y(projected_count))
    step = _nice_step(top_value)
    months = [
        dt.date(
            starts_on.year + (starts_on.month - 1 + i) // 12, (starts_on.month - 1 + i) % 12 + 1, 1
        )
        for i in range(1, 13)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        actual=" ".join(f"{px},{py}" for px, py in points),
        target=(x(starts_on), y(0), x(ends_on), y(target)),
        projection=projection,
        today_x=x(today) if in_period else None,
        y_ticks=[(y(v), v) for v in range(0, top_value + 1, step)],
        x_ticks=[(x(m), m.strftime("%b")) for m in months if starts_on < m <= ends_on][::2],
        baseline=y(0),
    )


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step
    return 2000
