"""Display units: money is stored in yuan and shown in 亿元 with two decimals."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

YUAN_PER_YI = 100_000_000
TWO = Decimal("0.01")


def yi(yuan: int) -> Decimal:
    """Yuan to 亿元, rounded half up to two decimals, exactly."""
    return (Decimal(int(yuan)) / YUAN_PER_YI).quantize(TWO, rounding=ROUND_HALF_UP)


def fmt_yi(yuan: int) -> str:
    return f"{yi(yuan):,.2f}"


def fmt_int(n: int) -> str:
    return f"{int(n):,}"


def pct(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(int(numerator)) * 100 / Decimal(int(denominator))).quantize(TWO, ROUND_HALF_UP)


def fmt_pct(numerator: int, denominator: int) -> str:
    """A share as '41.18%'; '—' where there is nothing to divide by."""
    value = pct(numerator, denominator)
    return "—" if value is None else f"{value}%"


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
