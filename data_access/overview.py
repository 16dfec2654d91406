"""Queries behind the overview screen beyond the shared totals: industries, origins, trend,
stage durations and annual targets. Same conventions as queries.py."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select

from . import lifecycle
from .models import AnnualTarget, Industry, Park, Project, Region
from .area import STALL_RED_DAYS, STALL_YELLOW_DAYS, stalled_conditions, waited_days
from .queries import count_if, data_cutoff, funds_by, project_conditions
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
        funds = funds_by(conn, scope, filters, as_of, "month")
    return trend_frame(filters, as_of, signed_by, {int(k[0]): v for k, v in funds.items()})


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


def stalled_projects(engine: Engine, scope: RegionScope, filters: Filters, limit: int = 8) -> dict:
    """Signed, active, not started as of the period's end: counts by warning light and the largest."""
    as_of = filters.as_of(data_cutoff(engine))
    waited = waited_days(as_of)
    counts = select(
        func.count().label("pipeline"),
        count_if(waited > STALL_RED_DAYS).label("red"),
        count_if((waited > STALL_YELLOW_DAYS) & (waited <= STALL_RED_DAYS)).label("yellow"),
    ).where(*stalled_conditions(scope, filters, as_of))
    with engine.connect() as conn:
        row = conn.execute(counts).mappings().one()
    return {"pipeline": int(row["pipeline"]), "yellow": int(row["yellow"]), "red": int(row["red"]),
            "top": stalled_top(engine, scope, filters, limit)}


def stalled_top(engine: Engine, scope: RegionScope, filters: Filters, limit: int = 8) -> pd.DataFrame:
    """The largest projects stalled beyond the yellow light (the list under the funnel)."""
    as_of = filters.as_of(data_cutoff(engine))
    waited = waited_days(as_of)
    top = (
        select(
            Project.code, Project.name, Project.contract_yuan, Project.signed_on,
            Region.name.label("county"), waited.label("days"),
        )
        .join(Region, Region.adcode == Project.county_adcode)
        .where(*stalled_conditions(scope, filters, as_of), waited > STALL_YELLOW_DAYS)
        .order_by(Project.contract_yuan.desc(), Project.code)
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(top).mappings().all(),
                            columns=["code", "name", "contract_yuan", "signed_on", "county", "days"])


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


def trend_frame(filters: Filters, as_of: date, signed_by: dict[int, int], funds_by_month: dict[int, int]) -> pd.DataFrame:
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
