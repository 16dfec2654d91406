"""Calendar of the demo data: the data window, seasonality, holidays, Covid, expos, team periods.

Dates are handled as proleptic ordinals (date.toordinal) in numpy arrays while generating.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

START = date(2019, 1, 1)
CUTOFF = date(2025, 12, 31)
YEARS = tuple(range(2019, 2026))

# The Shenzhen resident team (驻点招商) and the published reporting window (domain.md §1).
SZ_TEAM_START = date(2019, 11, 20)
SZ_REPORT_END = date(2020, 12, 15)
SZ_SECOND_BATCH = date(2020, 3, 24)
GUANGDONG_TEAM_START = date(2021, 3, 1)  # 4th batch: 驻粤, all of Guangdong
CLOUD_START = date(2020, 2, 10)  # 云招商 began with the Covid lockdown

# Signing seasonality: slow January/February (Spring Festival), expo months and the year-end push.
MONTH_WEIGHTS = (0.75, 0.55, 0.95, 1.0, 1.2, 1.05, 0.95, 0.95, 1.15, 0.85, 1.05, 1.25)
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.3)

SPRING_FESTIVAL = {
    2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
}


def expo_windows(year: int) -> dict[str, tuple[date, date]]:
    """数博会 (Big Data Expo, 贵阳, late May) and 酒博会 (liquor expo, 贵阳, September)."""
    return {
        "数博会": (date(year, 5, 26), date(year, 5, 29)),
        "酒博会": (date(year, 9, 6), date(year, 9, 9)),
    }


def o(d: date) -> int:
    return d.toordinal()


def d(n: int) -> date:
    return date.fromordinal(int(n))


def days(start: date, end: date) -> np.ndarray:
    return np.arange(o(start), o(end) + 1, dtype=np.int64)


def signing_weights(ordinals: np.ndarray) -> np.ndarray:
    """Relative chance that a project is signed on each day (seasonality, holidays, Covid)."""
    w = np.empty(len(ordinals), dtype=float)
    for i, n in enumerate(ordinals):
        day = d(n)
        x = MONTH_WEIGHTS[day.month - 1] * WEEKDAY_WEIGHTS[day.weekday()]
        sf = SPRING_FESTIVAL.get(day.year)
        if sf and -1 <= (day - sf).days <= 6:
            x *= 0.1
        if day.month == 10 and day.day <= 7:
            x *= 0.15
        elif day.month == 1 and day.day == 1:
            x *= 0.2
        if date(2020, 1, 24) <= day <= date(2020, 2, 29):
            x *= 0.15
        elif date(2020, 3, 1) <= day <= date(2020, 3, 31):
            x *= 0.4
        elif date(2020, 4, 1) <= day <= date(2020, 4, 30):
            x *= 0.8
        w[i] = x
    return w


def draw(rng: np.random.Generator, ordinals: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    p = weights / weights.sum()
    return ordinals[rng.choice(len(ordinals), size=n, p=p)]


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise ValueError(day)


def clamp(day: date, lo: date, hi: date) -> date:
    return max(lo, min(hi, day))


ONE_DAY = timedelta(days=1)
