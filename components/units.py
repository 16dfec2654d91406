"""Display units and THE formatting rule of the cockpit: every number on screen or in an export
is rounded here, exactly and half up (4,048,500,000 yuan is 40.49 亿元, 34 of 64 is 53.13%).

Floats never decide a digit: plotly's d3-format and Python's round() both round the binary
value half to even, so 40.485 would show as 40.48 on one chart and 40.49 on a card. Figures
therefore carry their text from here (labels, hover text), and plotted positions use the same
rounded value (`yi_value`), so a bar and its label agree. Money is stored in yuan and shown in 亿元
with two decimals; shares as percentages with two decimals; counts as integers.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

YUAN_PER_YI = 100_000_000
TWO = Decimal("0.01")
ONE = Decimal("1")
DASH = "—"  # what a figure shows where there is nothing to show (no base, no data)


def _dec(x) -> Decimal:
    """An exact decimal of a number: ints as they are, floats by their shortest repr (a pro-rated
    target of 12.5 projects is 12.5, not the binary 12.4999…)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float):  # numpy floats too, whose repr is not a number
        return Decimal(repr(float(x)))
    return Decimal(int(x))


def yi(yuan) -> Decimal:
    """Yuan to 亿元, rounded half up to two decimals, exactly."""
    return (_dec(yuan) / YUAN_PER_YI).quantize(TWO, rounding=ROUND_HALF_UP)


def yi_value(yuan) -> float:
    """The plotted position of an amount in 亿元: the same two decimals its label shows."""
    return float(yi(yuan))


def fmt_yi(yuan) -> str:
    return f"{yi(yuan):,.2f}"


def fmt_int(n) -> str:
    return f"{int(n):,}"


def fmt_count(x) -> str:
    """A count that may be pro-rated (a target of 12.5 projects): whole numbers, half up."""
    return f"{_dec(x).quantize(ONE, rounding=ROUND_HALF_UP):,}"


def pct(numerator, denominator, places: Decimal = TWO) -> Decimal | None:
    """numerator / denominator in percent, half up; None where there is nothing to divide by."""
    if not denominator:
        return None
    return (_dec(numerator) * 100 / _dec(denominator)).quantize(places, ROUND_HALF_UP)


def fmt_pct(numerator, denominator, places: Decimal = TWO) -> str:
    """A share as '41.18%'; '—' where there is nothing to divide by."""
    value = pct(numerator, denominator, places)
    return DASH if value is None else f"{value}%"


def fmt_rate(value: Decimal | None) -> str:
    """A percentage already computed by `pct`."""
    return DASH if value is None else f"{value}%"


def change(current: int, previous: int) -> tuple[str, int] | None:
    """Year-on-year change of a count or an amount: ('+12.30%', 1); None without a base."""
    value = pct(int(current) - int(previous), previous)
    if value is None:
        return None
    return (f"{value:+}%", (value > 0) - (value < 0))


def change_points(current: Decimal | None, previous: Decimal | None) -> tuple[str, int] | None:
    """Change of a rate, in percentage points: ('+3.20个百分点', 1)."""
    if current is None or previous is None:
        return None
    diff = current - previous
    return (f"{diff:+}个百分点", (diff > 0) - (diff < 0))
