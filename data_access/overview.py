"""Queries behind the overview screen beyond the shared totals: industries, origins, trend,
stage durations and annual targets. Same conventions as queries.py."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import BigInteger, Date, Engine, Integer, String, bindparam, func, select, text

from . import lifecycle
from .models import AnnualTarget, Industry, Park, Project, ProjectMonth, Region
from .area import STALL_RED_DAYS, STALL_YELLOW_DAYS, split_months, stalled_conditions, waited_days
from .queries import count_if, data_cutoff, funds_by, project_conditions, rollup_serves
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
    out: dict[str, float | None] = {}
    pairs = {
        "sign_to_start_days": ("d", Project.started_on, Project.signed_on, lifecycle.is_started(as_of)),
        "start_to_production_days": ("p", Project.production_on, Project.started_on, lifecycle.is_producing(as_of)),
    }
    with engine.connect() as conn:
        # A province's or city's counts per number of days are kept in project_month for whole
        # months of signing; a county's few projects, and the cut days, are read from them.
        rolled = scope.level != "county" and rollup_serves(conn, filters, as_of)
        months, edges = split_months(filters.date_from, as_of) if rolled else (None, [(filters.date_from, as_of)])
        for key, (dim, later, earlier, reached) in pairs.items():
            counts: dict[int, int] = {}
            if months is not None:
                stmt = (select(ProjectMonth.value, func.sum(ProjectMonth.projects))
                        # city_adcode: the province's or the city's code on these rows (its index).
                        .where(ProjectMonth.dim == dim, ProjectMonth.city_adcode == scope.adcode,
                               ProjectMonth.month.between(*months))
                        .group_by(ProjectMonth.value))
                for d, n in conn.execute(stmt):
                    counts[int(d)] = counts.get(int(d), 0) + int(n)
            days = days_between(later, earlier)
            for start, end in edges:
                # Signed in [start, end], the lifecycle as of the period's end.
                period = replace(filters, date_from=start, date_to=None)
                conds = project_conditions(scope, period, as_of) + [Project.signed_on <= end]
                rows = conn.execute(select(days, func.count()).where(*conds, reached).group_by(days))
                for d, n in rows:
                    counts[int(d)] = counts.get(int(d), 0) + int(n)
            out[key] = _median_of_counts(sorted(counts.items()))
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
    implied = []
    with engine.connect() as conn:
        if rollup_serves(conn, filters, as_of):
            # Every start and termination is on record by as_of: not started and active as of it
            # is not started and not terminated, which an index of those projects by value holds.
            implied = [Project.started_on.is_(None), Project.terminated_on.is_(None)]
    top = (
        select(
            Project.code, Project.name, Project.contract_yuan, Project.signed_on,
            Region.name.label("county"), waited.label("days"),
        )
        .join(Region, Region.adcode == Project.county_adcode)
        .where(*stalled_conditions(scope, filters, as_of), *implied, waited > STALL_YELLOW_DAYS)
        .order_by(Project.contract_yuan.desc(), Project.code)
        .limit(limit)
    )
    columns = ["code", "name", "contract_yuan", "signed_on", "county", "days"]
    with engine.connect() as conn:
        if implied and scope.level != "county" and conn.dialect.name == "sqlite":
            # SQLite would rather read every stalled project of each county and sort them; told
            # to walk the index of those projects by value, it stops after the first few.
            rows = conn.execute(_sqlite_pipeline_top(scope, filters, as_of, limit)).mappings().all()
        else:
            rows = conn.execute(top).mappings().all()
    return pd.DataFrame(rows, columns=columns)


def _sqlite_pipeline_top(scope: RegionScope, filters: Filters, as_of: date, limit: int):
    """stalled_top's statement on SQLite for a settled period (SQLAlchemy renders no index hint
    there): the same rows, waited > STALL_YELLOW_DAYS spelled as a signing day bound."""
    params = {"as_of": as_of, "last": as_of - timedelta(days=STALL_YELLOW_DAYS + 1), "limit": limit}
    where = ["p.started_on IS NULL", "p.terminated_on IS NULL", "p.signed_on <= :last"]
    if filters.date_from:
        where.append("p.signed_on >= :first")
        params["first"] = filters.date_from
    if scope.level == "city":
        where.append("p.city_adcode = :city")
        params["city"] = scope.adcode
    sql = text(
        "SELECT p.code, p.name, p.contract_yuan, p.signed_on, r.name AS county, "
        "CAST(julianday(:as_of) - julianday(p.signed_on) AS INTEGER) AS days "
        "FROM project AS p INDEXED BY ix_project_pipeline JOIN region AS r ON r.adcode = p.county_adcode "
        f"WHERE {' AND '.join(where)} ORDER BY p.contract_yuan DESC, p.code LIMIT :limit"
    ).bindparams(bindparam("as_of", type_=Date), bindparam("last", type_=Date),
                 *([bindparam("first", type_=Date)] if filters.date_from else []))
    return sql.columns(code=String, name=String, contract_yuan=BigInteger, signed_on=Date, county=String,
                       days=Integer).params(**params)


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
