"""Text that stays legible on whatever it is drawn on: WCAG contrast, the colour a plotly
colourscale gives a value, the text colour for a fill, and label boxes that must not collide.

Used by the maps (a region's name on its fill) and the chain page's heat-map (a cell's value on
its colour); the tests compute the same ratios for every label of the real figures.
"""
from __future__ import annotations

import re

# Light and dark text: the theme's white, and a near-black navy that reads on the palest fills.
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#04121f"
MIN_CONTRAST = 4.5  # WCAG AA for normal text


def rgb(colour: str) -> tuple[float, float, float]:
    """(r, g, b) in 0–255 of '#rrggbb', '#rgb' or 'rgb(a)(r, g, b[, a])' (alpha ignored)."""
    colour = colour.strip()
    if colour.startswith("#"):
        hexa = colour[1:]
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        return tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    found = re.match(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)", colour)
    if not found:
        raise ValueError(f"not a colour: {colour!r}")
    return tuple(float(x) for x in found.groups())


def hex_of(value: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in value)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """The text colour for a fill: white where white reads (contrast >= 4.5), else dark navy,
    else whichever of white and black reads better (a mid-grey fill)."""
    if contrast(LIGHT_TEXT, fill) >= MIN_CONTRAST:
        return LIGHT_TEXT
    if contrast(DARK_TEXT, fill) >= MIN_CONTRAST:
        return DARK_TEXT
    return max((LIGHT_TEXT, "#000000"), key=lambda t: contrast(t, fill))


def halo_for(text: str) -> str:
    """A soft outline of the opposite lightness, for a label that may reach over a neighbour."""
    return "0px 0px 3px #000000" if text == LIGHT_TEXT else "0px 0px 3px #ffffff"


def scale_colour(scale: list, value: float | None, zmin: float, zmax: float) -> str | None:
    """The colour plotly draws `value` with on a colourscale [[t, colour], ...] from zmin to zmax
    (linear in RGB between the stops, as plotly.js interpolates); None for no value."""
    if value is None:
        return None
    span = zmax - zmin
    t = 0.0 if span <= 0 else min(max((value - zmin) / span, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(scale, scale[1:]):
        if t <= t1:
            f = 0.0 if t1 <= t0 else (t - t0) / (t1 - t0)
            a, b = rgb(c0), rgb(c1)
            return hex_of(tuple(x + (y - x) * f for x, y in zip(a, b)))
    return hex_of(rgb(scale[-1][1]))


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Two boxes (x0, y0, x1, y1) share some area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
