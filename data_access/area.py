"""An area's statistics kept per county, so that any region inside the area is summed in Python.

A leader drills by clicking the map of the screen in front of them, so the province's (or a
city's) statistics for the same filters have just been read. Read once per county and kept, they
answer every city and county below without another scan of the projects: a drill click then
costs only the few statistics that do not add up across counties (medians, the largest stalled
projects), which `overview` reads for the region itself.

Every statistic here is additive over counties, with the definitions of `queries` and `overview`
(the tests hold the two paths to the same numbers on both backends). Visits and inspections may
have no county (a provincial or city team), so they are kept per (city, county) pair.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import pandas as pd
from sqlalchemy import Date, Engine, func, literal, select

from . import lifecycle
from .models import Funding, Inspection, Project, ProjectMonth, Region, Visit
from .queries import (
    STATS, activity_conditions, count_if, data_cutoff, stat_columns, funds_by, month_end, month_start,
    project_conditions,
    settled, whole_months,
)
from . import queries
from .area_later import ended_later, funds_after, pipeline_after, stats_after
from .scope import Filters, RegionScope
from .sqlfunc import days_between, year_month
from .vocab import SOURCE_REGIONS, VISIT_ASSOCIATION, VISIT_ENTERPRISE

STALL_YELLOW_DAYS = 90   # 签约未开工 beyond 3 months: yellow (domain.md §6)
STALL_RED_DAYS = 180     # beyond 6 months: red; land contracts require 实质性开工 within 6 months


# Grouping by city before county lets a city's reads use the index led by the city (which holds
# the county), instead of the county index, which SQLite otherwise picks and then must read the
# table for the city (15x slower for a city's 到位 to date at 1M projects).
# A province's reads need no city and are fastest grouped by the county alone.
def by_county(area: RegionScope) -> tuple:
    return (Project.county_adcode,) if area.level == "province" else (Project.city_adcode, Project.county_adcode)


ACTIVITY = ("enterprise_visits", "association_visits", "inspections")
STALLED = ("pipeline", "yellow", "red")
MAP_STATS = ("projects", "contract_yuan", "started", "producing", "funds_yuan")
_MAP_INDEX = [(name, STATS.index(name)) for name in MAP_STATS[:-1]]


@dataclass(frozen=True)
class AreaStats:
    """The additive statistics of one area (province or city) for one set of filters, per county."""

    area: RegionScope
    as_of: date
    detail: bool                                    # with industries, sources and stalled counts
    county_city: dict[int, int]                     # every county of the area → its city
    stats: dict[int, tuple[int, ...]]               # county → STATS
    to_date: dict[int, int]                         # county → 到位 to date of its period's projects
    signed: dict[tuple[int, int], int]              # (county, YYYYMM) → contract value signed
    funds: dict[tuple[int, int], int]               # (county, YYYYMM) → 到位资金 received
    activity: dict[tuple[int | None, int | None], tuple[int, int, int]]  # (city, county) → ACTIVITY
    industries: dict[tuple[int, str], tuple[int, int]]  # (county, industry) → projects, contract
    sources: dict[tuple[int, str], tuple[int, int]]     # (county, source region) → projects, contract
    stalled: dict[int, tuple[int, int, int]]        # county → STALLED

    def covers(self, scope: RegionScope) -> bool:
        if self.area.level == "province":
            return True
        return scope.adcode == self.area.adcode or scope.parent_adcode == self.area.adcode

    def counties(self, scope: RegionScope) -> set[int]:
        if scope.level == "province":
            return set(self.county_city)
        if scope.level == "city":
            return {c for c, city in self.county_city.items() if city == scope.adcode}
        return {scope.adcode}

    def totals(self, scope: RegionScope) -> dict[str, int]:
        mine = self.counties(scope)
        sums = _sum(v for k, v in self.stats.items() if k in mine)
        totals = dict(zip(STATS, sums or [0] * len(STATS)))
        totals["funds_in_period_yuan"] = sum(v for (c, _), v in self.funds.items() if c in mine)
        totals["funds_to_date_yuan"] = sum(v for c, v in self.to_date.items() if c in mine)
        return totals

    def by_region(self, scope: RegionScope) -> dict[int, dict[str, int]]:
        """The map's statistics, per region one level below the scope (a county: its city's counties)."""
        if scope.level == "province":
            key = self.county_city.__getitem__
            mine = set(self.county_city)
        else:
            city = scope.adcode if scope.level == "city" else scope.parent_adcode
            key = int
            mine = {c for c, parent in self.county_city.items() if parent == city}
        out: dict[int, dict[str, int]] = {}

        def row(county: int) -> dict[str, int]:
            return out.setdefault(key(county), dict.fromkeys(MAP_STATS, 0))

        for county, values in self.stats.items():
            if county in mine:
                acc = row(county)
                for name, i in _MAP_INDEX:
                    acc[name] += values[i]
        for (county, _), value in self.funds.items():
            if county in mine:
                row(county)["funds_yuan"] += value
        return out

    def monthly(self, scope: RegionScope) -> tuple[dict[int, int], dict[int, int]]:
        """Contract value signed and funds received per YYYYMM."""
        mine = self.counties(scope)
        return _by_month(self.signed, mine), _by_month(self.funds, mine)

    def activity_of(self, scope: RegionScope) -> dict[str, int]:
        if scope.level == "province":
            rows = self.activity.values()
        elif scope.level == "city":
            rows = [v for (city, _), v in self.activity.items() if city == scope.adcode]
        else:
            rows = [v for (_, county), v in self.activity.items() if county == scope.adcode]
        return dict(zip(ACTIVITY, _sum(rows) or [0, 0, 0]))

    def breakdown(self, scope: RegionScope, kind: str) -> dict[str, tuple[int, int]]:
        """(projects, contract) per industry code or per source region."""
        if not self.detail:
            raise ValueError("area read without detail")
        mine = self.counties(scope)
        out: dict[str, list[int]] = {}
        for (county, key), (n, c) in (self.industries if kind == "industry" else self.sources).items():
            if county in mine:
                acc = out.setdefault(key, [0, 0])
                acc[0] += n
                acc[1] += c
        return {k: (v[0], v[1]) for k, v in out.items()}

    def stalled_of(self, scope: RegionScope) -> dict[str, int]:
        mine = self.counties(scope)
        return dict(zip(STALLED, _sum(v for c, v in self.stalled.items() if c in mine) or [0, 0, 0]))


def _sum(rows) -> list[int] | None:
    acc = None
    for row in rows:
        if acc is None:
            acc = list(row)
        else:
            for i, v in enumerate(row):
                acc[i] += v
    return acc


def _by_month(values: dict[tuple[int, int], int], mine: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for (county, month), v in values.items():
        if county in mine:
            out[month] = out.get(month, 0) + v
    return out


# ------------------------------------------------------------------ reading an area

def read_area(engine: Engine, area: RegionScope, filters: Filters, *, detail: bool = True) -> AreaStats:
    """Read an area's statistics per county, part after part."""
    return start_area(engine, area, filters, detail=detail)()


def start_area(engine: Engine, area: RegionScope, filters: Filters, *, detail: bool = True,
               executor: Executor | None = None) -> Callable[[], AreaStats]:
    """Start reading an area's parts (side by side on an executor); the returned function waits
    for them and assembles the statistics."""
    if area.level == "county":
        raise ValueError("an area is the province or a city")
    as_of = filters.as_of(data_cutoff(engine))
    parts = {"counties": _counties, "stats": _stats, "to_date": _to_date, "signed": _signed,
             "funds": _funds, "activity": _activity}
    if detail:
        parts |= {"industries": _pairs(Project.industry_code), "sources": _pairs(Project.source_region),
                  "stalled": _stalled}
    if queries.USE_ROLLUP and not (filters.channel or filters.origin):
        parts["activity"] = _rolled_activity  # visits have no lifecycle: any period
    if queries.USE_ROLLUP and not (filters.channel or filters.industry or filters.origin):
        with engine.connect() as conn:
            later = None if settled(conn, as_of) else as_of  # events after as_of to take away
        parts |= {"stats": partial(_rolled_stats, later=later), "to_date": partial(_rolled_to_date, later=later),
                  "signed": partial(_rolled_signed, later=later)}
        if detail:
            parts |= {"industries": _rolled_pairs("i", Project.industry_code, later),
                      "sources": _rolled_pairs("s", Project.source_region, later),
                      "stalled": partial(_rolled_stalled, later=later)}
    args = (engine, area, filters, as_of, detail)
    if executor is None:
        pending = {name: (lambda part=part: part(*args)) for name, part in parts.items()}
    else:
        pending = {name: executor.submit(part, *args).result for name, part in parts.items()}

    def finish() -> AreaStats:
        got = {name: wait() for name, wait in pending.items()}
        return AreaStats(
            area=area, as_of=as_of, detail=detail, county_city=got["counties"], stats=got["stats"],
            to_date=got["to_date"], signed=got["signed"], funds=got["funds"], activity=got["activity"],
            industries=got.get("industries", {}), sources=got.get("sources", {}), stalled=got.get("stalled", {}),
        )

    return finish


def _counties(engine, area, filters, as_of, detail) -> dict[int, int]:
    stmt = select(Region.adcode, Region.parent_adcode).where(Region.level == "county")
    if area.level == "city":
        stmt = stmt.where(Region.parent_adcode == area.adcode)
    with engine.connect() as conn:
        return {int(a): int(p) for a, p in conn.execute(stmt)}


def _stats(engine, area, filters, as_of, detail) -> dict[int, tuple[int, ...]]:
    keys = by_county(area)
    n = len(keys)
    stmt = (select(*keys, *stat_columns(as_of))
            .where(*project_conditions(area, filters, as_of)).group_by(*keys))
    with engine.connect() as conn:
        return {int(row[n - 1]): tuple(int(v) for v in row[n:]) for row in conn.execute(stmt)}


def _pairs(column):
    """(projects, contract) per county and `column`: two small groupings cost less than one
    grouping by county, industry and source together (tens of rows per county instead of
    hundreds)."""
    def read(engine, area, filters, as_of, detail) -> dict[tuple[int, str], tuple[int, int]]:
        keys = by_county(area)
        n = len(keys)
        stmt = (select(*keys, column, func.count(), func.sum(Project.contract_yuan))
                .where(*project_conditions(area, filters, as_of)).group_by(*keys, column))
        with engine.connect() as conn:
            return {(int(row[n - 1]), row[n]): (int(row[n + 1]), int(row[n + 2])) for row in conn.execute(stmt)}
    return read


def _to_date(engine, area, filters, as_of, detail) -> dict[int, int]:
    """Money received up to as_of for the projects signed in the period (资金到位率's numerator)."""
    keys = by_county(area)
    n = len(keys)
    stmt = (
        select(*keys, func.sum(Funding.amount_yuan))
        .join(Project, Project.id == Funding.project_id)
        .where(*project_conditions(area, filters, as_of), Funding.received_on <= as_of)
        .group_by(*keys)
    )
    with engine.connect() as conn:
        return {int(row[n - 1]): int(row[n]) for row in conn.execute(stmt) if row[n] is not None}


def _signed(engine, area, filters, as_of, detail) -> dict[tuple[int, int], int]:
    keys = by_county(area)
    n = len(keys)
    month = year_month(Project.signed_on)
    stmt = (select(*keys, month, func.sum(Project.contract_yuan))
            .where(*project_conditions(area, filters, as_of)).group_by(*keys, month))
    with engine.connect() as conn:
        return {(int(row[n - 1]), int(row[n])): int(row[n + 1]) for row in conn.execute(stmt)}


def _funds(engine, area, filters, as_of, detail) -> dict[tuple[int, int], int]:
    with engine.connect() as conn:
        got = funds_by(conn, area, filters, as_of, "county", "month")
    return {(int(c), int(m)): v for (c, m), v in got.items()}


def _activity(engine, area, filters, as_of, detail) -> dict[tuple, tuple[int, int, int]]:
    vconds, iconds = activity_conditions(area, filters, as_of)
    visits = (
        select(Visit.city_adcode, Visit.county_adcode,
               count_if(Visit.kind == VISIT_ENTERPRISE), count_if(Visit.kind == VISIT_ASSOCIATION))
        .where(*vconds).group_by(Visit.city_adcode, Visit.county_adcode)
    )
    inspections = (
        select(Inspection.city_adcode, Inspection.county_adcode, func.count())
        .where(*iconds).group_by(Inspection.city_adcode, Inspection.county_adcode)
    )
    out: dict[tuple, list[int]] = {}

    def key(city, county):
        return (None if city is None else int(city), None if county is None else int(county))

    with engine.connect() as conn:
        for city, county, ent, assoc in conn.execute(visits):
            acc = out.setdefault(key(city, county), [0, 0, 0])
            acc[0] += int(ent)
            acc[1] += int(assoc)
        for city, county, n in conn.execute(inspections):
            out.setdefault(key(city, county), [0, 0, 0])[2] += int(n)
    return {k: tuple(v) for k, v in out.items()}


# ------------------------------------------------------------------ the same, from the rollup

def split_months(lo: date | None, hi: date) -> tuple[tuple[int, int] | None, list[tuple[date | None, date]]]:
    """Signing days [lo, hi] as the whole months the rollup holds (first, last YYYYMM; None
    when there is none) and the days before and after them, read from the projects."""
    first, last = whole_months(lo, hi)
    if first > last:
        return None, [(lo, hi)]
    edges = []
    if lo is not None and first:
        before = month_start(first) - timedelta(days=1)
        if lo <= before:
            edges.append((lo, before))
    after = month_end(last) + timedelta(days=1)
    if after <= hi:
        edges.append((after, hi))
    return (first, last), edges


def _rolled(engine, area: RegionScope, lo: date | None, hi: date, dim: str, columns: list, keys: tuple,
            detail: Callable[[date | None, date], object],
            later: Callable[[tuple[int, int]], object] | None = None) -> dict[tuple, list[int]]:
    """Sums per `keys` (ProjectMonth columns) of `columns` over the projects signed in [lo, hi]:
    the rollup's whole months plus `detail(start, end)`, a statement over the projects of the
    edge days whose rows are the same keys and sums; and, for a day before the last on record,
    `later(months)`: statements whose rows (same keys, signed sums) turn the whole months' figures
    as recorded into the figures as of that day."""
    months, edges = split_months(lo, hi)
    out: dict[tuple, list[int]] = {}
    n = len(keys)

    def add(rows) -> None:
        for row in rows:
            acc = out.setdefault(tuple(row[:n]), [0] * (len(row) - n))
            for i, v in enumerate(row[n:]):
                acc[i] += int(v or 0)

    with engine.connect() as conn:
        if months is not None:
            first, last = months
            stmt = (select(*keys, *[func.sum(c) for c in columns])
                    .where(ProjectMonth.dim == dim, ProjectMonth.month <= last,
                           area.condition(ProjectMonth.county_adcode, ProjectMonth.city_adcode))
                    .group_by(*keys))
            if first:
                stmt = stmt.where(ProjectMonth.month >= first)
            add(conn.execute(stmt))
            if later is not None:
                for correction in later(months):
                    add(conn.execute(correction))
        for start, end in edges:
            add(conn.execute(detail(start, end)))
    return out


def _edge_conditions(area: RegionScope, start: date | None, end: date, as_of: date) -> list:
    conds = [area.condition(Project.county_adcode, Project.city_adcode), lifecycle.is_active(as_of),
             Project.signed_on <= end]
    if start is not None:
        conds.append(Project.signed_on >= start)
    return conds


_ROLLED_STATS = {"projects": ProjectMonth.projects, "contract_yuan": ProjectMonth.contract_yuan,
                 "started": ProjectMonth.started, "producing": ProjectMonth.producing,
                 "started_contract_yuan": ProjectMonth.started_contract_yuan,
                 "producing_contract_yuan": ProjectMonth.producing_contract_yuan,
                 "in_park": ProjectMonth.in_park, "quality": ProjectMonth.quality}


def _rolled_stats(engine, area, filters, as_of, detail, later=None) -> dict[int, tuple[int, ...]]:
    got = _rolled(engine, area, filters.date_from, as_of, "t", [_ROLLED_STATS[k] for k in STATS],
                  (ProjectMonth.county_adcode,),
                  lambda start, end: select(Project.county_adcode, *stat_columns(as_of))
                  .where(*_edge_conditions(area, start, end, as_of)).group_by(Project.county_adcode),
                  later and (lambda months: stats_after(area, months, later)))
    return {int(k[0]): tuple(v) for k, v in got.items() if v[0]}


def _rolled_to_date(engine, area, filters, as_of, detail, later=None) -> dict[int, int]:
    got = _rolled(engine, area, filters.date_from, as_of, "t", [ProjectMonth.funds_yuan],
                  (ProjectMonth.county_adcode,),
                  lambda start, end: select(Project.county_adcode, func.sum(Funding.amount_yuan))
                  .join(Project, Project.id == Funding.project_id)
                  .where(*_edge_conditions(area, start, end, as_of), Funding.received_on <= as_of)
                  .group_by(Project.county_adcode),
                  later and (lambda months: funds_after(area, months, later)))
    return {int(k[0]): v[0] for k, v in got.items() if v[0]}


def _rolled_signed(engine, area, filters, as_of, detail, later=None) -> dict[tuple[int, int], int]:
    month = year_month(Project.signed_on)
    got = _rolled(engine, area, filters.date_from, as_of, "t", [ProjectMonth.contract_yuan, ProjectMonth.projects],
                  (ProjectMonth.county_adcode, ProjectMonth.month),
                  lambda start, end: select(Project.county_adcode, month, func.sum(Project.contract_yuan),
                                            func.count())
                  .where(*_edge_conditions(area, start, end, as_of)).group_by(Project.county_adcode, month),
                  later and (lambda months: [
                      select(Project.county_adcode, month, func.sum(Project.contract_yuan), func.count())
                      .where(*ended_later(area, months, later)).group_by(Project.county_adcode, month)]))
    return {(int(c), int(m)): v[0] for (c, m), v in got.items() if v[1]}


def _rolled_pairs(dim: str, column, later: date | None = None):
    def read(engine, area, filters, as_of, detail) -> dict[tuple[int, str], tuple[int, int]]:
        got = _rolled(engine, area, filters.date_from, as_of, dim, [ProjectMonth.projects, ProjectMonth.contract_yuan],
                      (ProjectMonth.county_adcode, ProjectMonth.value),
                      lambda start, end: select(Project.county_adcode, column, func.count(),
                                                func.sum(Project.contract_yuan))
                      .where(*_edge_conditions(area, start, end, as_of)).group_by(Project.county_adcode, column),
                      later and (lambda months: [
                          select(Project.county_adcode, column, func.count(), func.sum(Project.contract_yuan))
                          .where(*ended_later(area, months, later)).group_by(Project.county_adcode, column)]))
        return {(int(c), v): (n, c_) for (c, v), (n, c_) in got.items() if n}
    return read


def _rolled_stalled(engine, area, filters, as_of, detail, later=None) -> dict[int, tuple[int, int, int]]:
    """签约未开工 per county: signed in the period, active and not started as of as_of; red when
    signed more than STALL_RED_DAYS before it, yellow beyond STALL_YELLOW_DAYS."""
    def pipeline(lo: date | None, hi: date) -> dict[int, int]:
        if lo is not None and lo > hi:
            return {}
        got = _rolled(engine, area, lo, hi, "t", [ProjectMonth.projects - ProjectMonth.started],
                      (ProjectMonth.county_adcode,),
                      lambda start, end: select(Project.county_adcode, func.count())
                      .where(*_edge_conditions(area, start, end, as_of), lifecycle.is_pipeline(as_of))
                      .group_by(Project.county_adcode),
                      later and (lambda months: pipeline_after(area, months, later)))
        return {int(k[0]): v[0] for k, v in got.items()}

    lo = filters.date_from
    red_end = as_of - timedelta(days=STALL_RED_DAYS + 1)
    yellow = (max(lo, red_end + timedelta(days=1)) if lo else red_end + timedelta(days=1),
              as_of - timedelta(days=STALL_YELLOW_DAYS + 1))
    every, red, amber = pipeline(lo, as_of), pipeline(lo, red_end), pipeline(*yellow)
    return {c: (n, amber.get(c, 0), red.get(c, 0)) for c, n in every.items() if n}


def _rolled_activity(engine, area, filters, as_of, detail) -> dict[tuple, tuple[int, int, int]]:
    """_activity from the rollup's 'e', 'a', 'n' rows (per county or 0, city as text or '')."""
    out: dict[tuple, list[int]] = {}

    def key(city, county):
        return (None if city in (None, "", 0) else int(city), None if county in (None, 0) else int(county))

    for i, dim in enumerate(("e", "a", "n")):
        def detail_rows(start, end, i=i):
            vconds, iconds = activity_conditions(area, Filters(date_from=start), end)
            if i == 2:
                return (select(Inspection.city_adcode, Inspection.county_adcode, func.count())
                        .where(*iconds).group_by(Inspection.city_adcode, Inspection.county_adcode))
            kind = VISIT_ENTERPRISE if i == 0 else VISIT_ASSOCIATION
            return (select(Visit.city_adcode, Visit.county_adcode, func.count())
                    .where(*vconds, Visit.kind == kind).group_by(Visit.city_adcode, Visit.county_adcode))

        got = _rolled(engine, area, filters.date_from, as_of, dim, [ProjectMonth.projects],
                      (ProjectMonth.value, ProjectMonth.county_adcode), detail_rows)
        for (city, county), (n,) in got.items():
            if n:
                out.setdefault(key(city, county), [0, 0, 0])[i] += n
    return {k: tuple(v) for k, v in out.items()}


def waited_days(as_of: date):
    return days_between(literal(as_of, Date), Project.signed_on)


def stalled_conditions(scope: RegionScope, filters: Filters, as_of: date) -> list:
    return [*project_conditions(scope, filters, as_of), lifecycle.is_pipeline(as_of)]


def _stalled(engine, area, filters, as_of, detail) -> dict[int, tuple[int, int, int]]:
    keys = by_county(area)
    n = len(keys)
    waited = waited_days(as_of)
    stmt = (
        select(
            *keys,
            func.count(),
            count_if((waited > STALL_YELLOW_DAYS) & (waited <= STALL_RED_DAYS)),
            count_if(waited > STALL_RED_DAYS),
        )
        .where(*stalled_conditions(area, filters, as_of))
        .group_by(*keys)
    )
    with engine.connect() as conn:
        return {int(row[n - 1]): tuple(int(v) for v in row[n:]) for row in conn.execute(stmt)}


# ------------------------------------------------------------------ frames for the screen

def region_frame(fig: AreaStats, scope: RegionScope, names: pd.DataFrame) -> pd.DataFrame:
    """The map's rows: every region one level below the scope (a county: its city's counties),
    zeros for regions without a project. `names` is `queries.regions`."""
    if scope.level == "province":
        members = names[names["level"] == "city"]
    else:
        city = scope.adcode if scope.level == "city" else scope.parent_adcode
        members = names[names["parent_adcode"] == city]
    got = fig.by_region(scope)
    zero = dict.fromkeys(MAP_STATS, 0)
    rows = [(int(r.adcode), r.name, r.short_name, r.label_lon, r.label_lat, *got.get(int(r.adcode), zero).values())
            for r in members.itertuples()]
    return pd.DataFrame(rows, columns=["adcode", "name", "short_name", "label_lon", "label_lat", *MAP_STATS])


def industry_frame(fig: AreaStats, scope: RegionScope, industries: list[tuple]) -> pd.DataFrame:
    """All industries in plan order, zeros included; `industries` is `queries.industries`."""
    got = fig.breakdown(scope, "industry")
    return pd.DataFrame(
        [(code, name, short, bool(key), *got.get(code, (0, 0))) for code, name, short, key in industries],
        columns=["code", "name", "short_name", "is_key", "projects", "contract_yuan"],
    )


def source_frame(fig: AreaStats, scope: RegionScope) -> pd.DataFrame:
    got = fig.breakdown(scope, "source")
    return pd.DataFrame([(s, *got.get(s, (0, 0))) for s in SOURCE_REGIONS],
                        columns=["source_region", "projects", "contract_yuan"])
