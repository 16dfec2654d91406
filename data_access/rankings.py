"""考核排名: regions' progress on their annual targets, read against 时序进度, and ranked.

The achieved figures are the overview's, read the overview's way (data_access/area.py, all
filters off, 1 January to D): 签约项目数 and 合同投资额 of the projects signed in the year and not
terminated by D, 到位资金 received in the year by the projects active at D. So a city's figure here
equals its overview's target panel for the same year.

D is the data cut-off for its own year and 31 December for a past year. 时序进度 is the share of
the year elapsed at D (day of the year ÷ days in the year, as the overview's target card). The
rank's change compares with the ranking at the previous month end of the same year (none in
January). Lights: green at or above 时序进度, yellow below it by at most the tolerance (a
setting), red further below; no light where no target is set.

Combined score = Σ weightᵢ × min(completionᵢ, cap) ÷ Σ weightᵢ over the three measures with a
target (weights and cap are settings), so one huge overshoot cannot bury two misses.
"""
from __future__ import annotations

import calendar
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import Engine, select

from .area import read_area
from .models import AnnualTarget
from .queries import data_cutoff
from .scope import Filters, RegionIndex, RegionScope
from .settings_store import Values

MEASURES = ("contract", "funds", "projects")
MEASURE_LABELS = {"contract": "合同投资额", "funds": "到位资金", "projects": "签约项目数"}
MEASURE_UNITS = {"contract": "亿元", "funds": "亿元", "projects": "个"}
WEIGHT_KEY = {"contract": "rank.weight_contract", "funds": "rank.weight_funds", "projects": "rank.weight_projects"}
TOTAL_KEY = {"contract": "contract_yuan", "funds": "funds_in_period_yuan", "projects": "projects"}
HUNDRED = Decimal(100)
TWO = Decimal("0.01")


def as_of_for(year: int, cutoff: date) -> date:
    return cutoff if year == cutoff.year else date(year, 12, 31)


def elapsed(as_of: date) -> Decimal:
    """时序进度 in percent, two decimals half up (the overview's target card)."""
    days = 366 if calendar.isleap(as_of.year) else 365
    return (Decimal(as_of.timetuple().tm_yday) * HUNDRED / days).quantize(TWO, ROUND_HALF_UP)


def previous_month_end(as_of: date) -> date | None:
    """The last month end before D in D's year (D itself is not its own comparison)."""
    end = date(as_of.year, as_of.month, 1) - timedelta(days=1)
    return end if end.year == as_of.year else None


def light(completion: Decimal | None, progress: Decimal, tolerance: int) -> str | None:
    if completion is None:
        return None
    if completion >= progress:
        return "green"
    return "yellow" if completion >= progress - tolerance else "red"


def members(index: RegionIndex, scope: RegionScope) -> list[RegionScope]:
    """The regions a scope's ranking ranks: the province's cities, a city's counties, a county's
    city's counties (the caller shows a county user only their own row)."""
    parent = scope.parent_adcode if scope.level == "county" else scope.adcode
    return [index.regions[c] for c in index.children.get(parent, ())]


def targets(engine: Engine, adcodes: list[int], year: int) -> dict[int, dict[str, int]]:
    stmt = select(AnnualTarget.region_adcode, AnnualTarget.contract_yuan, AnnualTarget.funds_yuan,
                  AnnualTarget.projects).where(AnnualTarget.year == year, AnnualTarget.region_adcode.in_(adcodes))
    with engine.connect() as conn:
        return {int(r[0]): {"contract": int(r[1]), "funds": int(r[2]), "projects": int(r[3])} for r in conn.execute(stmt)}


def achieved(engine: Engine, area: RegionScope, regions: list[RegionScope], year: int,
             as_of: date) -> dict[int, dict[str, int]]:
    """Each region's achieved contract, funds and projects from 1 January to D (area.py's figures)."""
    stats = read_area(engine, area, Filters(date_from=date(year, 1, 1), date_to=as_of), detail=False)
    out = {}
    for region in regions:
        totals = stats.totals(region)
        out[region.adcode] = {m: int(totals[TOTAL_KEY[m]]) for m in MEASURES}
    return out


def completion(done: int, target: int | None) -> Decimal | None:
    if not target:
        return None
    return (Decimal(done) * HUNDRED / Decimal(target)).quantize(TWO, ROUND_HALF_UP)


def competition_ranks(values: dict[int, Decimal | None]) -> dict[int, int | None]:
    """1, 2, 2, 4: equal values share a rank; regions without a value have none."""
    known = sorted((v for v in values.values() if v is not None), reverse=True)
    return {k: (None if v is None else known.index(v) + 1) for k, v in values.items()}


def score(completions: dict[str, Decimal | None], values: Values) -> Decimal | None:
    cap = Decimal(values["rank.cap_pct"])
    weighted = [(Decimal(values[WEIGHT_KEY[m]]), min(c, cap)) for m, c in completions.items() if c is not None]
    total = sum(w for w, _ in weighted)
    if not total:
        return None
    return (sum(w * c for w, c in weighted) / total).quantize(TWO, ROUND_HALF_UP)


@dataclass(frozen=True, eq=False)
class Ranking:
    area: RegionScope          # whose members are ranked (the province, or a city)
    year: int
    as_of: date
    progress: Decimal          # 时序进度 at D, %
    previous_as_of: date | None
    rows: pd.DataFrame         # one row per member, best combined score first (columns: see rank_table)


def _table(regions: list[RegionScope], done: dict[int, dict[str, int]], goals: dict[int, dict[str, int]],
           progress: Decimal, values: Values) -> pd.DataFrame:
    tolerance = values["warn.target_tolerance_pts"]
    rows = []
    for region in regions:
        row: dict = {"adcode": region.adcode, "name": region.name}
        comps = {}
        for m in MEASURES:
            target = goals.get(region.adcode, {}).get(m)
            got = done[region.adcode][m]
            comps[m] = completion(got, target)
            row[f"{m}_done"] = got
            row[f"{m}_target"] = target
            row[f"{m}_pct"] = comps[m]
            # Behind (negative) or ahead of where 时序进度 says the region should be by D.
            row[f"{m}_gap"] = None if target is None else got - int(
                (Decimal(target) * progress / HUNDRED).quantize(Decimal(1), ROUND_HALF_UP))
            row[f"{m}_light"] = light(comps[m], progress, tolerance)
        row["score"] = score(comps, values)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for key in [*(f"{m}_pct" for m in MEASURES), "score"]:
        ranks = competition_ranks(dict(zip(frame["adcode"], frame[key])))
        name = key.replace("_pct", "") + "_rank" if key != "score" else "rank"
        frame[name] = pd.Series([ranks[a] for a in frame["adcode"]], dtype=object)  # None stays None
    return frame


def rank_table(engine: Engine, index: RegionIndex, scope: RegionScope, year: int, values: Values, *,
               as_of: date | None = None, compare: bool = True, executor: Executor | None = None) -> Ranking:
    """The ranking of a scope's members for a year, with each member's change of rank against
    the previous month end. Columns per measure m: m_done, m_target, m_pct (completion %),
    m_gap (achieved − target × 时序进度, yuan or projects), m_light, m_rank; then score, rank,
    rank_change (positive: up), rank_previous.

    `as_of` ends the year early (the warnings screen's period end); `compare` False skips the
    previous month end; `executor` reads both dates side by side."""
    as_of = as_of or as_of_for(year, data_cutoff(engine))
    regions = members(index, scope)
    area = index.regions[scope.parent_adcode] if scope.level == "county" else scope
    goals = targets(engine, [r.adcode for r in regions], year)
    progress = elapsed(as_of)
    before = previous_month_end(as_of) if compare else None
    dates = [as_of] + ([before] if before else [])
    if executor is None:
        got = [achieved(engine, area, regions, year, d) for d in dates]
    else:
        got = [f.result() for f in [executor.submit(achieved, engine, area, regions, year, d) for d in dates]]
    frame = _table(regions, got[0], goals, progress, values)
    if before is not None:
        old = _table(regions, got[1], goals, elapsed(before), values)
        previous = dict(zip(old["adcode"], old["rank"]))
        frame["rank_previous"] = pd.Series([previous[a] for a in frame["adcode"]], dtype=object)
        frame["rank_change"] = pd.Series([None if r is None or p is None else p - r
                                          for r, p in zip(frame["rank"], frame["rank_previous"])], dtype=object)
    else:
        frame["rank_previous"] = None
        frame["rank_change"] = None
    order = sorted(range(len(frame)), key=lambda i: (frame["rank"][i] is None, frame["rank"][i] or 0, frame["name"][i]))
    frame = frame.iloc[order].reset_index(drop=True)
    return Ranking(area=area, year=year, as_of=as_of, progress=progress, previous_as_of=before, rows=frame)


def target_years(engine: Engine, cutoff: date) -> list[int]:
    """Years with targets that the data has begun (a later year has nothing to rank yet)."""
    with engine.connect() as conn:
        years = [int(y) for (y,) in conn.execute(select(AnnualTarget.year).distinct().order_by(AnnualTarget.year))]
    return [y for y in years if y <= cutoff.year]


def behind(ranking: Ranking) -> pd.DataFrame:
    """目标滞后 warnings: one row per member and measure below 时序进度 (the warnings screen's
    fifth rule), with its light."""
    rows = []
    for r in ranking.rows.itertuples():
        for m in MEASURES:
            lamp = getattr(r, f"{m}_light")
            if lamp in ("yellow", "red"):
                rows.append({"adcode": r.adcode, "name": r.name, "measure": m, "label": MEASURE_LABELS[m],
                             "done": getattr(r, f"{m}_done"), "target": getattr(r, f"{m}_target"),
                             "pct": getattr(r, f"{m}_pct"), "gap": getattr(r, f"{m}_gap"), "light": lamp})
    return pd.DataFrame(rows, columns=["adcode", "name", "measure", "label", "done", "target", "pct", "gap", "light"])
