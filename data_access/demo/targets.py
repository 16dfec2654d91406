"""Annual targets (年度目标) 2019–2026 for the province, each city and each county.

A province sets each year's target from the year before: the prior year's actual × 1.05–1.2 for
contract value and money in place, × 1.02–1.08 for the number of projects. Two exceptions follow
from the data starting in 2019 (the platform's older projects are not in it):

* 2019 has no prior year: its targets are 2–10 % above what the year reached, as a plan that
  foresaw it would be;
* 到位资金 of 2019 and 2020 comes from the data's own projects only, which are still ramping up
  (money arrives over the years after signing: 2020 receives about three times 2019's). A target
  from the prior year would be met three times over, so these two years' money targets, too, are
  set 2–12 % above what arrived.

Cities get the province's target by their share of the last two years, counties their city's
likewise, each with some negotiation noise. A county's share of money is half its share of the
city's money and half its share of the city's projects: one large project would otherwise make
the next year's target of a small county many times what it can sign. Money is rounded to 亿
(province: 10 亿), projects to whole numbers (province: tens). Sums of the parts are therefore
close to, not exactly, the whole.
"""
from __future__ import annotations

import numpy as np

from .context import Context
from .money import YI

TARGET_YEARS = tuple(range(2019, 2027))
FIRST_YEAR = 2019
RAMP_FUNDS_YEARS = (2019, 2020)  # 到位资金 targets set from the year's own arrivals (see above)
CONTRACT, FUNDS, PROJECTS = range(3)


def _round(x: float, step: int) -> int:
    return int(round(x / step)) * step


def build(ctx: Context, projects: list[dict], funding: list[dict], rng: np.random.Generator) -> list[dict]:
    county_of = {p["id"]: p["county"] for p in projects}
    actual: dict[tuple[int, int], list[float]] = {}  # (county, year) -> [contract, funds, projects]
    for p in projects:
        year = p["signed"].year
        if FIRST_YEAR <= year <= 2025:
            a = actual.setdefault((p["county"], year), [0.0, 0.0, 0.0])
            a[CONTRACT] += p["size_wan"] * 10_000
            a[PROJECTS] += 1
    for f in funding:
        year = f["received_on"].year
        if FIRST_YEAR <= year <= 2025:
            actual.setdefault((county_of[f["project_id"]], year), [0.0, 0.0, 0.0])[FUNDS] += f["amount_yuan"]

    def total(counties, years) -> list[float]:
        out = [0.0, 0.0, 0.0]
        for c in counties:
            for y in years:
                for k, v in enumerate(actual.get((c, y), (0.0, 0.0, 0.0))):
                    out[k] += v
        return out

    all_counties = list(ctx.counties)
    rows = []
    for year in TARGET_YEARS:
        prior = year - 1 if year > FIRST_YEAR else FIRST_YEAR
        lift = rng.uniform(1.02, 1.10) if year == FIRST_YEAR else rng.uniform(1.05, 1.2)
        base = total(all_counties, [prior])
        funds_base, funds_lift = (total(all_counties, [year])[FUNDS], rng.uniform(1.02, 1.12)) \
            if year in RAMP_FUNDS_YEARS else (base[FUNDS], lift * rng.uniform(0.98, 1.04))
        count_lift = rng.uniform(1.02, 1.08) if year > FIRST_YEAR else rng.uniform(1.0, 1.05)
        prov = [_round(base[CONTRACT] * lift, 10 * YI), _round(funds_base * funds_lift, 10 * YI),
                _round(base[PROJECTS] * count_lift, 10)]
        rows.append({"region_adcode": ctx.province, "year": year, "contract_yuan": prov[CONTRACT],
                     "funds_yuan": prov[FUNDS], "projects": prov[PROJECTS]})
        share_years = [prior] if prior == FIRST_YEAR else [prior - 1, prior]
        prov_hist = total(all_counties, share_years)
        for city in ctx.cities:
            counties = ctx.counties_of_city[city]
            city_hist = total(counties, share_years)
            noise = rng.uniform(0.97, 1.05, size=3)
            city_t = [prov[k] * city_hist[k] / prov_hist[k] * noise[k] for k in range(3)]
            rows.append({"region_adcode": city, "year": year, "contract_yuan": _round(city_t[CONTRACT], YI),
                         "funds_yuan": _round(city_t[FUNDS], YI), "projects": max(1, _round(city_t[PROJECTS], 1))})
            for county in counties:
                share = _county_share(total([county], share_years), city_hist, len(counties))
                noise = rng.uniform(0.96, 1.06, size=3)
                t = [city_t[k] * share[k] * noise[k] for k in range(3)]
                rows.append({"region_adcode": county, "year": year,
                             "contract_yuan": max(YI // 10, _round(t[CONTRACT], YI // 10)),
                             "funds_yuan": max(YI // 10, _round(t[FUNDS], YI // 10)),
                             "projects": max(1, _round(t[PROJECTS], 1))})
    return rows


def _county_share(county: list[float], city: list[float], n: int) -> list[float]:
    """A county's share of its city's target per measure; money half by money, half by projects."""
    def part(k: int) -> float:
        return county[k] / city[k] if city[k] else 1.0 / n

    by_count = part(PROJECTS)
    return [0.5 * part(CONTRACT) + 0.5 * by_count, 0.5 * part(FUNDS) + 0.5 * by_count, by_count]
