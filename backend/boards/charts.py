"""Small server-rendered SVG charts of the satisfaction board (no script, printable, offline)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from backend.boards.schemas import WeekRow

WIDTH, HEIGHT, PAD = 360, 160, 24
BAR = "#0f5c8c"
LOW = "#b3261e"


def _svg(body: str, label: str) -> Markup:
    return Markup(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" '
        f'class="chart" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def bar_chart(distribution: dict[str, int], label: str = "Ratings by score") -> Markup:
    """One bar per score 1-5, the low scores in red, each with its count on top."""
    top = max(distribution.values(), default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(distribution), 1)
    parts = []
    for i, (score, n) in enumerate(distribution.items()):
        h = (HEIGHT - 2 * PAD) * n / top
        x = PAD + i * step + step * 0.15
        y = HEIGHT - PAD - h
        colour = LOW if int(score) <= 2 else BAR
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{escape(score)}: {n}</title></rect>'
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle">{n}</text>'
            f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - 6}" text-anchor="middle">'
            f"{escape(score)}★</text>"
        )
    return _svg("".join(parts), label)


def week_chart(weeks: Sequence[WeekRow], label: str = "CSAT by week") -> Markup:
    """The weekly CSAT average on a 1-5 scale; weeks without ratings leave a gap."""
    if not weeks:
        return _svg("", label)
    step = (WIDTH - 2 * PAD) / max(len(weeks) - 1, 1)

    def y(score: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (score - 1) / 4

    grid = "".join(
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(s):.1f}" y2="{y(s):.1f}" class="grid"/>'
        f'<text x="4" y="{y(s) + 4:.1f}">{s}</text>'
        for s in (1, 3, 5)
    )
    points, dots = [], []
    for i, week in enumerate(weeks):
        x = PAD + i * step
        if week.average is None:
            points.append("")
            continue
        points.append(f"{x:.1f},{y(week.average):.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y(week.average):.1f}" r="3" fill="{BAR}">'
            f"<title>{week.week.isoformat()}: {week.average}</title></circle>"
        )
    lines = "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{BAR}" stroke-width="2"/>'
        for run in _runs(points)
    )
    return _svg(grid + lines + "".join(dots), label)


def _runs(points: list[str]) -> list[list[str]]:
    """Consecutive points without a gap, each drawn as one line."""
    runs: list[list[str]] = [[]]
    for point in points:
        if point:
            runs[-1].append(point)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) > 1]
