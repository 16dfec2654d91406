"""The overview's data for one region and one set of filters, as typed values.

What adds up across counties is read per county for an area (the province, or one city) and
summed for the region (data_access/area.py), so a drill click reuses what the parent's screen
read; the rest (medians, the largest stalled projects, parks, the target) is read for the
region itself. The parts are independent reads, run side by side.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import date

import pandas as pd

from data_access import area
from data_access import overview as ov
from data_access import queries as q
from data_access.area import AreaStats, start_area
from data_access.scope import Filters, RegionScope, UnknownRegion
from data_access.vocab import PROVINCE_ADCODE
from urls import filter_query, overview_state
from urls import search as query_string

from .catalog import read_catalog
from .runtime import Runtime


@dataclass(frozen=True)
class Totals:
    """Headline statistics of the period's projects (money in yuan); see data_access/queries.py."""
    projects: int
    contract_yuan: int
    started: int
    producing: int
    started_contract_yuan: int
    producing_contract_yuan: int
    in_park: int
    quality: int
    funds_in_period_yuan: int  # 到位资金: all money received in the period
    funds_to_date_yuan: int    # money received to date by the period's projects (资金到位率's numerator)

    @classmethod
    def of(cls, values: dict[str, int]) -> Totals:
        return cls(**{f.name: int(values[f.name]) for f in fields(cls)})


TOTALS = tuple(f.name for f in fields(Totals))


@dataclass(frozen=True)
class Activity:
    enterprise_visits: int
    association_visits: int
    inspections: int


@dataclass(frozen=True)
class Durations:
    sign_to_start_days: float | None
    start_to_production_days: float | None


@dataclass(frozen=True, eq=False)
class Stalled:
    """签约未开工: the pipeline, its yellow and red lights, and the largest stalled projects."""
    pipeline: int
    yellow: int
    red: int
    top: pd.DataFrame


@dataclass(frozen=True)
class Target:
    contract_yuan: int
    funds_yuan: int
    projects: int


@dataclass(frozen=True, eq=False)
class YearAgo:
    totals: Totals
    activity: Activity
    trend: pd.DataFrame


@dataclass(frozen=True, eq=False)
class OverviewData:
    scope: RegionScope
    filters: Filters
    as_of: date                 # the period's end, never beyond the data
    cutoff: date
    first: date | None          # the first signing on record (where an open-ended period starts)
    totals: Totals
    funnel: pd.DataFrame        # stage, label, projects, contract_yuan
    regions: pd.DataFrame       # the map's rows (a county: its city's counties; pages filter by grant)
    industries: pd.DataFrame    # every industry, plan order
    sources: pd.DataFrame       # source regions
    trend: pd.DataFrame         # per month: contract signed, funds received
    parks: pd.DataFrame | None  # a county's parks
    activity: Activity
    durations: Durations
    stalled: Stalled
    target: Target | None
    year_totals: Totals         # 1 January to the period's end (the target's progress), all filters off
    target_year: int            # the year of the target card: the period end's, or its start's after the data
    previous: YearAgo | None    # the same days a year earlier
    compared: Filters | None    # which days: the period as read (cut at the data's end), a year earlier

    @property
    def after_data(self) -> bool:
        """The whole period lies after the data's cut-off: nothing is known about it yet."""
        return self.filters.date_from is not None and self.filters.date_from > self.cutoff

    @property
    def cut(self) -> bool:
        """The period runs past the data's cut-off: its figures end at the cut-off."""
        return self.filters.date_to is not None and self.filters.date_to > self.as_of


def shift_year(filters: Filters, years: int = -1) -> Filters | None:
    """The same period a year earlier; None for periods longer than a year (no like-for-like).

    Pass the period as it is read (`read_period`): a period cut at the data's end compares with
    the same days a year before, never with a full year of which half is not in the current one.
    """
    if not (filters.date_from and filters.date_to) or (filters.date_to - filters.date_from).days > 366:
        return None
    try:
        return replace(filters, date_from=_shift(filters.date_from, years), date_to=_shift(filters.date_to, years))
    except ValueError:  # before year 1: nothing to compare with
        return None


def _shift(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        if d.month == 2 and d.day == 29:
            return d.replace(year=d.year + years, day=28)
        raise


# The parts of a view are independent reads; run side by side they take the time of the longest
# rather than the sum (SQLite and psycopg release the GIL while the database works).
_readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="view-read")


def _start_area(rt: Runtime, scope: RegionScope, filters: Filters, detail: bool) -> Callable[[], AreaStats]:
    """The statistics of the smallest area holding `scope` (its city; the province for itself).

    Served from the cache when that area, or the whole province, was read for the same filters,
    as it has been when the click comes from the parent region's map; otherwise the area's
    parts are started side by side and the returned function waits for them.
    """
    own = rt.regions().get(scope.parent_adcode) if scope.level == "county" else scope
    for adcode in dict.fromkeys((own.adcode, PROVINCE_ADCODE)):
        for with_detail in (True, False) if not detail else (True,):
            hit = rt.cache.get(_area_key(rt, adcode, filters, with_detail))
            if hit is not None:
                return lambda hit=hit: hit
    pending = start_area(rt.engine, own, filters, detail=detail, executor=_readers)

    def finish() -> AreaStats:
        stats = pending()
        rt.cache.set(_area_key(rt, own.adcode, filters, detail), stats)
        return stats

    return finish


def _area_key(rt: Runtime, adcode: int, filters: Filters, detail: bool) -> str:
    return f"area/{rt.data_version()}/{adcode}/{filters!r}/{int(detail)}"


def read_period(filters: Filters, cutoff: date) -> Filters:
    """The period as the figures cover it: ending at the data's cut-off when it runs past it."""
    as_of = filters.as_of(cutoff)
    if filters.date_to and filters.date_to > as_of and not (filters.date_from and filters.date_from > as_of):
        return replace(filters, date_to=as_of)
    return filters


def read_overview(rt: Runtime, scope: RegionScope, filters: Filters) -> OverviewData:
    return rt.cached("overview", (scope, filters), lambda: _read(rt, scope, filters))


def _read(rt: Runtime, scope: RegionScope, filters: Filters) -> OverviewData:
    engine, catalog = rt.engine, read_catalog(rt)
    as_of = filters.as_of(catalog.cutoff)
    after_data = filters.date_from is not None and filters.date_from > catalog.cutoff
    # Nothing to compare a period after the data with; a cut period compares its own days.
    previous = None if after_data else shift_year(read_period(filters, catalog.cutoff))
    # A period after the data shows its own year's target (with nothing achieved yet), not the last one.
    target_year = filters.date_from.year if after_data else as_of.year
    year_so_far = None if after_data else Filters(date_from=date(as_of.year, 1, 1), date_to=as_of)
    # What does not add up across counties is read for the region itself.
    jobs = {
        "durations": (ov.stage_medians, engine, scope, filters),
        "stalled_top": (ov.stalled_top, engine, scope, filters),
        "target": (ov.annual_target, engine, scope, target_year),
    }
    if scope.level == "county":
        jobs["parks"] = (ov.parks_in, engine, scope, filters)
    futures = {key: _readers.submit(*job) for key, job in jobs.items()}
    areas = {"current": _start_area(rt, scope, filters, detail=True)}
    if year_so_far is not None and year_so_far != filters:
        areas["year"] = _start_area(rt, scope, year_so_far, detail=False)
    if previous is not None:
        areas["previous"] = _start_area(rt, scope, previous, detail=False)
    areas = {key: finish() for key, finish in areas.items()}
    got = {key: future.result() for key, future in futures.items()}

    stats = areas["current"]
    totals = stats.totals(scope)
    year_ago = None
    if "previous" in areas:
        prev = areas["previous"]
        year_ago = YearAgo(Totals.of(prev.totals(scope)), Activity(**prev.activity_of(scope)),
                           ov.trend_frame(previous, prev.as_of, *prev.monthly(scope)))
    target = got["target"]
    if "year" in areas:
        year_totals = Totals.of(areas["year"].totals(scope))
    else:
        year_totals = Totals.of(totals if year_so_far is not None else dict.fromkeys(TOTALS, 0))
    return OverviewData(
        scope=scope, filters=filters, as_of=stats.as_of, cutoff=catalog.cutoff, first=catalog.first,
        totals=Totals.of(totals),
        funnel=q.funnel_of(totals),
        regions=area.region_frame(stats, scope, catalog.regions),
        industries=area.industry_frame(stats, scope, list(catalog.industries)),
        sources=area.source_frame(stats, scope),
        trend=ov.trend_frame(filters, stats.as_of, *stats.monthly(scope)),
        parks=got.get("parks"),
        activity=Activity(**stats.activity_of(scope)),
        durations=Durations(**got["durations"]),
        stalled=Stalled(**stats.stalled_of(scope), top=got["stalled_top"]),
        target=Target(**target) if target else None,
        year_totals=year_totals, target_year=target_year,
        previous=year_ago, compared=previous,
    )


@dataclass(frozen=True, eq=False)
class Place:
    """Where an overview URL points, as the actor of the request may see it."""
    scope: RegionScope
    filters: Filters
    period: str
    problems: tuple[str, ...]
    query: dict          # the filters' canonical query (urls.filter_query)
    search: str          # the same as a query string, as links and the filter bar write it

    @property
    def key(self) -> dict:
        return {"adcode": self.scope.adcode, "search": self.search}


def overview_place(rt: Runtime, pathname: str, search: str) -> Place:
    """Raises UnknownRegion (no such region, or not an overview URL) or access.Denied."""
    location = rt.urls.parse(pathname, search)
    if location.route not in ("overview", "region"):
        raise UnknownRegion("不是总览页面的地址")
    scope = rt.grant().scope(location.args.get("adcode"))
    catalog = read_catalog(rt)
    state = overview_state(location.query, cutoff=catalog.cutoff, first=catalog.first,
                           industries=catalog.industry_codes)
    query = filter_query(state.filters, catalog.this_year)
    return Place(scope=scope, filters=state.filters, period=state.period,
                 problems=location.problems + state.problems, query=query,
                 search=query_string("overview", query))
