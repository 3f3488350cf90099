"""The cover's chart: cumulative scans through the year against the straight target line."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from reportlab.graphics.shapes import Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm

WIDTH, HEIGHT = 175 * mm, 62 * mm
LEFT, BOTTOM, TOP = 14 * mm, 9 * mm, 6 * mm
INK = colors.HexColor("#1f4e79")
TARGET = colors.HexColor("#b35900")


def cumulative_chart(
    starts_on: dt.date, ends_on: dt.date, target: int, days: Iterable[dt.date], today: dt.date
) -> Drawing:
    """Cumulative scans by day (up to today or the year's end) and the target line."""
    per_day = Counter(days)
    span = max((ends_on - starts_on).days, 1)
    last = min(ends_on, max(today, max(per_day, default=starts_on)))
    total = sum(per_day.values())
    top = max(target, total, 1)
    plot_w, plot_h = WIDTH - LEFT - 4 * mm, HEIGHT - BOTTOM - TOP

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - starts_on).days / span

    def y(n: int) -> float:
        return BOTTOM + plot_h * n / top

    drawing = Drawing(WIDTH, HEIGHT)
    drawing.add(Line(LEFT, BOTTOM, LEFT + plot_w, BOTTOM, strokeColor=colors.grey))
    drawing.add(Line(LEFT, BOTTOM, LEFT, BOTTOM + plot_h, strokeColor=colors.grey))
    drawing.add(
        Line(
            x(starts_on),
            y(0),
            x(ends_on),
            y(target),
            strokeColor=TARGET,
            strokeDashArray=[3, 2],
            strokeWidth=1.2,
        )
    )
    points, running, day = [x(starts_on), y(0)], 0, starts_on
    while day <= last:
        running += per_day.get(day, 0)
        points += [x(day), y(running)]
        day += dt.timedelta(days=1)
    drawing.add(PolyLine(points, strokeColor=INK, strokeWidth=1.6))
    label = {"fontName": "Vera", "fontSize": 7}
    drawing.add(String(2, y(target) - 2, str(target), **label))
    drawing.add(String(2, BOTTOM - 2, "0", **label))
    drawing.add(String(LEFT, 1, f"{starts_on.day} {starts_on:%b %Y}", **label))
    drawing.add(
        String(LEFT + plot_w, 1, f"{ends_on.day} {ends_on:%b %Y}", textAnchor="end", **label)
    )
    drawing.add(
        String(
            LEFT + 4,
            HEIGHT - 5,
            f"Scans so far: {running} (solid); target {target} (dashed)",
            **label,
        )
    )
    return drawing
