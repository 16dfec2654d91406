"""The wall header: what a screen on a wall says about itself (wall mode, `?wall=1`).

A wall has no navigation, no user badge, no search and no export menus (assets/wall.css hides
the app's header); each page shows its own heading, which names the region and the period and
is redrawn in place with the view, and puts this bar beside it: the cockpit's name, a clock run by
assets/wall.js and the data cut-off.
"""
from __future__ import annotations

from datetime import date

from dash import html

BRAND = "贵州省招商引资驾驶舱"
CLOCK_ID = "wall-clock"


def wall_bar(cutoff: date | None, *, region: str | None = None, period: str | None = None) -> html.Div:
    """The bar at the top right of a wall's canvas. `region` and `period` for a page whose own
    heading does not name them (every cockpit view's does)."""
    parts = [html.Span(BRAND, className="wall-brand")]
    if region:
        parts.append(html.Span(region, className="wall-region"))
    if period:
        parts.append(html.Span(period, className="wall-period"))
    parts += [
        # Filled by assets/wall.js within a second of the first frame, then every minute.
        html.Span("", id=CLOCK_ID, className="wall-clock"),
        html.Span(["数据截至 ", html.B(cutoff.isoformat() if cutoff else "—")], className="wall-cutoff"),
    ]
    return html.Div(parts, className="wall-bar", id="wall-bar")


def wall_parts(wall, cutoff: date | None, **kwargs) -> list:
    """[the wall bar] when the view is drawn for a wall (components/routing.is_wall), else []:
    a page adds it to its children either way."""
    from .routing import is_wall

    return [wall_bar(cutoff, **kwargs)] if is_wall(wall) else []
