"""Queries behind the overview screen beyond the shared totals: industries, origins, trend,
stage durations and annual targets. Same conventions as queries.py."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Date, Engine, func, literal, select

from . import lifecycle
from .models import AnnualTarget, Funding, Industry, Park, Project, Region
from .queries import FIGURES, count_if, data_cutoff, figure_columns, funds_by, funds_to_date, project_conditions
from .scope import Filters, RegionScope
from .sqlfunc import days_between, year_month
from .vocab import SOURCE_REGIONS


def industry_totals(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """Projects and contract value per industry, all 11 listed (zeros included), in plan order."""
    as_of = filters.as_of(data_cutoff(engine))
    agg = (
        select(Project.industry_code, func.count().label("projects"), func.sum(Project.contract_yuan).label("c"))
        .where(*project_conditions(scope, filters, as_of))
        .group_by(Project.industry_code)
        .subquery()
    )
    stmt = (
        select(
            Industry.code, Industry.name, Industry.short_name, Industry.is_key,
            func.coalesce(agg.c.projects, 0).label("projects"),
            func.coalesce(agg.c.c, 0).label("contract_yuan"),
        )
        .outerjoin(agg, agg.c.industry_code == Industry.code)
        .order_by(Industry.sort_order)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all())
    return frame.astype({"projects": "int64", "contract_yuan": "int64"})


def source_region_totals(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """Contract value and projects by the investor's source region (粤港澳大湾区, 长三角, …)."""
    as_of = filters.as_of(data_cutoff(engine))
    stmt = (
        select(Project.source_region, func.count().label("projects"),
               func.sum(Project.contract_yuan).label("contract_yuan"))
        .where(*project_conditions(scope, filters, as_of))
        .group_by(Project.source_region)
    )
    with engine.connect() as conn:
        rows = {r.source_region: r for r in conn.execute(stmt)}
    return pd.DataFrame(
        {
            "source_region": list(SOURCE_REGIONS),
            "projects": [int(rows[s].projects) if s in rows else 0 for s in SOURCE_REGIONS],
            "contract_yuan": [int(rows[s].contract_yuan) if s in rows else 0 for s in SOURCE_REGIONS],
        }
    )


def monthly_series(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """Per month of the period: contract value signed and funds in place (到位资金), in yuan.

    Every month of the period is listed, empty ones as zeros, so a trend line has no gaps.
    """
    as_of = filters.as_of(data_cutoff(engine))
    with engine.connect() as conn:
        signed_by = _signed_by_month(conn, scope, filters, as_of)
        funds = funds_by(conn, scope, filters, as_of, year_month(Funding.received_on))
    return _trend(filters, as_of, signed_by, {int(k[0]): v for k, v in funds.items()})


def _signed_by_month(conn, scope: RegionScope, filters: Filters, as_of: date) -> dict[int, int]:
    """Contract value signed per month (YYYYMM) by the period's active projects."""
    month = year_month(Project.signed_on)
    stmt = (select(month, func.sum(Project.contract_yuan))
            .where(*project_conditions(scope, filters, as_of)).group_by(month))
    return {int(m): int(v) for m, v in conn.execute(stmt)}


def _first_month(*series: dict[int, int], fallback: date) -> date:
    keys = [k for s in series for k in s]
    if not keys:
        return date(fallback.year, fallback.month, 1)
    ym = min(keys)
    return date(ym // 100, ym % 100, 1)


def _months(first: date, last: date) -> list[int]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(y * 100 + m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def stage_medians(engine: Engine, scope: RegionScope, filters: Filters) -> dict[str, float | None]:
    """Median days from signing to start and from start to production, for the period's projects.

    SQLite has no median: the database groups the durations into (days, count) pairs, a few
    hundred rows at most, and the exact median is read off those.
    """
    as_of = filters.as_of(data_cutoff(engine))
    conds = project_conditions(scope, filters, as_of)
    out: dict[str, float | None] = {}
    pairs = {
        "sign_to_start_days": (Project.started_on, Project.signed_on, lifecycle.is_started(as_of)),
        "start_to_production_days": (Project.production_on, Project.started_on, lifecycle.is_producing(as_of)),
    }
    with engine.connect() as conn:
        for key, (later, earlier, reached) in pairs.items():
            days = days_between(later, earlier)
            rows = conn.execute(
                select(days.label("d"), func.count().label("n")).where(*conds, reached).group_by(days).order_by(days)
            ).all()
            out[key] = _median_of_counts([(int(r.d), int(r.n)) for r in rows])
    return out


def _median_of_counts(pairs: list[tuple[int, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    if not total:
        return None
    lo_rank, hi_rank = (total - 1) // 2, total // 2
    seen, lo = 0, None
    for value, n in pairs:
        if lo is None and seen + n > lo_rank:
            lo = value
        if seen + n > hi_rank:
            return (lo + value) / 2
        seen += n
    return None


def annual_target(engine: Engine, scope: RegionScope, year: int) -> dict[str, int] | None:
    stmt = select(AnnualTarget.contract_yuan, AnnualTarget.funds_yuan, AnnualTarget.projects).where(
        AnnualTarget.region_adcode == scope.adcode, AnnualTarget.year == year
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return {k: int(v) for k, v in row.items()} if row else None


STALL_YELLOW_DAYS = 90   # 签约未开工 beyond 3 months: yellow (domain.md §6)
STALL_RED_DAYS = 180     # beyond 6 months: red; land contracts require 实质性开工 within 6 months


def stalled_projects(engine: Engine, scope: RegionScope, filters: Filters, limit: int = 8) -> dict:
    """Signed, active, not started as of the period's end: counts by warning light and the largest."""
    as_of = filters.as_of(data_cutoff(engine))
    waited = days_between(literal(as_of, Date), Project.signed_on)
    conds = [*project_conditions(scope, filters, as_of), lifecycle.is_pipeline(as_of)]
    counts = select(
        func.count().label("pipeline"),
        count_if(waited > STALL_RED_DAYS).label("red"),
        count_if((waited > STALL_YELLOW_DAYS) & (waited <= STALL_RED_DAYS)).label("yellow"),
    ).where(*conds)
    top = (
        select(
            Project.code, Project.name, Project.contract_yuan, Project.signed_on,
            Region.name.label("county"), waited.label("days"),
        )
        .join(Region, Region.adcode == Project.county_adcode)
        .where(*conds, waited > STALL_YELLOW_DAYS)
        .order_by(Project.contract_yuan.desc(), Project.code)
        .limit(limit)
    )
    with engine.connect() as conn:
        row = conn.execute(counts).mappings().one()
        frame = pd.DataFrame(conn.execute(top).mappings().all(),
                             columns=["code", "name", "contract_yuan", "signed_on", "county", "days"])
    return {"pipeline": int(row["pipeline"]), "yellow": int(row["yellow"]), "red": int(row["red"]), "top": frame}


def origin_options(engine: Engine, limit: int = 40) -> list[str]:
    """Investor origins for the filter: the cities with most projects, then every province."""
    with engine.connect() as conn:
        cities = conn.execute(
            select(Project.origin_city, func.count().label("n"))
            .where(Project.origin_city.is_not(None))
            .group_by(Project.origin_city)
            .order_by(func.count().desc(), Project.origin_city)
            .limit(limit)
        ).all()
        provinces = conn.execute(select(Project.origin_province).distinct().order_by(Project.origin_province)).all()
    names = [r.origin_city for r in cities] + [r.origin_province for r in provinces]
    return list(dict.fromkeys(names))


def first_signing(engine: Engine) -> date | None:
    with engine.connect() as conn:
        return conn.scalar(select(func.min(Project.signed_on)))


def parks_in(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """Parks (园区) of a county or city with the period's projects and contract value in each."""
    as_of = filters.as_of(data_cutoff(engine))
    agg = (
        select(Project.park_id, func.count().label("projects"), func.sum(Project.contract_yuan).label("c"))
        .where(*project_conditions(scope, filters, as_of), Project.park_id.is_not(None))
        .group_by(Project.park_id)
        .subquery()
    )
    stmt = (
        select(
            Park.name, Park.kind, Park.level, Park.is_platform,
            func.coalesce(agg.c.projects, 0).label("projects"), func.coalesce(agg.c.c, 0).label("contract_yuan"),
        )
        .join(Region, Region.adcode == Park.county_adcode)
        .outerjoin(agg, agg.c.park_id == Park.id)
        .where(scope.condition(Park.county_adcode, Region.parent_adcode))
        .order_by(func.coalesce(agg.c.c, 0).desc(), Park.name)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(),
                             columns=["name", "kind", "level", "is_platform", "projects", "contract_yuan"])
    return frame.astype({"projects": "int64", "contract_yuan": "int64"})


def region_view(engine: Engine, scope: RegionScope, filters: Filters, map_scope: RegionScope) -> dict:
    """The figures of one overview screen, read in a handful of queries.

    One grouped query over the map's regions (the scope itself, or a county's whole city) by
    region, industry and source region yields the totals, the map, the industries and the
    origins; one pair of funding queries by region and month yields the money for the map, the
    totals and the trend. Same definitions as project_totals, totals_by_region & co., which the
    tests hold these figures to. The few hundred grouped rows are rolled up in plain Python,
    several times faster than pandas at this size.
    """
    as_of = filters.as_of(data_cutoff(engine))
    child, fchild = ((Project.city_adcode, Funding.city_adcode) if map_scope.level == "province"
                     else (Project.county_adcode, Funding.county_adcode))
    cube = (
        select(child, Project.industry_code, Project.source_region, *figure_columns(as_of))
        .where(*project_conditions(map_scope, filters, as_of))
        .group_by(child, Project.industry_code, Project.source_region)
    )
    members = (Region.level == "city") if map_scope.level == "province" else (Region.parent_adcode == map_scope.adcode)
    with engine.connect() as conn:
        rows = conn.execute(cube).all()
        funds = funds_by(conn, map_scope, filters, as_of, fchild, year_month(Funding.received_on))
        to_date = funds_to_date(conn, scope, filters, as_of)
        signed_by = _signed_by_month(conn, scope, filters, as_of)
        names = conn.execute(
            select(Region.adcode, Region.name, Region.short_name, Region.label_lon, Region.label_lat)
            .where(members).order_by(Region.sort_order)).all()
        industries = conn.execute(
            select(Industry.code, Industry.name, Industry.short_name, Industry.is_key).order_by(Industry.sort_order)).all()

    def mine(region) -> bool:
        return scope.adcode == map_scope.adcode or int(region) == scope.adcode

    n = len(FIGURES)
    totals, by_region, by_industry, by_source = [0] * n, {}, {}, {}
    for region, industry, source, *values in rows:
        values = [int(v) for v in values]
        _add(by_region, int(region), values)
        if mine(region):
            _add_into(totals, values)
            _add(by_industry, industry, values)
            _add(by_source, source, values)
    totals = dict(zip(FIGURES, totals))
    region_funds, funds_by_month = {}, {}
    for (region, month), value in funds.items():
        region_funds[int(region)] = region_funds.get(int(region), 0) + value
        if mine(region):
            funds_by_month[int(month)] = funds_by_month.get(int(month), 0) + value
    totals["funds_in_period_yuan"] = sum(funds_by_month.values())
    totals["funds_to_date_yuan"] = to_date

    zero = [0] * n
    pick = [FIGURES.index(c) for c in ("projects", "contract_yuan", "started", "producing")]
    regions = pd.DataFrame(
        [(int(r.adcode), r.name, r.short_name, r.label_lon, r.label_lat,
          *[by_region.get(int(r.adcode), zero)[i] for i in pick], region_funds.get(int(r.adcode), 0)) for r in names],
        columns=["adcode", "name", "short_name", "label_lon", "label_lat", "projects", "contract_yuan", "started",
                 "producing", "funds_yuan"],
    )
    two = [FIGURES.index("projects"), FIGURES.index("contract_yuan")]
    industry_frame = pd.DataFrame(
        [(r.code, r.name, r.short_name, bool(r.is_key), *[by_industry.get(r.code, zero)[i] for i in two])
         for r in industries],
        columns=["code", "name", "short_name", "is_key", "projects", "contract_yuan"],
    )
    sources = pd.DataFrame(
        [(s, *[by_source.get(s, zero)[i] for i in two]) for s in SOURCE_REGIONS],
        columns=["source_region", "projects", "contract_yuan"],
    )
    return {
        "as_of": as_of,
        "totals": totals,
        "regions": regions,
        "industries": industry_frame,
        "sources": sources,
        "trend": _trend(filters, as_of, signed_by, funds_by_month),
    }


def _add(groups: dict, key, values: list[int]) -> None:
    _add_into(groups.setdefault(key, [0] * len(values)), values)


def _add_into(acc: list[int], values: list[int]) -> None:
    for i, v in enumerate(values):
        acc[i] += v


def period_summary(engine: Engine, scope: RegionScope, filters: Filters) -> dict:
    """Totals and monthly trend of a period without the breakdowns (for the year-earlier view)."""
    as_of = filters.as_of(data_cutoff(engine))
    with engine.connect() as conn:
        row = conn.execute(select(*figure_columns(as_of)).where(*project_conditions(scope, filters, as_of))).mappings().one()
        funds = funds_by(conn, scope, filters, as_of, year_month(Funding.received_on))
        to_date = funds_to_date(conn, scope, filters, as_of)
        signed_by = _signed_by_month(conn, scope, filters, as_of)
    totals = {k: int(v) for k, v in row.items()}
    totals["funds_in_period_yuan"] = sum(funds.values())
    totals["funds_to_date_yuan"] = to_date
    return {"totals": totals, "trend": _trend(filters, as_of, signed_by, {int(k[0]): v for k, v in funds.items()})}


def _trend(filters: Filters, as_of: date, signed_by: dict[int, int], funds_by_month: dict[int, int]) -> pd.DataFrame:
    first = filters.date_from or _first_month(signed_by, funds_by_month, fallback=as_of)
    months = _months(first, as_of)
    return pd.DataFrame(
        {
            "ym": months,
            "month": [f"{m // 100}-{m % 100:02d}" for m in months],
            "contract_yuan": [signed_by.get(m, 0) for m in months],
            "funds_yuan": [funds_by_month.get(m, 0) for m in months],
        }
    )
