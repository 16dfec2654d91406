"""Aggregate queries of the cockpit. Aggregation happens in the database; results are small.

Each function takes the engine, the RegionScope it serves and the Filters, and returns plain
ints (money in yuan) or a small DataFrame. Units are converted for display in components/.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, func, select

from . import lifecycle
from .models import (
    ChainLink, DatasetInfo, Enterprise, Funding, FundingMonth, Industry, Inspection, Project, ProjectMonth, Region,
    Visit,
)
from .scope import Filters, RegionScope, origin_condition, origin_names
from .sqlfunc import year_month
from .vocab import VISIT_ASSOCIATION, VISIT_ENTERPRISE


def data_cutoff(engine: Engine) -> date:
    """The last day the data covers; figures "as of today" mean as of this day."""
    return _read_cutoff(engine)


def _read_cutoff(engine: Engine) -> date:
    with engine.connect() as conn:
        value = conn.scalar(select(DatasetInfo.value).where(DatasetInfo.key == "data_cutoff"))
        if value:
            return date.fromisoformat(value)
        latest = conn.scalar(select(func.max(Project.signed_on)))
    return latest or date.today()


def dataset_source(engine: Engine) -> str:
    """'演示数据' for the generated demo set, so nobody mistakes it for the platform's records."""
    with engine.connect() as conn:
        value = conn.scalar(select(DatasetInfo.value).where(DatasetInfo.key == "source"))
    return "演示数据" if value == "demo" else ""


def industries(engine: Engine) -> list[tuple[str, str, str, bool]]:
    """(code, name, short_name, is_key) of the industries in plan order."""
    stmt = select(Industry.code, Industry.name, Industry.short_name, Industry.is_key).order_by(Industry.sort_order)
    with engine.connect() as conn:
        return [(code, name, short, bool(key)) for code, name, short, key in conn.execute(stmt)]


def regions(engine: Engine) -> pd.DataFrame:
    stmt = select(
        Region.adcode, Region.name, Region.short_name, Region.level, Region.parent_adcode,
        Region.label_lon, Region.label_lat,
    ).order_by(Region.sort_order)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


# Off: every figure is read from the detail rows (scripts/bench_cold.py --rollup off compares).
USE_ROLLUP = True


def settled(conn, as_of: date) -> bool:
    """Whether as_of is on or after every lifecycle date and receipt on record, so that the
    project_month rollup (the projects' state as recorded) holds the figures as of it. Views read
    as of the data's cut-off, which is. Four index lookups."""
    # IS NOT NULL changes no maximum and lets the partial index of terminations serve.
    latest = [conn.scalar(select(func.max(column)).where(column.is_not(None))) for column in
              (Project.started_on, Project.production_on, Project.terminated_on, Funding.received_on)]
    return all(d is None or d <= as_of for d in latest)


def rollup_serves(conn, filters: Filters, as_of: date) -> bool:
    """Whether the project rows of project_month hold a period's figures: no filter they have no
    key for, and a settled end."""
    return USE_ROLLUP and not (filters.channel or filters.industry or filters.origin) and settled(conn, as_of)


def project_conditions(scope: RegionScope, filters: Filters, as_of: date, *, signed_in_period: bool = True):
    conds = [scope.condition(Project.county_adcode, Project.city_adcode), lifecycle.is_active(as_of)]
    if signed_in_period:
        if filters.date_from:
            conds.append(Project.signed_on >= filters.date_from)
        conds.append(Project.signed_on <= as_of)
    if filters.channel:
        conds.append(Project.channel == filters.channel)
    if filters.industry:
        conds.append(Project.industry_code == filters.industry)
    if filters.origin:
        names = origin_names(filters.origin)
        conds.append(Project.origin_city.in_(names) | Project.origin_province.in_(names))
    return conds


def count_if(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def sum_if(cond, col):
    return func.coalesce(func.sum(case((cond, col), else_=0)), 0)


def stat_columns(as_of: date) -> list:
    """The headline figures of a set of projects as of a date, as aggregate columns."""
    started, producing = lifecycle.is_started(as_of), lifecycle.is_producing(as_of)
    return [
        func.count().label("projects"),
        func.coalesce(func.sum(Project.contract_yuan), 0).label("contract_yuan"),
        count_if(started).label("started"),
        count_if(producing).label("producing"),
        sum_if(started, Project.contract_yuan).label("started_contract_yuan"),
        sum_if(producing, Project.contract_yuan).label("producing_contract_yuan"),
        count_if(Project.park_id.is_not(None)).label("in_park"),
        count_if(Project.quality_tags > 0).label("quality"),
    ]


STATS = ("projects", "contract_yuan", "started", "producing", "started_contract_yuan",
           "producing_contract_yuan", "in_park", "quality")


def project_totals(engine: Engine, scope: RegionScope, filters: Filters) -> dict[str, int]:
    """Projects signed in the period and active as of its end, with their lifecycle counts and money.

    funds_in_period: money that arrived in the period for any active project of the scope
    (including projects signed earlier), the platform's 到位资金.
    funds_to_date: money that arrived up to the period's end for the projects signed in it,
    the numerator of 资金到位率.
    """
    as_of = filters.as_of(data_cutoff(engine))
    stmt = select(*stat_columns(as_of)).where(*project_conditions(scope, filters, as_of))
    with engine.connect() as conn:
        row = dict(conn.execute(stmt).mappings().one())
        row["funds_to_date_yuan"] = funds_to_date(conn, scope, filters, as_of)
        row["funds_in_period_yuan"] = funds_in_period(conn, scope, filters, as_of)
    return {k: int(v) for k, v in row.items()}


FUND_KEYS = ("city", "county", "month")


def funds_by(conn, scope: RegionScope, filters: Filters, as_of: date, *keys: str) -> dict[tuple, int]:
    """到位资金 in the period (money received from its start to as_of) for the scope's projects
    active as of as_of, whenever they were signed; summed per combination of `keys` ("city",
    "county", "month" as YYYYMM), the dict keyed by tuples of their values (() for the sum).

    Without project filters the money is read from the funding_month rollup for the period's
    whole months and from funding for the days of the months it cuts; the money of the few
    projects terminated by as_of is then subtracted. The same figure as joining every funding
    row to its project, at a cost that does not grow with the data.
    """
    if not set(keys) <= set(FUND_KEYS):
        raise ValueError(f"funds_by keys must be among {FUND_KEYS}: {keys}")
    period = [Funding.received_on <= as_of]
    if filters.date_from:
        period.append(Funding.received_on >= filters.date_from)
    amount = func.sum(Funding.amount_yuan).label("amount")
    on_funding = _fund_columns(Funding.city_adcode, Funding.county_adcode, Funding.received_on, keys)

    def total(stmt, group) -> dict[tuple, int]:
        if group:
            stmt = stmt.group_by(*group)
        return {tuple(r[:-1]): int(r[-1] or 0) for r in conn.execute(stmt) if r[-1] is not None}

    if filters.channel or filters.industry or filters.origin:
        # An IN list keeps SQLite from driving the join from the funding date index (10x slower).
        chosen = select(Project.id).where(*project_conditions(scope, filters, as_of, signed_in_period=False))
        return total(select(*on_funding, amount).where(Funding.project_id.in_(chosen), *period), on_funding)

    received: dict[tuple, int] = {}
    first, last = whole_months(filters.date_from, as_of)
    edges = [(filters.date_from, as_of)]  # the days read from funding itself
    if first <= last:
        month_cols = _fund_columns(FundingMonth.city_adcode, FundingMonth.county_adcode, None, keys)
        rolled = select(*month_cols, func.sum(FundingMonth.amount_yuan)).where(
            scope.condition(FundingMonth.county_adcode, FundingMonth.city_adcode), FundingMonth.month <= last)
        if first:
            rolled = rolled.where(FundingMonth.month >= first)
        _merge(received, total(rolled, month_cols))
        edges = [(month_end(last) + timedelta(days=1), as_of)]
        if first:
            edges.append((filters.date_from, month_start(first) - timedelta(days=1)))
    for start, end in edges:
        if start is not None and start > end:
            continue
        days = [Funding.received_on <= end] + ([Funding.received_on >= start] if start else [])
        edge = select(*on_funding, amount).where(scope.condition(Funding.county_adcode, Funding.city_adcode), *days)
        _merge(received, total(edge, on_funding))
    # Grouped by the project's own region columns (equal to funding's by the composite key),
    # so the terminated projects are read from their index alone.
    on_project = _fund_columns(Project.city_adcode, Project.county_adcode, Funding.received_on, keys)

    def withdrawn_days(start: date | None, end: date) -> dict[tuple, int]:
        days = [Funding.received_on <= end] + ([Funding.received_on >= start] if start else [])
        return total(
            select(*on_project, amount)
            .join(Project, Project.id == Funding.project_id)
            .where(scope.condition(Project.county_adcode, Project.city_adcode), lifecycle.is_terminated(as_of), *days),
            on_project,
        )

    if first <= last and USE_ROLLUP:
        # The money of terminated projects is summed per county and month of receipt in
        # project_month ('w' rows), the cut days read as above. The rows hold every termination
        # on record: those after as_of (few: ix_project_terminated) are given their money back.
        withdrawn: dict[tuple, int] = {}
        cols = {"city": ProjectMonth.city_adcode, "county": ProjectMonth.county_adcode, "month": ProjectMonth.month}
        w_cols = [cols[k].label(f"k{i}") for i, k in enumerate(keys)]
        rolled = select(*w_cols, func.sum(ProjectMonth.funds_yuan)).where(
            ProjectMonth.dim == "w", ProjectMonth.month <= last,
            scope.condition(ProjectMonth.county_adcode, ProjectMonth.city_adcode))
        if first:
            rolled = rolled.where(ProjectMonth.month >= first)
        _merge(withdrawn, total(rolled, w_cols))
        for start, end in edges:
            if start is None or start <= end:
                _merge(withdrawn, withdrawn_days(start, end))
        if not settled(conn, as_of):
            months = [Funding.received_on <= month_end(last)]
            if first:
                months.append(Funding.received_on >= month_start(first))
            later = total(
                select(*on_project, amount).join(Project, Project.id == Funding.project_id)
                .where(scope.condition(Project.county_adcode, Project.city_adcode), Project.terminated_on > as_of,
                       *months),
                on_project)
            _merge(withdrawn, {k: -v for k, v in later.items()})
    else:
        withdrawn = withdrawn_days(filters.date_from, as_of)
    return {k: v - withdrawn.get(k, 0) for k, v in received.items()}


def _fund_columns(city, county, received_on, keys) -> list:
    columns = {"city": city, "county": county,
               "month": FundingMonth.month if received_on is None else year_month(received_on)}
    return [columns[k].label(f"k{i}") for i, k in enumerate(keys)]


def _merge(into: dict[tuple, int], more: dict[tuple, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def whole_months(start: date | None, end: date) -> tuple[int, int]:
    """The first and last whole months (YYYYMM) of [start, end]; first is 0 when unbounded,
    and first > last when the period holds no whole month."""
    first = 0 if start is None else _ym(start) if start.day == 1 else _next_ym(_ym(start))
    last = _ym(end) if end == month_end(_ym(end)) else _prev_ym(_ym(end))
    return first, last


def _ym(d: date) -> int:
    return d.year * 100 + d.month


def _next_ym(ym: int) -> int:
    return ym + 89 if ym % 100 == 12 else ym + 1


def _prev_ym(ym: int) -> int:
    return ym - 89 if ym % 100 == 1 else ym - 1


def month_start(ym: int) -> date:
    return date(ym // 100, ym % 100, 1)


def month_end(ym: int) -> date:
    year, month = divmod(ym, 100)
    return date(year, month, calendar.monthrange(year, month)[1])


def funds_in_period(conn, scope: RegionScope, filters: Filters, as_of: date) -> int:
    return funds_by(conn, scope, filters, as_of).get((), 0)


def funds_to_date(conn, scope: RegionScope, filters: Filters, as_of: date) -> int:
    """Money received up to as_of for the projects signed in the period (资金到位率's numerator)."""
    stmt = (
        select(func.coalesce(func.sum(Funding.amount_yuan), 0))
        .join(Project, Project.id == Funding.project_id)
        .where(*project_conditions(scope, filters, as_of), Funding.received_on <= as_of)
    )
    return int(conn.scalar(stmt))


def totals_by_region(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """One row per region one level below the scope (a county: the county itself), for the map."""
    as_of = filters.as_of(data_cutoff(engine))
    if scope.level == "province":
        key, members = Project.city_adcode, select(Region.adcode).where(Region.level == "city")
    elif scope.level == "city":
        key, members = Project.county_adcode, select(Region.adcode).where(Region.parent_adcode == scope.adcode)
    else:
        key, members = Project.county_adcode, select(Region.adcode).where(Region.adcode == scope.adcode)
    started, producing = lifecycle.is_started(as_of), lifecycle.is_producing(as_of)
    agg = (
        select(
            key.label("adcode"),
            func.count().label("projects"),
            func.sum(Project.contract_yuan).label("contract_yuan"),
            count_if(started).label("started"),
            count_if(producing).label("producing"),
        )
        .where(*project_conditions(scope, filters, as_of))
        .group_by(key)
    )
    funds_key = "city" if key is Project.city_adcode else "county"
    with engine.connect() as conn:
        funds = funds_by(conn, scope, filters, as_of, funds_key)
        names = pd.DataFrame(
            conn.execute(
                select(Region.adcode, Region.name, Region.short_name, Region.label_lon, Region.label_lat)
                .where(Region.adcode.in_(members))
                .order_by(Region.sort_order)
            ).mappings().all()
        )
        figures = pd.DataFrame(conn.execute(agg).mappings().all(), columns=list(agg.selected_columns.keys()))
    # Regions without a project still belong on the map, with zeros rather than holes.
    frame = names.merge(figures, on="adcode", how="left")
    counts = ["projects", "contract_yuan", "started", "producing"]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["funds_yuan"] = [funds.get((int(a),), 0) for a in frame["adcode"]]
    return frame


def funnel(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """签约 → 已开工(含投产) → 已投产, by count and by contract value, as of the period's end."""
    as_of = filters.as_of(data_cutoff(engine))
    with engine.connect() as conn:
        row = conn.execute(select(*stat_columns(as_of)).where(*project_conditions(scope, filters, as_of)))
        return funnel_of({k: int(v) for k, v in row.mappings().one().items()})


def funnel_of(totals: dict[str, int]) -> pd.DataFrame:
    """The funnel read off project_totals' figures, for callers that have them already."""
    return pd.DataFrame(
        {
            "stage": ["signed", "started", "producing"],
            "label": ["签约", "已开工(含投产)", "已投产"],
            "projects": [totals["projects"], totals["started"], totals["producing"]],
            "contract_yuan": [totals["contract_yuan"], totals["started_contract_yuan"], totals["producing_contract_yuan"]],
        }
    )


def chain_link_totals(engine: Engine, scope: RegionScope, filters: Filters) -> pd.DataFrame:
    """Per chain link of the key industries: active projects signed in the period and their money."""
    as_of = filters.as_of(data_cutoff(engine))
    started, producing = lifecycle.is_started(as_of), lifecycle.is_producing(as_of)
    agg = (
        select(
            Project.chain_link_id.label("link_id"),
            func.count().label("projects"),
            func.sum(Project.contract_yuan).label("contract_yuan"),
            count_if(started).label("started"),
            count_if(producing).label("producing"),
        )
        .where(*project_conditions(scope, filters, as_of), Project.chain_link_id.is_not(None))
        .group_by(Project.chain_link_id)
        .subquery()
    )
    stmt = (
        select(
            ChainLink.id.label("link_id"), ChainLink.industry_code, Industry.name.label("industry_name"),
            ChainLink.stage, ChainLink.sort_order, ChainLink.name, ChainLink.is_weak,
            ChainLink.target_contract_yuan, ChainLink.target_projects,
            func.coalesce(agg.c.projects, 0).label("projects"),
            func.coalesce(agg.c.contract_yuan, 0).label("contract_yuan"),
            func.coalesce(agg.c.started, 0).label("started"),
            func.coalesce(agg.c.producing, 0).label("producing"),
        )
        .join(Industry, Industry.code == ChainLink.industry_code)
        .outerjoin(agg, agg.c.link_id == ChainLink.id)
        .order_by(Industry.sort_order, ChainLink.sort_order)
    )
    if filters.industry:
        stmt = stmt.where(ChainLink.industry_code == filters.industry)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all())
    for col in ("projects", "contract_yuan", "started", "producing"):
        frame[col] = frame[col].astype("int64")
    return frame


def activity_conditions(scope: RegionScope, filters: Filters, as_of: date) -> tuple[list, list]:
    """WHERE clauses of the period's visits and of its site inspections."""
    vconds = [scope.condition(Visit.county_adcode, Visit.city_adcode), Visit.visited_on <= as_of]
    iconds = [scope.condition(Inspection.county_adcode, Inspection.city_adcode), Inspection.inspected_on <= as_of]
    if filters.date_from:
        vconds.append(Visit.visited_on >= filters.date_from)
        iconds.append(Inspection.inspected_on >= filters.date_from)
    if filters.channel:
        vconds.append(Visit.channel == filters.channel)
        iconds.append(Inspection.channel == filters.channel)
    if filters.origin:
        names = origin_names(filters.origin)
        vconds.append(Visit.location_city.in_(names) | Visit.location_province.in_(names))
        iconds.append(Inspection.enterprise_id.in_(select(Enterprise.id).where(origin_condition(filters.origin))))
    return vconds, iconds


def activity_totals(engine: Engine, scope: RegionScope, filters: Filters) -> dict[str, int]:
    """Enterprise visits, business-association visits and site inspections (赴黔考察) in the period."""
    as_of = filters.as_of(data_cutoff(engine))
    vconds, iconds = activity_conditions(scope, filters, as_of)
    visits = select(
        count_if(Visit.kind == VISIT_ENTERPRISE).label("enterprise_visits"),
        count_if(Visit.kind == VISIT_ASSOCIATION).label("association_visits"),
    ).where(and_(*vconds))
    inspections = select(func.count()).select_from(Inspection).where(and_(*iconds))
    with engine.connect() as conn:
        row = dict(conn.execute(visits).mappings().one())
        row["inspections"] = conn.scalar(inspections)
    return {k: int(v) for k, v in row.items()}
