"""Annual targets (年度目标) 2019–2026 for the province, each city and each county.

The province sets each year's target at the prior year's actual × 1.05–1.2 (2019: around its own
outcome, the prior year being outside the data); cities get the province's target by their share
of the last two years, counties their city's likewise, each with some negotiation noise; money is
rounded to 亿 (province: 10 亿), projects to whole numbers (province: tens). Sums of the parts are
therefore close to, not exactly, the whole.
"""
from __future__ import annotations

import numpy as np

from .context import Context
from .money import YI

TARGET_YEARS = tuple(range(2019, 2027))


def _round(x: float, step: int) -> int:
    return int(round(x / step)) * step


def build(ctx: Context, projects: list[dict], funding: list[dict], rng: np.random.Generator) -> list[dict]:
    county_of = {p["id"]: p["county"] for p in projects}
    actual: dict[tuple[int, int], list[float]] = {}  # (county, year) -> [contract, funds, projects]
    for p in projects:
        year = p["signed"].year
        if 2019 <= year <= 2025:
            a = actual.setdefault((p["county"], year), [0.0, 0.0, 0.0])
            a[0] += p["size_wan"] * 10_000
            a[2] += 1
    for f in funding:
        year = f["received_on"].year
        if 2019 <= year <= 2025:
            actual.setdefault((county_of[f["project_id"]], year), [0.0, 0.0, 0.0])[1] += f["amount_yuan"]

    def total(counties, year):
        out = [0.0, 0.0, 0.0]
        for c in counties:
            for k, v in enumerate(actual.get((c, year), (0.0, 0.0, 0.0))):
                out[k] += v
        return out

    all_counties = list(ctx.counties)
    rows = []
    for year in TARGET_YEARS:
        base_year = 2019 if year == 2019 else year - 1
        prev = total(all_counties, base_year)
        lift = rng.uniform(0.95, 1.06) if year == 2019 else rng.uniform(1.05, 1.2)
        prov = [_round(prev[0] * lift, 10 * YI), _round(prev[1] * lift * rng.uniform(0.98, 1.04), 10 * YI),
                _round(prev[2] * rng.uniform(1.02, 1.08) if year > 2019 else prev[2] * rng.uniform(0.96, 1.03), 10)]
        rows.append({"region_adcode": ctx.province, "year": year, "contract_yuan": prov[0], "funds_yuan": prov[1],
                     "projects": prov[2]})
        share_years = [base_year] if base_year == 2019 else [base_year - 1, base_year]
        prov_hist = [sum(total(all_counties, y)[k] for y in share_years) for k in range(3)]
        for city in ctx.cities:
            counties = ctx.counties_of_city[city]
            city_hist = [sum(total(counties, y)[k] for y in share_years) for k in range(3)]
            noise = rng.uniform(0.97, 1.05, size=3)
            city_t = [prov[k] * city_hist[k] / prov_hist[k] * noise[k] for k in range(3)]
            rows.append({"region_adcode": city, "year": year, "contract_yuan": _round(city_t[0], YI),
                         "funds_yuan": _round(city_t[1], YI), "projects": max(1, _round(city_t[2], 1))})
            for county in counties:
                hist = [sum(actual.get((county, y), (0.0, 0.0, 0.0))[k] for y in share_years) for k in range(3)]
                noise = rng.uniform(0.96, 1.06, size=3)
                t = [city_t[k] * (hist[k] + 1e-9) / (city_hist[k] + 1e-9 * len(counties)) * noise[k] for k in range(3)]
                rows.append({"region_adcode": county, "year": year,
                             "contract_yuan": max(YI // 10, _round(t[0], YI // 10)),
                             "funds_yuan": max(YI // 10, _round(t[1], YI // 10)), "projects": max(1, _round(t[2], 1))})
    return rows
